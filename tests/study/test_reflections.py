"""学习心得: at least MIN_REFLECTION_LENGTH characters to submit; drafts; 合格 / 退回修改 with a comment;
a returned one rewritten and submitted again; stale forms refused; who reviews whom."""
import pytest
from sqlalchemy import select

from app.audit import AuditLog
from app.extensions import db
from app.study import services
from app.study.models import Reflection
from app.study.services import MIN_REFLECTION_LENGTH
from tests.study.conftest import htmx

GOOD = ("通过集中学习，我深刻认识到作风建设是一项长期任务。" * 12)[:MIN_REFLECTION_LENGTH + 20]


def test_too_short_to_submit_but_fine_as_a_draft(world, client, auth):
    auth.login("staff")
    short = "学" * (MIN_REFLECTION_LENGTH - 1) + " \n "
    response = client.post("/study/reflections/new", data={
        "session_id": world["office_session"].id, "title": "分组讨论心得", "body": short, "submit": "提交审阅"})
    assert response.status_code == 422
    assert f"学习心得不少于 {MIN_REFLECTION_LENGTH} 字，目前 {MIN_REFLECTION_LENGTH - 1} 字" in response.text
    assert db.session.scalar(select(Reflection)) is None
    response = client.post("/study/reflections/new", data={
        "session_id": world["office_session"].id, "title": "分组讨论心得", "body": short, "save": "保存草稿"})
    assert response.status_code == 302
    reflection = db.session.scalar(select(Reflection))
    assert reflection.state == "draft" and reflection.session_id == world["office_session"].id
    # Go on writing and submit.
    response = client.post(f"/study/reflections/{reflection.id}/edit", data={
        "title": "分组讨论心得", "body": GOOD, "version": reflection.version, "submit": "提交审阅"})
    assert response.status_code == 302
    db.session.refresh(reflection)
    assert reflection.state == "submitted" and reflection.submitted_at is not None
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("study.reflection%")).order_by(AuditLog.seq)).all()
    assert actions == ["study.reflection_drafted", "study.reflection_submitted"]


def test_only_on_sessions_one_attends_and_once_per_session(world):
    with pytest.raises(services.Invalid):  # 财务股's staff were not asked to 办公室's discussion
        services.write_reflection(world["other_staff"], world["campaign"], world["office_session"], "心得", GOOD, True)
    services.write_reflection(world["staff"], world["campaign"], world["office_session"], "心得", GOOD, True)
    with pytest.raises(services.Conflict):
        services.write_reflection(world["staff"], world["campaign"], world["office_session"], "又一篇", GOOD, True)
    services.write_reflection(world["staff"], world["campaign"], None, "整体心得", GOOD, True)  # the campaign: any


def test_no_reflection_on_a_session_that_has_not_begun(world, client, auth):
    auth.login("staff")
    page = client.get("/study/reflections/new")
    assert world["office_session"].title in page.text and world["upcoming"].title not in page.text
    with pytest.raises(services.Invalid, match="尚未开始"):
        services.write_reflection(world["staff"], world["campaign"], world["upcoming"], "心得", GOOD, True)


def submitted(world, author="staff") -> Reflection:
    reflection = services.write_reflection(world[author], world["campaign"], None, "学习心得", GOOD, submit=True)
    db.session.commit()
    return reflection


def test_the_head_passes_inline(world, client, auth):
    reflection = submitted(world)
    auth.login("head")
    page = client.get("/study/reflections/review").text
    assert f'<tr id="reflection-{reflection.id}"' in page
    response = client.post(f"/study/reflections/{reflection.id}/review",
                           data={"decision": "pass", "version": reflection.version}, headers=htmx())
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="reflection-{reflection.id}"')
    assert "已审阅：合格。" in response.text and "<html" not in response.text
    db.session.refresh(reflection)
    assert (reflection.state, reflection.reviewed_by_id) == ("passed", world["head"].id)


def test_return_needs_a_comment_then_the_author_rewrites(world, client, auth):
    reflection = submitted(world)
    auth.login("head")
    refused = client.post(f"/study/reflections/{reflection.id}/review",
                          data={"decision": "return", "comment": " ", "version": reflection.version}, headers=htmx())
    assert refused.status_code == 422 and "退回修改时请填写修改意见" in refused.text
    response = client.post(f"/study/reflections/{reflection.id}/review", data={
        "decision": "return", "comment": "请结合本职工作谈整改措施。", "version": reflection.version,
        "next": "/study/reflections/review"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/study/reflections/review#reflection-{reflection.id}"
    db.session.refresh(reflection)
    assert reflection.state == "returned" and reflection.review_comment == "请结合本职工作谈整改措施。"
    auth.logout()
    auth.login("staff")
    assert "学习心得被退回，请修改后重新提交" in client.get("/").text
    form = client.get(f"/study/reflections/{reflection.id}/edit").text
    assert "请结合本职工作谈整改措施。" in form
    response = client.post(f"/study/reflections/{reflection.id}/edit", data={
        "title": "学习心得（修改稿）", "body": GOOD + "下一步，我将在窗口服务中落实首问负责制。",
        "version": reflection.version, "submit": "提交审阅"})
    assert response.status_code == 302
    db.session.refresh(reflection)
    assert reflection.state == "submitted"
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("study.reflection%")).order_by(AuditLog.seq)).all()
    assert actions == ["study.reflection_submitted", "study.reflection_returned", "study.reflection_resubmitted"]


def test_a_stale_review_is_refused(world, client, auth):
    reflection = submitted(world)
    stale = reflection.version
    services.review_reflection(reflection, world["admin"], stale, True, "")
    db.session.commit()
    auth.login("head")
    response = client.post(f"/study/reflections/{reflection.id}/review",
                           data={"decision": "return", "comment": "再改改", "version": stale}, headers=htmx())
    assert response.status_code == 409
    assert "当前状态为「合格」" in response.text
    plain = client.post(f"/study/reflections/{reflection.id}/review",
                        data={"decision": "return", "comment": "再改改", "version": stale})
    assert plain.status_code == 409 and "当前状态为「合格」" in plain.text
    assert db.session.get(Reflection, reflection.id).state == "passed"


def test_a_stale_edit_is_refused(world, client, auth):
    reflection = services.write_reflection(world["staff"], world["campaign"], None, "草稿", "学", submit=False)
    db.session.commit()
    stale = reflection.version
    services.edit_reflection(reflection, world["staff"], stale, "草稿", "学习", submit=False)
    db.session.commit()
    auth.login("staff")
    response = client.post(f"/study/reflections/{reflection.id}/edit",
                           data={"title": "草稿", "body": "另一个窗口写的", "version": stale, "save": "保存草稿"})
    assert response.status_code == 409 and "刚被修改或审阅过" in response.text
    assert db.session.get(Reflection, reflection.id).body == "学习"


def test_who_reviews_whom(world, client, auth):
    by_staff = submitted(world)
    by_head = submitted(world, "head")
    by_other = submitted(world, "other_staff")
    auth.login("head")
    page = client.get("/study/reflections/review").text
    assert f"reflection-{by_staff.id}" in page
    assert f"reflection-{by_head.id}" not in page and f"reflection-{by_other.id}" not in page
    assert client.post(f"/study/reflections/{by_head.id}/review",
                       data={"decision": "pass", "version": by_head.version}).status_code == 403
    assert client.post(f"/study/reflections/{by_other.id}/review",
                       data={"decision": "pass", "version": by_other.version}).status_code == 404
    auth.logout()
    auth.login("leader")  # a unit head's reflection goes to the leader in charge of the unit
    page = client.get("/study/reflections/review").text
    assert f"reflection-{by_head.id}" in page and f"reflection-{by_staff.id}" not in page
    auth.logout()
    auth.login("staff")
    assert client.post(f"/study/reflections/{by_staff.id}/review",
                       data={"decision": "pass", "version": by_staff.version}).status_code == 403


def test_submitted_reflections_cannot_be_edited(world, client, auth):
    reflection = submitted(world)
    auth.login("staff")
    assert client.get(f"/study/reflections/{reflection.id}/edit").status_code == 302
    response = client.post(f"/study/reflections/{reflection.id}/edit", data={
        "title": "改", "body": GOOD, "version": reflection.version, "save": "保存草稿"})
    assert response.status_code == 409 and "当前状态为「待审阅」" in response.text


@pytest.mark.parametrize("session", ["0", "-1", "abc", "99999"])
def test_the_form_opened_for_no_session_or_an_unknown_one_is_on_the_campaign(world, client, auth, session):
    """?session= comes from a link on a session's page; 0 (the campaign as a whole, the first
    choice of the form), garbage or a session one did not attend opens the form on the campaign."""
    auth.login("staff")
    response = client.get("/study/reflections/new", query_string={"session": session})
    assert response.status_code == 200
    assert 'value="作风建设专项行动学习心得"' in response.text
