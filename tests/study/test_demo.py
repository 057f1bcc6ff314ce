"""The demo study records `flask seed-demo` builds: past sessions with attendance, today's session
open for signing in, a 交流发言 with speakers, the reading list partly read, reflections in every
state — and the figures on the pages are those of the records."""
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app import create_app
from app.audit import verify
from app.campaigns.models import current_campaign
from app.extensions import db
from app.org.models import Rank, User
from app.overview.todos import todos_for
from app.study import queries
from app.study.demo import COMING_TITLE, TODAY_TITLE
from app.study.models import Attendance, Reading, ReadingAck, Reflection, SessionSpeaker, StudySession
from tests.conftest import POSTGRES_URL, _empty_postgres_tables, _fresh_database_url


@pytest.fixture(scope="module")
def demo(migrated_template, tmp_path_factory):
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=_fresh_database_url(migrated_template, tmp_path_factory.mktemp("demo")),
    )
    with app.app_context():
        if POSTGRES_URL:
            _empty_postgres_tables()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        yield app
        db.session.remove()
        db.engine.dispose()


def person(username) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def session_titled(title) -> StudySession:
    return db.session.scalar(select(StudySession).where(StudySession.title == title))


def test_sessions_in_the_study_and_warning_phases(demo):
    campaign = current_campaign()
    phases = {phase.kind: phase for phase in campaign.phases}
    sessions = db.session.scalars(select(StudySession).order_by(StudySession.starts_at)).all()
    now = datetime.now(UTC)
    past = [s for s in sessions if s.counted(now)]
    assert len(past) == 10
    local_days = [s.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date() for s in past]
    assert all(phases["study"].starts_on <= day <= phases["warning"].ends_on for day in local_days)
    assert {s.kind for s in past} == {"central", "group", "exchange", "party", "warning_film"}
    tallies = queries.session_tallies([s.id for s in past])
    for session in past:
        assert tallies[session.id].rate >= 70, session.title  # most people attended
    speakers = db.session.scalar(select(func.count()).select_from(SessionSpeaker))
    assert speakers == 5


def test_todays_session_is_open_for_the_demo_accounts(demo):
    session = session_titled(TODAY_TITLE)
    now = datetime.now(UTC)
    assert session.signin_open(now)
    for username in ("staff", "head", "admin"):
        user = person(username)
        assert queries.must_attend(session, user)
        assert db.session.scalar(select(Attendance).where(Attendance.session_id == session.id,
                                                          Attendance.user_id == user.id)) is None
    assert session_titled(COMING_TITLE).starts_at > now


def test_attendance_falls_from_the_top_down(demo):
    figures = queries.attendance_figures(current_campaign().id, datetime.now(UTC))
    rates = [figures.by_rank[rank].rate for rank in Rank]
    assert rates == sorted(rates, reverse=True) and rates[0] > rates[-1]  # 上热中温下冷
    statuses = Counter(db.session.scalars(select(Attendance.status)))
    assert statuses["present"] > 300 and statuses["leave"] > 5 and statuses["absent"] > 3
    assert figures.total.unrecorded > 0  # a few never recorded
    signed_in = db.session.scalar(select(func.count()).select_from(Attendance)
                                  .where(Attendance.signed_in_at.is_not(None)))
    assert 0 < signed_in < statuses["present"]  # some signed in themselves, the organiser recorded the rest


def test_the_reading_list_is_partly_read(demo):
    readings = db.session.scalars(select(Reading)).all()
    assert len(readings) == 8
    assert Counter(r.kind for r in readings) == {"warning_case": 5, "material": 3}
    tallies = queries.reading_tallies(current_campaign().id)
    rates = [tallies[r.id].rate for r in readings]
    assert all(40 <= rate < 100 for rate in rates), rates
    for username, unread in [("staff", 2), ("head", 1), ("admin", 0)]:
        user = person(username)
        mine = [r for r, ack in queries.readings_for(user, current_campaign().id) if ack is None]
        assert len(mine) == unread, username
    assert db.session.scalar(select(func.count()).select_from(ReadingAck)) > 400


def test_reflections_in_every_state(demo):
    states = Counter(db.session.scalars(select(Reflection.state)))
    assert states["passed"] > 20 and states["returned"] >= 2 and states["submitted"] >= 5 and states["draft"] >= 1
    head, staff, leader = person("head"), person("staff"), person("leader")
    campaign = current_campaign().id
    waiting = queries.reflections_to_review(head, campaign, "submitted")
    assert len(waiting) >= 2 and all(r.unit_id == head.unit_id for r in waiting)
    assert [r.user.username for r in queries.reflections_to_review(leader, campaign, "submitted")] == ["head"]
    assert not queries.my_reflections(staff, campaign)
    for reflection in db.session.scalars(select(Reflection).where(Reflection.state != "draft")):
        assert len("".join(reflection.body.split())) >= 200


def test_the_demo_accounts_find_work_waiting(demo):
    with demo.test_request_context():
        staff = [todo.title for todo in todos_for(person("staff"))]
        head = [todo.title for todo in todos_for(person("head"))]
        leader = [todo.title for todo in todos_for(person("leader"))]
    assert {"学习活动正在签到，请及时签到", "7日内需参加的学习活动", "学习资料和警示教育书录未阅", "撰写学习心得"} <= set(staff)
    assert "待我审阅的学习心得" in head and "学习活动正在签到，请及时签到" in head
    assert "待我审阅的学习心得" in leader


def test_the_rates_page_agrees_with_the_records(demo):
    """Count attendance by hand from the rows and compare with what the admin's page shows."""
    now = datetime.now(UTC)
    people = db.session.scalars(select(User).where(User.active.is_(True))).all()
    records = {(a.session_id, a.user_id): a.status for a in db.session.scalars(select(Attendance))}
    required = present = 0
    for session in db.session.scalars(select(StudySession)):
        if not session.counted(now):
            continue
        for user in people:
            if queries.must_attend(session, user):
                required += 1
                present += records.get((session.id, user.id)) == "present"
    client = demo.test_client()
    client.post("/auth/login", data={"username": "admin", "password": "zuofeng2026"})
    html = client.get("/study/rates").text
    assert f'<tr id="rate-total"><th>合计</th><td class="num">{required}</td><td class="num">{present}</td>' in html
    assert f"{present * 100 // required}%" in html


def test_the_audit_chain_holds(demo):
    assert verify().ok
