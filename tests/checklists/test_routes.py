"""自查表 over HTTP: filling (draft, refused submission keeping every character, submit), the review
list with inline 通过 / 退回 (htmx row or post/redirect/get), and who may see and do what."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.checklists import services
from app.checklists.models import InspectionState, SelfInspection
from app.extensions import db
from app.ledger.models import LedgerItem
from app.org.models import Role
from tests.checklists.factories import all_no, form_data, items_of, with_problems
from tests.factories import make_user, today

HX = {"HX-Request": "true", "HX-Target": "checklist-person-1"}
LATER = today() + timedelta(days=30)


def _inspection(user_id) -> SelfInspection | None:
    return db.session.scalar(select(SelfInspection).where(SelfInspection.user_id == user_id))


def _submitted(world, who="staff", answers=None):
    person = world[who]
    inspection = services.start(world["template"], person)
    services.submit(inspection, person, inspection.version, answers or with_problems(
        world["template"], {0: ("办件超时。", "限时办结。", LATER), 2: ("上班迟到。", "提前到岗。", None)}), today())
    db.session.commit()
    return inspection


# -- filling ---------------------------------------------------------------------------------------

def test_the_page_shows_every_item_with_its_fields(world, client, auth):
    auth.login("staff")
    page = client.get(f"/checklists/fill/{world['template'].id}").text
    for item in items_of(world["template"]):
        assert item.text in page
        for name in ("answer", "manifestation", "measures", "planned_on"):
            assert f'name="{name}-{item.id}"' in page
    assert "保存草稿" in page and "提交" in page and 'hx-boost="false"' in page


def test_save_a_draft_then_come_back_to_it(world, client, auth):
    auth.login("staff")
    template = world["template"]
    data = form_data(template, with_problems(template, {0: ("办件超时，群众多次催办。", "", None)})[:2])
    response = client.post(f"/checklists/fill/{template.id}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/checklists/fill/{template.id}#checklist-actions"  # the button pressed
    inspection = _inspection(world["staff"].id)
    assert inspection.state == InspectionState.DRAFT
    page = client.get(f"/checklists/fill/{template.id}").text
    assert "草稿已保存" in page and "办件超时，群众多次催办。" in page
    assert f'name="version" value="{inspection.version}"' in page


def test_save_a_draft_from_a_part_comes_back_to_that_part(world, client, auth):
    auth.login("staff")
    template = world["template"]
    section = template.sections[2]
    page = client.get(f"/checklists/fill/{template.id}").text
    assert f'id="section-{section.id}"' in page and f'name="at" value="section-{section.id}"' in page
    data = form_data(template, with_problems(template, {0: ("办件超时。", "", None)}))
    del data["action"]  # the part's own button posts `at` instead
    data["at"] = f"section-{section.id}"
    response = client.post(f"/checklists/fill/{template.id}", data=data)
    assert response.headers["Location"] == f"/checklists/fill/{template.id}#section-{section.id}"
    assert _inspection(world["staff"].id).state == InspectionState.DRAFT


@pytest.mark.parametrize("at", ["section-999999", "javascript:alert(1)", "x\r\nSet-Cookie: a=b", ""])
def test_a_place_that_is_not_a_part_of_the_checklist_comes_back_to_the_buttons(world, client, auth, at):
    auth.login("staff")
    template = world["template"]
    data = {**form_data(template, all_no(template)), "at": at}
    response = client.post(f"/checklists/fill/{template.id}", data=data)
    assert response.headers["Location"] == f"/checklists/fill/{template.id}#checklist-actions"


def test_yes_without_details_is_refused_and_everything_typed_comes_back(world, client, auth):
    auth.login("staff")
    template = world["template"]
    items = items_of(template)
    answers = with_problems(template, {0: ("窗口办件超时 <三次>", "", None), 2: ("", "提前到岗", None)})
    response = client.post(f"/checklists/fill/{template.id}", data=form_data(template, answers, "submit"))
    assert response.status_code == 422
    page = response.text
    assert "未提交：还有 2 项没有填写完整，请按提示补充后再提交。已填写的内容已保存为草稿。" in page
    assert "选择“是”时，须填写整改措施。" in page and "选择“是”时，须填写具体表现。" in page
    assert "窗口办件超时 &lt;三次&gt;" in page and "提前到岗" in page
    assert f'name="answer-{items[0].id}" value="yes" checked' in page
    assert f'href="#item-{items[0].id}"' in page
    inspection = _inspection(world["staff"].id)
    assert inspection.state == InspectionState.DRAFT  # kept as a draft, not handed in
    assert next(a for a in inspection.answers if a.item_id == items[0].id).manifestation == "窗口办件超时 <三次>"


def test_a_date_in_the_wrong_format_is_refused_with_the_text_kept(world, client, auth):
    auth.login("staff")
    template = world["template"]
    item = items_of(template)[0]
    data = form_data(template, all_no(template))
    data.update({f"answer-{item.id}": "yes", f"manifestation-{item.id}": "写了很久的一段话", f"planned_on-{item.id}": "明年"})
    response = client.post(f"/checklists/fill/{template.id}", data=data)
    assert response.status_code == 422
    assert "请按 2026-11-26 的格式填写日期。" in response.text and "写了很久的一段话" in response.text
    assert _inspection(world["staff"].id) is None


def test_submit_then_the_page_shows_it_read_only(world, client, auth):
    auth.login("staff")
    template = world["template"]
    response = client.post(f"/checklists/fill/{template.id}", data=form_data(template, with_problems(
        template, {0: ("办件超时。", "限时办结。", LATER)}), "submit"))
    inspection = _inspection(world["staff"].id)
    assert response.status_code == 302 and response.headers["Location"] == f"/checklists/{inspection.id}"
    assert inspection.state == InspectionState.SUBMITTED
    assert client.get(f"/checklists/fill/{template.id}").headers["Location"] == f"/checklists/{inspection.id}"
    page = client.get(f"/checklists/{inspection.id}").text
    assert "已提交" in page and "办件超时。" in page and "查摆问题 1 个" in page
    again = client.post(f"/checklists/fill/{template.id}",
                        data=form_data(template, all_no(template), "submit", inspection.version))
    assert again.status_code == 409 and "不能再修改" in again.text


def test_a_post_from_a_stale_page_is_a_conflict_with_the_text_kept(world, client, auth):
    auth.login("staff")
    template = world["template"]
    client.post(f"/checklists/fill/{template.id}", data=form_data(template, all_no(template)))
    stale = form_data(template, with_problems(template, {1: ("另一个窗口里写的", "", None)}), version=1)
    response = client.post(f"/checklists/fill/{template.id}", data=stale)
    assert response.status_code == 409
    assert "刚在别的页面保存过" in response.text and "另一个窗口里写的" in response.text
    inspection = _inspection(world["staff"].id)
    assert f'name="version" value="{inspection.version}"' in response.text  # saving again wins, knowingly


def test_autosave_saves_the_draft_and_answers_a_line(world, client, auth):
    auth.login("staff")
    template = world["template"]
    response = client.post(f"/checklists/fill/{template.id}/autosave", data=form_data(template, all_no(template)[:1]))
    assert response.status_code == 200 and "已自动保存草稿" in response.text
    inspection = _inspection(world["staff"].id)
    assert response.headers["X-Inspection-Version"] == str(inspection.version)
    assert "<html" not in response.text
    again = client.post(f"/checklists/fill/{template.id}/autosave",
                        data=form_data(template, all_no(template), version=inspection.version))
    assert again.status_code == 200
    assert all(a.has_problem is False for a in _inspection(world["staff"].id).answers)


def test_people_the_checklist_does_not_ask_cannot_start_it(world, client, auth):
    from app.checklists.services import publish, save_template
    from app.org.models import Rank

    middle = save_template(None, world["admin"], world["campaign"], title="中层干部自查清单", instructions="",
                           due_on=None, ranks=[Rank.MIDDLE], unit_ids=[], sections=[
                               services.SectionInput("工作效率", ["效率低下"])])
    publish(middle, world["admin"])
    db.session.commit()
    auth.login("staff")
    assert client.get(f"/checklists/fill/{middle.id}").status_code == 403
    assert "中层干部自查清单" not in client.get("/checklists/").text


# -- review ----------------------------------------------------------------------------------------

def test_inline_pass_with_htmx_swaps_the_row_and_files_the_problems(world, client, auth):
    inspection = _submitted(world)
    auth.login("head")
    response = client.post(f"/checklists/{inspection.id}/pass",
                           data={"version": inspection.version, "next": "/checklists/review"}, headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="checklist-person-{world["staff"].id}"')
    assert "<html" not in response.text and "已通过" in response.text
    assert "已审核通过。2 个问题已登记进入问题台账。" in response.text
    items = db.session.scalars(select(LedgerItem).where(LedgerItem.owner_id == world["staff"].id)).all()
    assert len(items) == 2


def test_inline_return_without_js_comes_back_to_the_row(world, client, auth):
    inspection = _submitted(world)
    auth.login("head")
    response = client.post(f"/checklists/{inspection.id}/return", data={
        "version": inspection.version, "reason": "具体表现太简单。", "next": "/checklists/review?state=submitted"})
    assert response.status_code == 302
    person = world["staff"].id
    assert response.headers["Location"] == f"/checklists/review?state=submitted&shown={person}#checklist-person-{person}"
    page = client.get(response.headers["Location"]).text
    assert "已退回，填报人修改后将重新提交。" in page and f'id="checklist-person-{person}"' in page
    assert _inspection(world["staff"].id).state == InspectionState.RETURNED


def test_return_without_a_reason_is_refused_inline_and_on_the_page(world, client, auth):
    inspection = _submitted(world)
    auth.login("head")
    inline = client.post(f"/checklists/{inspection.id}/return", data={"version": inspection.version}, headers=HX)
    assert inline.status_code == 422 and "退回时请填写退回原因。" in inline.text and "<tr" in inline.text
    plain = client.post(f"/checklists/{inspection.id}/return", data={"version": inspection.version, "reason": ""})
    assert plain.status_code == 422 and "退回时请填写退回原因。" in plain.text and "办理记录" in plain.text
    assert _inspection(world["staff"].id).state == InspectionState.SUBMITTED


def test_two_reviewers_at_once_one_wins(world, client, auth):
    inspection = _submitted(world)
    seen = inspection.version
    auth.login("admin")
    assert client.post(f"/checklists/{inspection.id}/pass", data={"version": seen}).status_code == 302
    auth.logout()
    auth.login("head")
    late = client.post(f"/checklists/{inspection.id}/return", data={"version": seen, "reason": "晚了"}, headers=HX)
    assert late.status_code == 409 and "当前状态为「已通过」" in late.text
    assert len(db.session.scalars(select(LedgerItem)).all()) == 2


def test_the_review_list_shows_everyone_with_their_state(world, client, auth):
    _submitted(world)
    make_user(Role.STAFF, world["office"], full_name="未动笔的人")
    auth.login("head")
    page = client.get("/checklists/review").text
    assert world["staff"].full_name in page and "未动笔的人" in page and "未开始" in page
    assert world["other_staff"].full_name not in page  # another unit
    assert page.count('hx-post="/checklists/') == 2  # 通过 and 退回 on the one handed-in row
    waiting = client.get("/checklists/review?state=mine").text
    assert world["staff"].full_name in waiting and "未动笔的人" not in waiting


def test_a_unit_heads_own_form_goes_to_the_leader_in_charge(world, client, auth):
    inspection = _submitted(world, "head", all_no(world["template"]))
    auth.login("head")
    assert client.post(f"/checklists/{inspection.id}/pass", data={"version": inspection.version}).status_code == 403
    auth.logout()
    auth.login("leader")
    assert "待我审核的自查表" in client.get("/").text
    assert client.post(f"/checklists/{inspection.id}/pass", data={"version": inspection.version}).status_code == 302
    assert _inspection(world["head"].id).state == InspectionState.PASSED


# -- who sees what ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who, sees", [
    ("staff", True), ("head", True), ("leader", True), ("admin", True), ("inspector", True),
    ("other_staff", False), ("other_head", False),
])
def test_who_sees_a_staff_members_form(world, client, auth, who, sees):
    inspection = _submitted(world)
    auth.login(who)
    assert client.get(f"/checklists/{inspection.id}").status_code == (200 if sees else 404)


@pytest.mark.parametrize("who, may", [
    ("staff", False), ("head", True), ("leader", False), ("admin", True), ("inspector", False),
    ("other_head", False),
])
def test_who_passes_a_staff_members_form(world, client, auth, who, may):
    inspection = _submitted(world)
    auth.login(who)
    response = client.post(f"/checklists/{inspection.id}/pass", data={"version": inspection.version})
    assert response.status_code == (302 if may else 403 if who != "other_head" else 404)
    assert (_inspection(world["staff"].id).state == InspectionState.PASSED) is may


@pytest.mark.parametrize("who, status", [
    ("staff", 403), ("head", 200), ("leader", 200), ("admin", 200), ("inspector", 200),
])
def test_review_and_progress_pages(world, client, auth, who, status):
    auth.login(who)
    assert client.get("/checklists/review").status_code == status
    assert client.get("/checklists/progress").status_code == status


def test_nobody_fills_someone_elses_form(world, client, auth):
    inspection = services.start(world["template"], world["staff"])
    db.session.commit()
    auth.login("head")
    data = form_data(world["template"], all_no(world["template"]), "submit", inspection.version)
    client.post(f"/checklists/fill/{world['template'].id}", data=data)  # fills the head's own instead
    assert _inspection(world["staff"].id).state == InspectionState.DRAFT
    assert _inspection(world["head"].id).state == InspectionState.SUBMITTED


def test_a_head_cannot_look_at_another_units_list(world, client, auth):
    auth.login("head")
    assert client.get(f"/checklists/review?unit={world['other'].id}").status_code == 404
    assert client.get(f"/checklists/progress?unit={world['other'].id}").status_code == 404


@pytest.mark.parametrize("who", ["staff", "head", "leader", "inspector"])
def test_only_admins_manage_templates(world, client, auth, who):
    auth.login(who)
    template = world["template"]
    assert client.get("/checklists/templates").status_code == 403
    assert client.get("/checklists/templates/new").status_code == 403
    assert client.post(f"/checklists/templates/{template.id}/revise").status_code == 403


def test_home_to_dos(world, client, auth):
    auth.login("staff")
    assert "填写自查表《个人自查清单》" in client.get("/").text
    inspection = _submitted(world)
    services.return_(inspection, world["head"], inspection.version, "再查一查。")
    db.session.commit()
    assert "自查表《个人自查清单》被退回，请修改后重新提交" in client.get("/").text
    auth.logout()
    auth.login("head")
    page = client.get("/").text
    assert "填写自查表《个人自查清单》" in page and "待我审核的自查表" not in page
