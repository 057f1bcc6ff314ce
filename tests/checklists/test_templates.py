"""清单管理 over HTTP (专项办): a new checklist from the form (no JavaScript needed), edit while a draft,
publish, revise as a new version; drafts move to it, handed-in 自查表 stay."""
from datetime import date

from sqlalchemy import select

from app.audit import AuditLog
from app.checklists import services
from app.checklists.models import ChecklistTemplate, SelfInspection, TemplateStatus
from app.extensions import db
from app.org.models import Rank
from tests.checklists.factories import all_no, items_of, with_problems
from tests.factories import today


def _form(title="中层干部作风自查清单", sections=(("工作效率", "效率低下\n推诿扯皮\n"), ("廉洁自律", "吃拿卡要")),
          **extra):
    data = {"title": title, "instructions": "逐项自查。", "due_on": "2026-12-31", **extra}
    for n, (section, items) in enumerate(sections):
        data[f"sections-{n}-title"] = section
        data[f"sections-{n}-items"] = items
    return data


def _newest() -> ChecklistTemplate:
    return db.session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.id.desc())).first()


def test_new_checklist_from_the_form(world, client, auth):
    auth.login("admin")
    page = client.get("/checklists/templates/new").text
    for title in ("思想认识", "工作效率", "纪律意识", "廉洁自律", "服务群众"):
        assert f'value="{title}"' in page  # the 五方面 offered to begin with
    data = _form(ranks=[Rank.MIDDLE], unit_ids=[str(world["office"].id)])
    data.update({"sections-2-title": "", "sections-2-items": "  \n"})  # a blank 方面 is ignored
    response = client.post("/checklists/templates/new", data=data)
    template = _newest()
    assert response.status_code == 302 and response.headers["Location"] == f"/checklists/templates/{template.id}"
    assert (template.status, template.version, template.family_id) == (TemplateStatus.DRAFT, 1, template.id)
    assert [(s.title, [i.text for i in s.items]) for s in template.sections] == [
        ("工作效率", ["效率低下", "推诿扯皮"]), ("廉洁自律", ["吃拿卡要"])]
    assert template.rank_list == [Rank.MIDDLE] and [u.id for u in template.target_units] == [world["office"].id]
    assert template.due_on == date(2026, 12, 31)
    assert "中层干部（办公室）" in client.get(f"/checklists/templates/{template.id}").text


def test_a_section_without_a_title_is_refused_with_the_form_kept(world, client, auth):
    auth.login("admin")
    response = client.post("/checklists/templates/new", data=_form(sections=(("", "效率低下"),)))
    assert response.status_code == 422
    assert "每个方面都要填写名称" in response.text and "效率低下" in response.text


def test_edit_publish_and_revise(world, client, auth):
    auth.login("admin")
    seen = db.session.scalar(select(AuditLog.seq).order_by(AuditLog.seq.desc()).limit(1))
    client.post("/checklists/templates/new", data=_form())
    template = _newest()
    edit = client.get(f"/checklists/templates/{template.id}/edit").text
    assert "效率低下\n推诿扯皮" in edit and edit.count('name="sections-') >= 2 * 4  # two filled, two blank
    client.post(f"/checklists/templates/{template.id}/edit",
                data=_form(sections=(("工作效率", "效率低下"), ("服务群众", "门难进、脸难看"))))
    assert [s.title for s in _newest().sections] == ["工作效率", "服务群众"]
    assert client.post(f"/checklists/templates/{template.id}/publish").status_code == 302
    assert db.session.get(ChecklistTemplate, template.id).status == TemplateStatus.PUBLISHED
    # published: not edited in place
    refused = client.get(f"/checklists/templates/{template.id}/edit")
    assert refused.status_code == 302
    assert "修订为新版本" in client.get(refused.headers["Location"]).text
    response = client.post(f"/checklists/templates/{template.id}/revise")
    copy = _newest()
    assert response.headers["Location"] == f"/checklists/templates/{copy.id}/edit"
    assert (copy.version, copy.status, copy.family_id) == (2, TemplateStatus.DRAFT, template.id)
    client.post(f"/checklists/templates/{copy.id}/publish")
    assert db.session.get(ChecklistTemplate, template.id).status == TemplateStatus.SUPERSEDED
    actions = db.session.scalars(select(AuditLog.action).where(
        AuditLog.action.like("checklist.template%"), AuditLog.seq > seen).order_by(AuditLog.seq)).all()
    assert actions == ["checklist.template_created", "checklist.template_edited", "checklist.template_published",
                       "checklist.template_revised", "checklist.template_published"]


def test_a_draft_can_be_deleted_a_published_one_not(world, client, auth):
    auth.login("admin")
    client.post("/checklists/templates/new", data=_form())
    draft_id = _newest().id
    assert client.post(f"/checklists/templates/{draft_id}/delete").status_code == 302
    assert db.session.get(ChecklistTemplate, draft_id) is None
    client.post(f"/checklists/templates/{world['template'].id}/delete")
    assert db.session.get(ChecklistTemplate, world["template"].id) is not None


def test_a_revision_moves_open_drafts_when_opened_and_keeps_handed_in_ones(world, client, auth):
    template = world["template"]
    draft = services.start(template, world["staff"])
    services.save_draft(draft, world["staff"], draft.version, with_problems(template, {0: ("草稿里的话", "", None)}))
    done = services.start(template, world["head"])
    services.submit(done, world["head"], done.version, all_no(template), today())
    copy = services.revise(template, world["admin"])
    services.publish(copy, world["admin"])
    db.session.commit()

    auth.login("staff")
    response = client.get(f"/checklists/fill/{template.id}")
    assert response.headers["Location"] == f"/checklists/fill/{copy.id}"
    page = client.get(response.headers["Location"]).text
    assert "清单已修订为个人自查清单（第2版）" in page and "草稿里的话" in page
    moved = db.session.get(SelfInspection, draft.id)
    assert moved.template_id == copy.id and {a.item_id for a in moved.answers} == {i.id for i in items_of(copy)}
    assert db.session.get(SelfInspection, done.id).template_id == template.id
    auth.logout()
    auth.login("admin")
    review = client.get("/checklists/review").text
    assert "第1版" in review  # the head's handed-in one is shown on its own version
