"""The 自查表's rules: drafts, the one submission, 退回 and 通过, and problems into the ledger once."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditLog
from app.checklists import services
from app.checklists.models import InspectionState
from app.extensions import db
from app.ledger.models import LedgerItem, RectifyType, Source, State
from tests.checklists.factories import all_no, items_of, make_checklist, with_problems
from tests.factories import make_user, today

TODAY = today()
LATER = TODAY + timedelta(days=20)


def _ledger(owner_id=None) -> list[LedgerItem]:
    query = select(LedgerItem).order_by(LedgerItem.id)
    if owner_id:
        query = query.where(LedgerItem.owner_id == owner_id)
    return db.session.scalars(query).all()


def _audit(action: str) -> list[AuditLog]:
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def _started(world, who="staff"):
    inspection = services.start(world["template"], world[who])
    db.session.flush()
    return inspection


def test_a_draft_may_be_partial_and_saved_any_number_of_times(world):
    inspection = _started(world)
    first = items_of(world["template"])[0]
    services.save_draft(inspection, world["staff"], inspection.version,
                        [services.AnswerInput(first.id, True, "办件超时", "", None)])
    db.session.flush()
    services.save_draft(inspection, world["staff"], inspection.version,
                        [services.AnswerInput(first.id, True, "办件超时两次", "建立台账", None)])
    db.session.flush()
    answer = next(a for a in inspection.answers if a.item_id == first.id)
    assert (answer.has_problem, answer.manifestation, answer.measures) == (True, "办件超时两次", "建立台账")
    assert inspection.state == InspectionState.DRAFT and inspection.version == 3
    assert _audit("checklist.submitted") == []  # a draft is not a record yet


def test_submit_refuses_yes_without_details_in_chinese(world):
    inspection = _started(world)
    items = items_of(world["template"])
    answers = with_problems(world["template"], {0: ("", "", None), 2: ("上班迟到", "", None)})
    answers[1] = services.AnswerInput(items[1].id, None)  # not answered
    with pytest.raises(services.Invalid) as refused:
        services.submit(inspection, world["staff"], inspection.version, answers, TODAY)
    assert str(refused.value) == "还有 3 项没有填写完整，请按提示补充后再提交。"
    assert refused.value.errors == {
        items[0].id: ["选择“是”时，须填写具体表现。", "选择“是”时，须填写整改措施。"],
        items[1].id: ["请选择是否存在问题。"],
        items[2].id: ["选择“是”时，须填写整改措施。"],
    }
    assert inspection.state == InspectionState.DRAFT


def test_a_planned_date_in_the_past_is_refused(world):
    inspection = _started(world)
    answers = with_problems(world["template"], {0: ("办件超时", "限时办结", TODAY - timedelta(days=1))})
    with pytest.raises(services.Invalid) as refused:
        services.submit(inspection, world["staff"], inspection.version, answers, TODAY)
    assert list(refused.value.errors.values()) == [["计划完成日期不能早于今天。"]]


def test_submit_once_then_not_again_until_returned(world):
    inspection = _started(world)
    services.submit(inspection, world["staff"], inspection.version, all_no(world["template"]), TODAY)
    db.session.flush()
    assert inspection.state == InspectionState.SUBMITTED and inspection.submitted_at
    with pytest.raises(services.Conflict, match="当前状态为「已提交」，不能提交"):
        services.submit(inspection, world["staff"], inspection.version, all_no(world["template"]), TODAY)
    with pytest.raises(services.Conflict, match="不能保存"):
        services.save_draft(inspection, world["staff"], inspection.version, all_no(world["template"]))


def test_a_stale_version_is_a_conflict(world):
    inspection = _started(world)
    seen = inspection.version
    services.save_draft(inspection, world["staff"], seen, all_no(world["template"]))
    db.session.flush()
    with pytest.raises(services.Conflict, match="刚在别处保存或处理过"):
        services.submit(inspection, world["staff"], seen, all_no(world["template"]), TODAY)


def test_details_of_a_no_are_dropped_on_submit(world):
    inspection = _started(world)
    answers = all_no(world["template"])
    answers[0].manifestation = "写了又改成否"
    services.submit(inspection, world["staff"], inspection.version, answers, TODAY)
    assert all(a.manifestation == "" for a in inspection.answers)


def test_return_needs_a_reason(world):
    inspection = _started(world)
    services.submit(inspection, world["staff"], inspection.version, all_no(world["template"]), TODAY)
    db.session.flush()
    with pytest.raises(services.Invalid, match="退回时请填写退回原因。"):
        services.return_(inspection, world["head"], inspection.version, "  ")


def test_the_whole_cycle_files_exactly_the_problems_once(world):
    """draft → submit → return → resubmit → pass → return → resubmit → pass."""
    staff, head, template = world["staff"], world["head"], world["template"]
    items = items_of(template)
    inspection = _started(world)
    # draft with one problem, then submit with two
    services.save_draft(inspection, staff, inspection.version, with_problems(template, {0: ("办件超时", "", None)}))
    db.session.flush()
    two = with_problems(template, {
        0: ("本人经办的两件事项超过承诺时限办结。", "建立经办事项台账，每周自查。", LATER),
        4: ("参加股室例会时多次接打电话。", "会前手机静音。", None),
    })
    services.submit(inspection, staff, inspection.version, two, TODAY)
    db.session.flush()
    # returned with a reason, fixed, submitted again
    services.return_(inspection, head, inspection.version, "具体表现写得太简单。")
    db.session.flush()
    assert inspection.state == InspectionState.RETURNED and inspection.return_reason == "具体表现写得太简单。"
    assert _ledger(staff.id) == []  # a return files nothing
    two[0].manifestation = "本人经办的两件公文分别超过承诺时限3天、5天办结。"
    services.submit(inspection, staff, inspection.version, two, TODAY)
    db.session.flush()
    assert inspection.return_reason == ""
    # passed: two ledger items
    created = services.pass_(inspection, head, inspection.version, "同意")
    db.session.flush()
    assert len(created) == 2
    efficiency, other = _ledger(staff.id)
    assert (efficiency.source, efficiency.category, efficiency.state) == (Source.SELF_INSPECTION, "工作效率", State.PENDING)
    assert efficiency.description == f"本人经办的两件公文分别超过承诺时限3天、5天办结。（自查项目：{items[0].text}）"
    assert efficiency.measures == "建立经办事项台账，每周自查。"
    assert (efficiency.rectify_type, efficiency.due_on) == (RectifyType.DEADLINE, LATER)
    assert (efficiency.owner_id, efficiency.unit_id, efficiency.leader_id) == (staff.id, staff.unit_id, world["leader"].id)
    assert efficiency.created_by_id == head.id and "由自查表转入" in efficiency.remarks
    assert (other.category, other.rectify_type, other.due_on) == ("其他", RectifyType.LONG_TERM, None)
    linked = {a.item_id: a.ledger_item_id for a in inspection.answers if a.ledger_item_id}
    assert linked == {items[0].id: efficiency.id, items[4].id: other.id}
    # a passed 自查表 returned (a problem turned up later), a third one added, passed again
    services.return_(inspection, head, inspection.version, "还有会风问题没有查摆。")
    db.session.flush()
    three = with_problems(template, {
        0: ("改了也不会再进台账", "", None), 2: ("上班迟到。", "提前到岗。", LATER),
        4: ("参加股室例会时多次接打电话。", "会前手机静音。", None),
    })
    services.submit(inspection, staff, inspection.version, three, TODAY)
    db.session.flush()
    assert next(a for a in inspection.answers if a.item_id == items[0].id).manifestation.startswith("本人经办")
    again = services.pass_(inspection, head, inspection.version)
    db.session.flush()
    assert [item.category for item in again] == ["纪律意识"]
    assert len(_ledger(staff.id)) == 3
    kinds = [event.kind for event in inspection.events]
    assert kinds == ["submitted", "returned", "submitted", "passed", "returned", "submitted", "passed"]
    assert len(_audit("checklist.submitted")) == 3 and len(_audit("checklist.returned")) == 2
    assert len(_audit("checklist.passed")) == 2 and len(_audit("ledger.created")) == 3


def test_pass_only_a_submitted_one(world):
    inspection = _started(world)
    with pytest.raises(services.Conflict, match="当前状态为「草稿」，不能审核"):
        services.pass_(inspection, world["head"], inspection.version)


def test_a_unit_without_a_leader_in_charge_files_without_one(world):
    staff = world["other_staff"]  # 财务股 is in nobody's portfolio
    inspection = services.start(world["template"], staff)
    services.submit(inspection, staff, inspection.version,
                    with_problems(world["template"], {3: ("收受购物卡", "退还", LATER)}), TODAY)
    db.session.flush()
    (item,) = services.pass_(inspection, world["other_head"], inspection.version)
    assert item.leader_id is None and item.category == "廉洁自律"


# -- templates and versions ------------------------------------------------------------------------

def test_a_published_template_is_changed_only_as_a_new_version(world):
    admin, template = world["admin"], world["template"]
    with pytest.raises(services.Conflict, match="修订为新版本"):
        services.save_template(template, admin, world["campaign"], title="改名", instructions="", due_on=None,
                               ranks=[], unit_ids=[], sections=[])
    copy = services.revise(template, admin)
    assert (copy.family_id, copy.version, copy.status) == (template.family_id, 2, "draft")
    assert [s.title for s in copy.sections] == [s.title for s in template.sections]
    assert services.revise(template, admin) is copy  # one draft per family
    services.publish(copy, admin)
    assert (template.status, copy.status) == ("superseded", "published")


def test_a_draft_moves_to_the_new_version_and_a_submitted_one_stays(world):
    admin, template = world["admin"], world["template"]
    drafting = services.start(template, world["staff"])
    first_item = items_of(template)[0]
    services.save_draft(drafting, world["staff"], drafting.version,
                        with_problems(template, {0: ("办件超时", "限时办结", None)}))
    done = services.start(template, world["head"])
    services.submit(done, world["head"], done.version, all_no(template), TODAY)
    db.session.flush()
    copy = services.revise(template, admin)
    sections = [services.SectionInput(s.title, [i.text for i in s.items]) for s in copy.sections]
    sections[0].items.append("新增：窗口一次性告知不到位")
    services.save_template(copy, admin, world["campaign"], title=copy.title, instructions="", due_on=None,
                           ranks=[], unit_ids=[], sections=sections)
    services.publish(copy, admin)
    db.session.flush()
    carried = services.move_to(drafting, copy, world["staff"])
    db.session.flush()
    assert drafting.template_id == copy.id and carried == len(items_of(template))
    moved = next(a for a in drafting.answers if a.item.text == first_item.text)
    assert (moved.has_problem, moved.manifestation) == (True, "办件超时")
    assert drafting.events[-1].kind == "moved"
    assert done.template_id == template.id
    with pytest.raises(services.Conflict):
        services.move_to(done, copy, world["head"])


def test_publishing_needs_items(world):
    empty = services.save_template(None, world["admin"], world["campaign"], title="空清单", instructions="",
                                   due_on=None, ranks=[], unit_ids=[], sections=[])
    with pytest.raises(services.Invalid, match="还没有自查项目"):
        services.publish(empty, world["admin"])


def test_a_section_needs_a_title_and_items(world):
    for sections, message in [([services.SectionInput("", ["一项"])], "每个方面都要填写名称"),
                              ([services.SectionInput("工作效率", ["  "])], "“工作效率”还没有自查项目")]:
        with pytest.raises(services.Invalid, match=message):
            services.save_template(None, world["admin"], world["campaign"], title="清单", instructions="",
                                   due_on=None, ranks=[], unit_ids=[], sections=sections)


def test_ranks_and_units_decide_who_must_fill(world):
    from app.checklists.queries import applies_to
    from app.org.models import Rank, Role

    middle = make_checklist(world["admin"], world["campaign"], title="中层干部自查清单", ranks=[Rank.MIDDLE],
                            unit_ids=[world["office"].id])
    assert applies_to(middle, world["head"])
    assert not applies_to(middle, world["staff"])  # 一般干部
    assert not applies_to(middle, world["other_head"])  # another unit
    assert applies_to(world["template"], world["leader"])  # empty = everyone, the bureau's own people too
    gone = make_user(Role.STAFF, world["office"], active=False)
    assert not applies_to(world["template"], gone)
    assert db.session.scalar(select(func.count()).select_from(LedgerItem)) == 0
