"""签到 within the window only, the organiser's attendance sheet, 交流发言 speakers, scheduling."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditLog
from app.extensions import db
from app.study import services
from app.study.models import Attendance, SessionKind, SessionSpeaker, StudySession
from tests.study.conftest import htmx, make_session


def window_session(world, opens_in: timedelta, closes_in: timedelta, **fields) -> StudySession:
    now = datetime.now(UTC)
    session = make_session(world["campaign"], world["head"], title="办公室集中学习", units=[world["office"]],
                           starts_at=now + opens_in + timedelta(minutes=30), window=(now + opens_in, now + closes_in),
                           **fields)
    db.session.commit()
    return session


def record_of(session_id, user_id):
    return db.session.scalar(select(Attendance).where(Attendance.session_id == session_id,
                                                      Attendance.user_id == user_id))


def audit_actions(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


@pytest.mark.parametrize("opens_in, closes_in, message", [
    (timedelta(hours=1), timedelta(hours=2), "签到尚未开始"),
    (timedelta(hours=-3), timedelta(hours=-1), "签到已结束"),
])
def test_sign_in_outside_the_window_is_refused(world, client, auth, opens_in, closes_in, message):
    session = window_session(world, opens_in, closes_in)
    auth.login("staff")
    response = client.post(f"/study/sessions/{session.id}/sign-in")
    assert response.status_code == 409
    assert message in response.text
    assert record_of(session.id, world["staff"].id) is None
    fragment = client.post(f"/study/sessions/{session.id}/sign-in", data={"view": "row"}, headers=htmx())
    assert fragment.status_code == 409
    assert fragment.text.lstrip().startswith(f'<tr id="study-session-{session.id}"')
    assert message in fragment.text
    assert not audit_actions("study.signed_in")


def test_sign_in_within_the_window(world, client, auth):
    session = window_session(world, timedelta(minutes=-10), timedelta(minutes=50))
    auth.login("staff")
    list_page = client.get("/study/?mine=1").text
    assert f'action="/study/sessions/{session.id}/sign-in"' in list_page
    response = client.post(f"/study/sessions/{session.id}/sign-in", data={"view": "row", "next": "/study/?mine=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/study/?mine=1#study-session-{session.id}"
    record = record_of(session.id, world["staff"].id)
    assert record.status == "present" and record.signed_in_at is not None and record.recorded_by_id == world["staff"].id
    [row] = audit_actions("study.signed_in")
    assert row.actor_id == world["staff"].id and row.object_id == str(session.id)
    # Twice: refused, the first time stands.
    again = client.post(f"/study/sessions/{session.id}/sign-in", headers=htmx())
    assert again.status_code == 409
    assert "无需重复签到" in again.text
    assert len(audit_actions("study.signed_in")) == 1


def test_sign_in_with_htmx_returns_the_row_or_the_panel(world, client, auth):
    session = window_session(world, timedelta(minutes=-10), timedelta(minutes=50))
    auth.login("staff2")
    row = client.post(f"/study/sessions/{session.id}/sign-in", data={"view": "row"}, headers=htmx())
    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<tr id="study-session-{session.id}"')
    assert "签到成功" in row.text and "已签到" in row.text and "<html" not in row.text
    auth.logout()
    auth.login("staff3")
    panel = client.post(f"/study/sessions/{session.id}/sign-in", data={"view": "panel"}, headers=htmx())
    assert panel.text.lstrip().startswith(f'<div class="signin-panel" id="signin-{session.id}"')
    assert "已签到" in panel.text


def test_only_those_asked_sign_in(world, client, auth):
    session = window_session(world, timedelta(minutes=-10), timedelta(minutes=50))
    auth.login("other_staff")
    assert client.post(f"/study/sessions/{session.id}/sign-in").status_code == 404  # not even visible
    exchange = make_session(world["campaign"], world["admin"], kind=SessionKind.EXCHANGE, ranks="middle",
                            window=(datetime.now(UTC) - timedelta(minutes=5), datetime.now(UTC) + timedelta(hours=1)))
    db.session.commit()
    assert client.post(f"/study/sessions/{exchange.id}/sign-in").status_code == 403  # 一般干部: not asked
    with pytest.raises(services.Conflict):
        services.sign_in(exchange, world["other_staff"])


def test_the_window_is_checked_at_the_moment_of_signing(world):
    session = window_session(world, timedelta(minutes=-10), timedelta(minutes=50))
    with pytest.raises(services.Conflict, match="签到已结束"):
        services.sign_in(session, world["staff"], now=session.signin_closes_at + timedelta(seconds=1))
    with pytest.raises(services.Conflict, match="签到尚未开始"):
        services.sign_in(session, world["staff"], now=session.signin_opens_at - timedelta(seconds=1))
    services.sign_in(session, world["staff"], now=session.signin_closes_at)  # the last moment still counts
    assert record_of(session.id, world["staff"].id).status == "present"


def test_signing_in_after_being_marked_absent_in_advance(world):
    """Recorded 请假 ahead, came after all: signing in makes it 出席."""
    session = window_session(world, timedelta(minutes=-10), timedelta(minutes=50))
    services.record_attendance(session, world["head"], {world["staff"].id: ("leave", "外出办事")})
    services.sign_in(session, world["staff"])
    record = record_of(session.id, world["staff"].id)
    assert (record.status, record.reason) == ("present", "")


def sheet_data(entries: dict) -> dict:
    data = {}
    for user, (status, reason) in entries.items():
        data[f"status-{user.id}"] = status
        data[f"reason-{user.id}"] = reason
    return data


def test_the_organiser_saves_the_whole_sheet_in_one_post(world, client, auth):
    session = world["upcoming"]
    auth.login("head")
    page = client.get(f"/study/sessions/{session.id}/attendance").text
    for name in ("admin", "head", "staff", "staff2", "staff3"):
        assert f'name="status-{world[name].id}"' in page
    assert f'name="status-{world["other_staff"].id}"' not in page
    response = client.post(f"/study/sessions/{session.id}/attendance", data=sheet_data({
        world["admin"]: ("present", ""), world["head"]: ("present", ""), world["staff"]: ("absent", ""),
        world["staff2"]: ("leave", "参加县里培训"), world["staff3"]: ("leave", "休假"),  # unchanged
    }))
    assert response.status_code == 302
    assert "出勤登记已保存（4 人有变化）" in client.get(response.headers["Location"]).text
    assert record_of(session.id, world["staff2"].id).reason == "参加县里培训"
    [row] = audit_actions("study.attendance_recorded")
    assert row.actor_id == world["head"].id
    assert {change["user_id"] for change in row.details_dict["changes"]} == {
        world[name].id for name in ("admin", "head", "staff", "staff2")}


def test_leave_needs_a_reason_and_nothing_is_saved_without_one(world, client, auth):
    session = world["upcoming"]
    auth.login("head")
    response = client.post(f"/study/sessions/{session.id}/attendance", data=sheet_data({
        world["admin"]: ("present", ""), world["staff"]: ("leave", ""),
    }))
    assert response.status_code == 422
    assert f"请假须填写事由：{world['staff'].full_name}。" in response.text
    assert 'value="present" selected' in response.text  # what was chosen is still there
    assert record_of(session.id, world["admin"].id) is None


def test_a_unit_head_records_the_own_people_in_a_bureau_session(world, client, auth):
    session = world["all_units"]
    auth.login("other_head")
    page = client.get(f"/study/sessions/{session.id}/attendance").text
    assert f'name="status-{world["other_staff"].id}"' in page and f'name="status-{world["staff"].id}"' not in page
    response = client.post(f"/study/sessions/{session.id}/attendance", data=sheet_data({
        world["other_staff"]: ("leave", "病假"), world["staff"]: ("absent", ""),  # not theirs: ignored
    }))
    assert response.status_code == 302
    assert record_of(session.id, world["other_staff"].id).status == "leave"
    assert record_of(session.id, world["staff"].id).status == "present"
    with pytest.raises(services.Conflict):
        services.record_attendance(session, world["other_head"], {world["staff"].id: ("absent", "")},
                                   unit_ids={world["other"].id})


def test_speakers_of_an_exchange(world, client, auth):
    session = world["exchange"]
    auth.login("admin")
    response = client.post(f"/study/sessions/{session.id}/speakers",
                           data={"user_id": world["head"].id, "topic": "以过硬作风践行初心使命"})
    assert response.status_code == 302
    page = client.get(f"/study/sessions/{session.id}").text
    assert "以过硬作风践行初心使命" in page
    refused = client.post(f"/study/sessions/{session.id}/speakers",
                          data={"user_id": world["staff"].id, "topic": "题目"})  # 一般干部: not asked
    assert refused.status_code == 422 and "发言人须是本次活动的参加人员" in refused.text
    speaker = db.session.scalar(select(SessionSpeaker))
    assert client.post(f"/study/speakers/{speaker.id}/delete").status_code == 302
    assert db.session.scalar(select(SessionSpeaker)) is None
    logged = db.session.scalars(select(AuditLog).where(AuditLog.action.like("study.speaker%")).order_by(AuditLog.seq))
    assert [row.action for row in logged] == ["study.speaker_added", "study.speaker_removed"]
    group = world["office_session"]
    with pytest.raises(services.Invalid):
        services.add_speaker(group, world["head"], world["staff"], "题目")


def test_admin_schedules_a_session_for_chosen_units_and_ranks(world, client, auth):
    auth.login("admin")
    day = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    data = {"kind": "warning_film", "title": "观看警示教育片《警钟》", "day": day, "starts": "14:30", "ends": "16:00",
            "signin_opens": "14:00", "signin_closes": "14:45", "place": "局六楼会议室",
            "target_units": [world["office"].id, world["other"].id], "target_ranks": ["middle", "general"],
            "materials": "警示教育片观后感写作提示\n片源 https://example.org/film"}
    response = client.post("/study/sessions/new", data=data)
    assert response.status_code == 302
    session = db.session.scalar(select(StudySession).where(StudySession.title == "观看警示教育片《警钟》"))
    assert session.target_ranks == "middle,general"
    assert sorted(unit.name for unit in session.target_units) == ["办公室", "财务股"]
    local = session.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert local.strftime("%Y-%m-%d %H:%M") == f"{day} 14:30"
    page = client.get(response.headers["Location"]).text
    assert '<a href="https://example.org/film" target="_blank" rel="noopener noreferrer">片源</a>' in page
    assert "<li>警示教育片观后感写作提示</li>" in page
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "study.session_scheduled")).all()
    assert row.actor_id == world["admin"].id
    # Times that do not fit are refused in Chinese.
    bad = client.post("/study/sessions/new", data={**data, "title": "错时", "ends": "14:00"})
    assert bad.status_code == 422 and "结束时间应晚于开始时间" in bad.text
    bad = client.post("/study/sessions/new", data={**data, "title": "错时", "starts": "25:00"})
    assert bad.status_code == 422 and "请按 14:30 的格式填写时间" in bad.text


def test_sign_in_cannot_close_after_the_session_ends(world, client, auth):
    auth.login("head")
    day = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    data = {"kind": "central", "title": "迟到的签到", "day": day, "starts": "09:00", "ends": "11:00",
            "signin_opens": "08:30", "signin_closes": "15:00"}
    response = client.post("/study/sessions/new", data=data)
    assert response.status_code == 422 and "签到截止不能晚于结束时间（11:00）" in response.text
    assert db.session.scalar(select(StudySession).where(StudySession.title == "迟到的签到")) is None
    assert client.post("/study/sessions/new", data={**data, "signin_closes": "11:00"}).status_code == 302


def test_editing_a_session_is_audited(world, client, auth):
    session = world["office_session"]
    auth.login("head")
    page = client.get(f"/study/sessions/{session.id}/edit")
    assert page.status_code == 200
    day = session.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")
    response = client.post(f"/study/sessions/{session.id}/edit", data={
        "kind": "group", "title": "办公室分组讨论（调整地点）", "day": day, "starts": "09:00", "ends": "11:00",
        "signin_opens": "08:30", "signin_closes": "09:30", "place": "三楼小会议室"})
    assert response.status_code == 302
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "study.session_edited")).all()
    assert "主题" in row.details_dict["fields"] and "地点" in row.details_dict["fields"]
    assert [unit.name for unit in db.session.get(StudySession, session.id).target_units] == ["办公室"]


def test_links_only_for_http_addresses(app):
    from app.study.routes import render_materials

    html = str(render_materials("恶意 javascript:alert(1)\n<script>x</script>\n链接 http://a.example/x"))
    assert "javascript:alert(1)" in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert '<a href="http://a.example/x"' in html


def test_a_too_long_reason_for_leave_is_refused_not_cut(world):
    session = world["office_session"]
    with pytest.raises(services.Invalid, match="请假事由不超过 200 字"):
        services.record_attendance(session, world["head"], {world["staff"].id: ("leave", "病" * 201)})


def test_an_organiser_cancels_a_session_with_a_reason_and_it_shows_as_cancelled(world, client, auth):
    session = world["upcoming"]
    auth.login("head")
    assert "取消本次活动" in client.get(f"/study/sessions/{session.id}").text
    refused = client.post(f"/study/sessions/{session.id}/cancel", data={"reason": " "})
    assert refused.status_code == 422 and "请填写取消原因" in refused.text
    response = client.post(f"/study/sessions/{session.id}/cancel", data={"reason": "与县委中心组学习冲突，另行安排"})
    assert response.status_code == 302
    page = client.get(f"/study/sessions/{session.id}").text
    assert "本次活动已取消" in page and "与县委中心组学习冲突，另行安排" in page and "取消本次活动" not in page
    assert "已取消" in client.get("/study/").text
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "study.session_cancelled")).all()
    assert row.actor_id == world["head"].id and row.details_dict["reason"] == "与县委中心组学习冲突，另行安排"
    again = client.post(f"/study/sessions/{session.id}/cancel", data={"reason": "再取消"})
    assert again.status_code == 409


def test_a_cancelled_session_takes_no_sign_in_and_no_attendance(world):
    now = datetime.now(UTC)
    session = make_session(world["campaign"], world["head"], units=[world["office"]],
                           window=(now - timedelta(minutes=5), now + timedelta(minutes=30)))
    services.cancel_session(session, world["head"], "停电")
    with pytest.raises(services.Conflict, match="已.*取消"):
        services.sign_in(session, world["staff"])
    with pytest.raises(services.Conflict):
        services.record_attendance(session, world["head"], {world["staff"].id: ("present", "")})
