"""The demo's 自查清单 and 自查表 (`flask seed-demo`): real variation for the progress views, and work
waiting for each demo account."""
from collections import Counter

from sqlalchemy import select

from app.checklists import queries
from app.checklists.models import ChecklistTemplate, InspectionState, SelfInspection, TemplateStatus
from app.database import utcnow
from app.extensions import db
from app.ledger.models import LedgerItem, Source
from app.org.models import Rank, Role, Unit, User
from tests.ledger import test_demo as ledger_demo
from tests.ledger.test_demo import user

demo = ledger_demo.demo  # the module-scoped demo database, as a fixture of this module too


def _templates():
    return db.session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.version)).all()


def test_the_checklist_has_the_five_aspects_and_two_versions(demo):
    first, second = _templates()
    assert (first.status, second.status) == (TemplateStatus.SUPERSEDED, TemplateStatus.PUBLISHED)
    assert first.family_id == second.family_id
    assert [s.title for s in second.sections] == ["思想认识", "工作效率", "纪律意识", "廉洁自律", "服务群众"]
    assert all(4 <= len(s.items) <= 6 for s in second.sections)
    texts = " ".join(item.text for s in second.sections for item in s.items)
    assert "效率低下" in texts and "意识淡薄" in texts and "吃拿卡要" in texts
    assert second.item_count == first.item_count + 1
    on_first = db.session.scalars(select(SelfInspection).where(SelfInspection.template_id == first.id)).all()
    assert on_first and all(i.state != InspectionState.DRAFT for i in on_first)


def test_progress_varies_by_unit_and_rank(demo):
    template = _templates()[-1]
    units = db.session.scalars(select(Unit.id)).all()
    report = queries.progress(template, units)
    states = Counter(i.state for i in db.session.scalars(select(SelfInspection)))
    assert set(states) == set(InspectionState)
    assert report.total.not_started >= 5
    assert 0.5 <= report.total.submitted / report.total.required <= 0.9  # most of the bureau has handed in
    rates = [p.submitted_rate for p in report.by_unit.values() if p.required]
    assert min(rates) <= 60 and max(rates) == 100
    ranks = report.by_rank
    assert ranks[Rank.LEADERSHIP].submitted_rate == 100
    assert ranks[Rank.LEADERSHIP].submitted_rate >= ranks[Rank.MIDDLE].submitted_rate > ranks[Rank.GENERAL].submitted_rate


def test_passed_problems_are_in_the_ledger_once_and_are_the_authors(demo):
    passed = db.session.scalars(select(SelfInspection).where(SelfInspection.state == InspectionState.PASSED)).all()
    linked = [a for i in passed for a in i.answers if a.has_problem]
    assert len(linked) >= 40 and all(a.ledger_item_id for a in linked)
    items = {item.id: item for item in db.session.scalars(select(LedgerItem).where(
        LedgerItem.id.in_([a.ledger_item_id for a in linked])))}
    assert len(items) == len(linked)
    for answer in linked:
        item = items[answer.ledger_item_id]
        assert item.owner_id == answer.inspection.user_id and item.source == Source.SELF_INSPECTION
    others = db.session.scalars(select(SelfInspection).where(SelfInspection.state != InspectionState.PASSED)).all()
    assert not any(a.ledger_item_id for i in others for a in i.answers)


def test_the_demo_accounts_find_their_work(demo):
    template = _templates()[-1]
    staff, head, leader, admin = (user(name) for name in ("staff", "head", "leader", "admin"))
    assert queries.inspection_of(staff.id, template.family_id) is None  # staff: not started yet
    assert queries.waiting_count(head, template.campaign_id) >= 2
    assert queries.waiting_count(leader, template.campaign_id) >= 1  # the head's own
    assert queries.waiting_count(admin, template.campaign_id) >= 5  # the leaders'
    office = queries.person_rows(template, [head.unit_id])
    assert {row.state for row in office} >= {"not_started", "draft", "submitted", "returned", "passed"}


def test_history_runs_in_the_phase_and_never_into_the_future(demo):
    now = utcnow()
    for inspection in db.session.scalars(select(SelfInspection)):
        times = [inspection.created_at] + [e.occurred_at for e in inspection.events]
        assert times == sorted(times) and times[-1] <= now
        if inspection.state == InspectionState.RETURNED:
            assert inspection.events[-1].kind == "returned" and inspection.events[-1].note
        if inspection.submitted_at:
            reviewer_roles = {e.actor.role for e in inspection.events if e.kind in ("passed", "returned")}
            author = db.session.get(User, inspection.user_id)
            expected = {Role.LEADER: Role.ADMIN, Role.UNIT_HEAD: Role.LEADER}.get(author.role)
            assert not reviewer_roles or reviewer_roles == {expected or Role.UNIT_HEAD}


def test_the_demo_story(demo):
    """Last in this module (it writes): staff fills and submits with two problems, head returns it,
    staff fixes it, head passes it inline; two ledger items appear."""
    from app.demo import DEMO_PASSWORD
    from tests.checklists.factories import form_data, with_problems
    from tests.conftest import FreshContextClient

    demo.test_client_class = FreshContextClient
    template = _templates()[-1]
    staff, head = user("staff"), user("head")
    before = len(db.session.scalars(select(LedgerItem).where(LedgerItem.owner_id == staff.id)).all())

    def client_for(username):
        client = demo.test_client()
        assert client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
        return client

    as_staff, as_head = client_for("staff"), client_for("head")
    url = f"/checklists/fill/{template.id}"
    answers = with_problems(template, {
        5: ("本人经办的两件公文超过承诺时限办结。", "建立经办事项台账，每周自查。", None),
        10: ("上班迟到两次。", "严格遵守作息时间。", None)})
    assert as_staff.post(url, data=form_data(template, answers, "submit")).status_code == 302
    inspection = queries.inspection_of(staff.id, template.family_id)
    assert as_head.post(f"/checklists/{inspection.id}/return",
                        data={"version": inspection.version, "reason": "请写明是哪两件公文。"}).status_code == 302
    db.session.refresh(inspection)
    answers[5].manifestation = "本人经办的《关于报送统计数据的通知》等两件公文分别超时3天、5天办结。"
    assert as_staff.post(url, data=form_data(template, answers, "submit", inspection.version)).status_code == 302
    db.session.refresh(inspection)
    row = as_head.post(f"/checklists/{inspection.id}/pass", data={"version": inspection.version},
                       headers={"HX-Request": "true"})
    assert row.status_code == 200 and "2 个问题已登记进入问题台账" in row.text
    mine = db.session.scalars(select(LedgerItem).where(LedgerItem.owner_id == staff.id)).all()
    assert len(mine) == before + 2
    assert head.id in {item.created_by_id for item in mine}
