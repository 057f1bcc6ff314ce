"""Attendance and read rates, counted by hand in conftest.py, from the queries and on the pages."""
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from app.extensions import db
from app.org.models import Rank
from app.study import queries
from app.study.models import ReadingAck
from tests.factories import make_user
from tests.study.conftest import attend, make_reading, make_session


def figures(tally):
    return (tally.required, tally.present, tally.leave, tally.absent, tally.unrecorded, tally.rate)


def test_session_tallies(world):
    ids = [world[name].id for name in ("all_units", "office_session", "exchange", "upcoming")]
    tallies = queries.session_tallies(ids)
    assert figures(tallies[world["all_units"].id]) == (9, 5, 2, 1, 1, 55)
    assert figures(tallies[world["office_session"].id]) == (5, 3, 1, 1, 0, 60)
    assert figures(tallies[world["exchange"].id]) == (3, 2, 0, 1, 0, 66)
    assert figures(tallies[world["upcoming"].id]) == (5, 0, 1, 0, 4, 0)


def test_session_tallies_within_a_scope(world):
    office = {world["office"].id}
    tallies = queries.session_tallies([world["all_units"].id, world["exchange"].id], office)
    assert figures(tallies[world["all_units"].id]) == (5, 3, 1, 1, 0, 60)
    assert figures(tallies[world["exchange"].id]) == (1, 1, 0, 0, 0, 100)


def test_attendance_per_unit_and_rank(world):
    result = queries.attendance_figures(world["campaign"].id, datetime.now(UTC))
    by_unit = {row.unit.name: figures(row.total) for row in result.units}
    assert by_unit == {
        "测试局": (3, 2, 1, 0, 0, 66), "办公室": (11, 7, 2, 2, 0, 63), "财务股": (3, 1, 0, 1, 1, 33),
    }
    assert figures(result.by_rank[Rank.LEADERSHIP]) == (2, 2, 0, 0, 0, 100)
    assert figures(result.by_rank[Rank.MIDDLE]) == (5, 4, 0, 1, 0, 80)
    assert figures(result.by_rank[Rank.GENERAL]) == (10, 4, 3, 2, 1, 40)
    assert figures(result.total) == (17, 10, 3, 3, 1, 58)
    office = next(row for row in result.units if row.unit.name == "办公室")
    assert figures(office.by_rank[Rank.MIDDLE]) == (3, 3, 0, 0, 0, 100)  # head: all three sessions


def test_reading_rates(world):
    campaign = world["campaign"].id
    tallies = queries.reading_tallies(campaign)
    assert [(tallies[world[n].id].required, tallies[world[n].id].present, tallies[world[n].id].rate)
            for n in ("r_all", "r_middle", "r_third")] == [(9, 5, 55), (3, 2, 66), (9, 1, 11)]
    result = queries.reading_figures(campaign)
    assert {row.unit.name: (row.total.required, row.total.present, row.total.rate) for row in result.units} == {
        "测试局": (5, 2, 40), "办公室": (11, 5, 45), "财务股": (5, 1, 20),
    }
    assert [(result.by_rank[r].required, result.by_rank[r].present, result.by_rank[r].rate) for r in Rank] == [
        (3, 2, 66), (6, 3, 50), (12, 3, 25)]
    assert (result.total.required, result.total.present, result.total.rate) == (21, 8, 38)
    people = {user.username: (t.required, t.present) for user, t in queries.readers(campaign, world["office"].id)}
    assert people == {"admin": (2, 1), "head": (3, 2), "staff": (2, 2), "staff2": (2, 0), "staff3": (2, 0)}


def _cells(html: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def test_attendance_rates_page_shows_the_hand_counts(world, client, auth):
    auth.login("admin")
    html = client.get("/study/rates").text
    assert _cells(html, f"rate-session-{world['all_units'].id}")[3:] == ["9", "5", "2", "1", "1", "55%"]
    assert _cells(html, f"rate-session-{world['office_session'].id}")[3:] == ["5", "3", "1", "1", "0", "60%"]
    assert _cells(html, f"rate-session-{world['exchange'].id}")[3:] == ["3", "2", "0", "1", "0", "66%"]
    assert _cells(html, f"rate-unit-{world['office'].id}")[1:7] == ["11", "7", "2", "2", "0", "63%"]
    assert _cells(html, f"rate-unit-{world['other'].id}")[1:7] == ["3", "1", "0", "1", "1", "33%"]
    assert _cells(html, "rate-rank-general")[1:] == ["10", "4", "3", "2", "1", "40%"]
    assert _cells(html, "rate-total")[1:] == ["17", "10", "3", "3", "1", "58%"]


def test_a_unit_head_sees_the_figures_of_the_unit_only(world, client, auth):
    auth.login("head")
    html = client.get("/study/rates").text
    assert _cells(html, f"rate-session-{world['all_units'].id}")[3:] == ["5", "3", "1", "1", "0", "60%"]
    assert f"rate-unit-{world['other'].id}" not in html
    assert _cells(html, "rate-total")[1:] == ["11", "7", "2", "2", "0", "63%"]


def test_read_rates_page_shows_the_hand_counts(world, client, auth):
    auth.login("admin")
    html = client.get("/study/readings/rates").text
    assert _cells(html, f"rate-reading-{world['r_all'].id}")[2:] == ["9", "5", "4", "55%"]
    assert _cells(html, f"rate-reading-{world['r_middle'].id}")[2:] == ["3", "2", "1", "66%"]
    assert _cells(html, f"rate-unit-{world['office'].id}")[1:5] == ["11", "5", "6", "45%"]
    assert _cells(html, "rate-rank-middle")[1:] == ["6", "3", "3", "50%"]
    assert _cells(html, "rate-total")[1:] == ["21", "8", "13", "38%"]
    people = client.get(f"/study/readings/rates?unit={world['office'].id}").text
    assert _cells(people, f"reader-{world['staff2'].id}")[3:] == [
        "2", "0", "2", "0%", "案例一：某局窗口人员吃拿卡要被查处；习近平关于作风建设论述摘编"]
    assert _cells(people, f"reader-{world['staff'].id}")[3:] == ["2", "2", "0", "100%", ""]


def _statements(client, path) -> int:
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


PAGES = ("/study/rates", "/study/readings/rates", "/study/", "/study/readings", "/study/reflections/review")


def test_the_pages_run_as_many_queries_however_many_records(world, client, auth):
    """The figures come from grouped queries: more sessions, people and readings, no more queries."""
    auth.login("admin")
    before = {path: _statements(client, path) for path in PAGES}
    for i in range(4):
        person = make_user(unit=world["other"])
        session = make_session(world["campaign"], world["admin"], title=f"加场学习{i}",
                               starts_at=datetime.now(UTC) - timedelta(days=i + 1))
        attend(session, person, "present")
        reading = make_reading(world["campaign"], world["admin"], f"案例{i}")
        db.session.add(ReadingAck(reading_id=reading.id, user_id=person.id))
    db.session.commit()
    after = {path: _statements(client, path) for path in PAGES}
    assert after == before
    assert max(after.values()) <= 10, after


def test_a_cancelled_sessions_attendance_counts_nowhere(world):
    from app.overview.figures import dashboard
    from app.study import services
    from tests.factories import today

    now = datetime.now(UTC)

    def totals():
        rows = queries.attendance_figures(world["campaign"].id, now).units
        board = dashboard(world["campaign"], None, today(), now).total.attendance
        return sum(row.total.required for row in rows), sum(row.total.present for row in rows), board.required

    required, present, board = totals()
    services.cancel_session(world["office_session"], world["head"], "改为线上学习")
    db.session.flush()
    assert totals() == (required - 5, present - 3, board - 5)  # its 5 asked, 3 present (test_session_tallies)
