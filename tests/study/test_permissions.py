"""Who may see and do what in the study area; every study route asks the policy, for every role."""
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.org.models import Role
from app.study import services
from app.study.models import SessionFile, SessionSpeaker, StudySession

ROLES = ["admin", "leader", "head", "staff", "inspector", "other_head", "other_staff"]


@pytest.fixture
def records(world):
    """One of everything, so each route with a parameter finds a record."""
    speaker = SessionSpeaker(session=world["exchange"], user_id=world["head"].id, topic="以过硬作风践行初心")
    db.session.add(speaker)
    reflection = services.write_reflection(world["staff"], world["campaign"], world["office_session"], "心得",
                                           "学" * 210, submit=True)
    material = SessionFile(session=world["office_session"], original_name="讲稿.pdf", stored_name="ab" * 16,
                           content_type="application/pdf", size=10, sha256="0" * 64, uploaded_by_id=world["head"].id)
    db.session.add(material)
    db.session.commit()
    return {"session_id": world["office_session"].id, "speaker_id": speaker.id, "reading_id": world["r_all"].id,
            "reflection_id": reflection.id, "file_id": material.id}


@pytest.mark.parametrize("username", ROLES)
def test_every_study_route_asks_the_policy_for_every_role(app, client, auth, world, records, username):
    auth.login(username)
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("study."):
            continue
        url = app.url_map.bind("localhost").build(rule.endpoint, {name: records[name] for name in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={})
            assert response.status_code < 500, f"{username} {method} {url} → {response.status_code}"


@pytest.mark.parametrize("path", ["/study/rates", "/study/readings/rates", "/study/reflections/review",
                                  "/study/sessions/new", "/study/readings/new"])
def test_staff_are_refused_the_organisers_pages(world, client, auth, path):
    auth.login("staff")
    assert client.get(path).status_code == 403


def test_only_admin_keeps_the_reading_list(world, client, auth):
    auth.login("head")
    assert client.get("/study/readings/new").status_code == 403
    assert client.get(f"/study/readings/{world['r_all'].id}/edit").status_code == 403
    assert "新增书录或资料" not in client.get("/study/readings").text


def test_a_units_own_session_is_hidden_from_other_units(world, client, auth):
    office_session = world["office_session"].id
    auth.login("other_staff")
    assert client.get(f"/study/sessions/{office_session}").status_code == 404
    assert f"study-session-{office_session}" not in client.get("/study/").text
    assert f"study-session-{world['all_units'].id}" in client.get("/study/").text
    auth.logout()
    auth.login("leader")  # 办公室 is in the leader's portfolio
    assert client.get(f"/study/sessions/{office_session}").status_code == 200
    assert client.get(f"/study/sessions/{office_session}/attendance").status_code == 200
    assert client.post(f"/study/sessions/{office_session}/attendance", data={}).status_code == 403
    auth.logout()
    auth.login("inspector")
    assert client.get(f"/study/sessions/{office_session}/attendance").status_code == 200


def test_a_session_for_some_ranks_is_seen_by_those_it_asks(world, client, auth):
    """The 交流发言 for 班子成员 and 中层干部 of every unit: 财务股's head must attend and sees it."""
    auth.login("other_head")
    assert client.get(f"/study/sessions/{world['exchange'].id}").status_code == 200


def test_the_organiser_records_attendance_others_may_not(world, client, auth):
    session = world["office_session"]
    for username, status in [("other_head", 404), ("staff", 403), ("leader", 403)]:
        auth.login(username)
        response = client.post(f"/study/sessions/{session.id}/attendance", data={f"status-{world['staff'].id}": "present"})
        assert response.status_code == status, username
        auth.logout()
    auth.login("head")
    assert client.post(f"/study/sessions/{session.id}/attendance",
                       data={f"status-{world['staff'].id}": "present"}).status_code == 302


def test_a_unit_head_schedules_for_the_own_unit_only(world, client, auth):
    auth.login("head")
    page = client.get("/study/sessions/new").text
    assert "参加单位：办公室" in page and 'name="target_units"' not in page
    day = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
    response = client.post("/study/sessions/new", data={
        "kind": "group", "title": "办公室分组讨论（第二次）", "day": day, "starts": "15:00", "ends": "17:00",
        "signin_opens": "14:30", "signin_closes": "15:30", "place": "办公室", "target_units": [world["other"].id],
    })
    assert response.status_code == 302
    session = db.session.scalar(db.select(StudySession).where(StudySession.title == "办公室分组讨论（第二次）"))
    assert [unit.name for unit in session.target_units] == ["办公室"]  # the other unit was ignored
    assert session.organiser_unit_id == world["office"].id
    with pytest.raises(services.Invalid):
        services.schedule_session(world["head"], world["campaign"], kind="group", title="越权", starts_at=session.starts_at,
                                  ends_at=session.ends_at, place="", signin_opens_at=session.signin_opens_at,
                                  signin_closes_at=session.signin_closes_at, target_ranks=[],
                                  target_units=[world["other"]], materials="")
    with pytest.raises(services.Invalid):  # no units = every unit: only 专项办
        services.schedule_session(world["head"], world["campaign"], kind="group", title="越权", starts_at=session.starts_at,
                                  ends_at=session.ends_at, place="", signin_opens_at=session.signin_opens_at,
                                  signin_closes_at=session.signin_closes_at, target_ranks=[], target_units=[],
                                  materials="")


def test_another_units_head_may_not_edit_a_session(world, client, auth):
    auth.login("other_head")
    assert client.get(f"/study/sessions/{world['all_units'].id}/edit").status_code == 403
    auth.logout()
    auth.login("head")
    assert client.get(f"/study/sessions/{world['office_session'].id}/edit").status_code == 200
    assert client.get(f"/study/sessions/{world['all_units'].id}/edit").status_code == 403  # 专项办's


def test_reflections_are_read_by_the_author_the_unit_and_those_above(world, client, auth, records):
    url = f"/study/reflections/{records['reflection_id']}"
    expected = {"staff": 200, "head": 200, "leader": 200, "admin": 200, "inspector": 200, "other_head": 404,
                "other_staff": 404, "staff2": 404}
    for username, status in expected.items():
        auth.login(username)
        assert client.get(url).status_code == status, username
        auth.logout()


def test_menu_and_tabs_follow_the_role(world, client, auth):
    auth.login("staff")
    page = client.get("/study/").text
    assert "学习教育" in client.get("/").text
    assert "出勤统计" not in page and "心得审阅" not in page and "安排学习活动" not in page
    auth.logout()
    auth.login("head")
    page = client.get("/study/").text
    assert "出勤统计" in page and "心得审阅" in page and "安排学习活动" in page


def test_policy_rules_by_role(world):
    from app import policy

    reflection_by_head = services.write_reflection(world["head"], world["campaign"], None, "心得", "学" * 200, True)
    db.session.flush()
    assert policy.can(world["leader"], "reflection.review", reflection_by_head)  # 办公室 is in the portfolio
    assert not policy.can(world["head"], "reflection.review", reflection_by_head)  # nobody reviews their own
    assert policy.can(world["admin"], "reflection.review", reflection_by_head)
    assert not policy.can(world["other_head"], "reflection.review", reflection_by_head)
    assert policy.can(world["other_head"], "study.sign_in", world["exchange"])
    assert not policy.can(world["other_staff"], "study.sign_in", world["exchange"])  # 一般干部: not asked
    assert not policy.can(world["gone"], "study.view")
    assert world["leader"].role == Role.LEADER
