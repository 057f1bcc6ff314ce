"""专项办 writes a letter, previews it, publishes it, and revises it as a new version."""
import re

from sqlalchemy import select

from app.audit import AuditLog
from app.checklists.models import TemplateStatus
from app.commitments.models import LetterTemplate
from app.extensions import db
from tests.commitments.conftest import BODY

FORM = {"title": "廉洁自律承诺书", "body": BODY, "target_ranks": ["leadership", "middle"], "due_on": "2026-12-31"}


def test_write_preview_and_publish(world, client, auth):
    auth.login("admin")
    response = client.post("/commitments/templates/new", data=FORM)
    assert response.status_code == 302
    template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.title == "廉洁自律承诺书"))
    assert template.status == TemplateStatus.DRAFT and template.rank_list == ["leadership", "middle"]
    detail = client.get(response.headers["Location"]).text
    assert "预览（以您本人为例" in detail and f"本人{world['admin'].full_name}，系办公室" in detail
    assert "班子成员、中层干部（3 人）" in detail  # leader, head, other_head
    response = client.post(f"/commitments/templates/{template.id}/publish", follow_redirects=True)
    assert "已发布《廉洁自律承诺书》第 1 版" in response.text
    assert db.session.get(LetterTemplate, template.id).status == TemplateStatus.PUBLISHED


def test_edit_a_draft(world, client, auth):
    auth.login("admin")
    client.post("/commitments/templates/new", data=FORM)
    template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.title == "廉洁自律承诺书"))
    page = client.get(f"/commitments/templates/{template.id}/edit").text
    checked = re.findall(r'<input checked[^>]*value="(\w+)"', page)
    assert checked == ["leadership", "middle"]
    response = client.post(f"/commitments/templates/{template.id}/edit",
                           data={**FORM, "body": "本人{姓名}郑重承诺。", "target_ranks": []})
    assert response.status_code == 302
    db.session.expire_all()
    assert template.body == "本人{姓名}郑重承诺。" and template.target_ranks == ""
    assert db.session.scalar(select(AuditLog.action).order_by(AuditLog.seq.desc()).limit(1)) == "letter.template_edited"


def test_unknown_placeholder_is_shown_on_the_form(world, client, auth):
    auth.login("admin")
    response = client.post("/commitments/templates/new", data={**FORM, "body": "本人{姓名}，{部门}。"})
    assert response.status_code == 422
    assert "无法识别的占位符：{部门}" in response.text


def test_revise_then_publish_asks_everyone_again(world, client, auth):
    auth.login("admin")
    letter = world["letter"]
    response = client.post(f"/commitments/templates/{letter.id}/revise")
    new = db.session.scalar(select(LetterTemplate).where(LetterTemplate.version == 2))
    assert response.headers["Location"] == f"/commitments/templates/{new.id}"
    page = client.get(f"/commitments/templates/{new.id}").text
    assert "第 1 版及以前的版本将被替代" in page
    client.post(f"/commitments/templates/{new.id}/publish")
    db.session.expire_all()
    assert (letter.status, new.status) == (TemplateStatus.SUPERSEDED, TemplateStatus.PUBLISHED)
    listing = client.get("/commitments/templates").text
    assert "已被新版本替代" in listing and "第 2 版" in listing


def test_a_published_letter_is_not_edited(world, client, auth):
    auth.login("admin")
    response = client.get(f"/commitments/templates/{world['letter'].id}/edit", follow_redirects=True)
    assert "不能直接修改" in response.text
    response = client.post(f"/commitments/templates/{world['letter'].id}/publish", follow_redirects=True)
    assert "不能再次发布" in response.text


def test_delete_a_draft(world, client, auth):
    auth.login("admin")
    client.post(f"/commitments/templates/{world['letter'].id}/revise")
    draft_id = db.session.scalar(select(LetterTemplate.id).where(LetterTemplate.version == 2))
    response = client.post(f"/commitments/templates/{draft_id}/delete")
    assert response.headers["Location"] == f"/commitments/templates/{world['letter'].id}"
    assert db.session.get(LetterTemplate, draft_id) is None


def test_no_current_campaign(app, client, auth):
    from app.org.models import Role
    from tests.factories import make_user

    make_user(Role.ADMIN, username="admin")
    db.session.commit()
    auth.login("admin")
    response = client.get("/commitments/templates/new")
    assert response.status_code == 409 and "尚未设置当前专项行动" in response.text
