"""Every figure of 工作概况 against the hand count in tests/overview/world.py."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from app.extensions import db
from app.org.models import Rank, UnitKind
from app.overview.figures import Rate, Row, dashboard, lags, people_with_overdue
from app.policy import ledger_scope
from tests.factories import today

L, M, G = Rank.LEADERSHIP, Rank.MIDDLE, Rank.GENERAL


def figures_for(counted, unit_ids=None):
    return dashboard(counted["campaign"], unit_ids, today(), datetime.now(UTC))


def pair(rate: Rate) -> tuple:
    return rate.required, rate.done, rate.rate


def unit_rows(figures) -> dict[str, object]:
    return {row.unit.name: row for row in figures.units}


def test_units_in_view_are_the_active_ones(counted):
    names = list(unit_rows(figures_for(counted)))
    assert names == ["测试局", "办公室", "财务股", "服务中心", "二级站", "空股室"]


@pytest.mark.parametrize(("unit", "expected"), [
    ("测试局", (3, 2, 66)), ("办公室", (5, 3, 60)), ("财务股", (3, 1, 33)), ("服务中心", (3, 1, 33)),
    ("二级站", (1, 0, 0)), ("空股室", (0, 0, None)),
])
def test_letters_per_unit(counted, unit, expected):
    assert pair(unit_rows(figures_for(counted))[unit].total.letters) == expected


def test_letters_per_rank_kind_and_in_all(counted):
    figures = figures_for(counted)
    assert [pair(figures.by_rank[r].letters) for r in (L, M, G)] == [(2, 2, 100), (6, 4, 66), (7, 1, 14)]
    assert [pair(figures.by_kind[k].letters) for k in (UnitKind.OFFICE, UnitKind.SERVICE_CENTER, UnitKind.SUBORDINATE)] \
        == [(8, 4, 50), (3, 1, 33), (1, 0, 0)]
    assert pair(figures.total.letters) == (15, 7, 46)


@pytest.mark.parametrize(("unit", "submitted", "passed"), [
    ("测试局", (2, 1, 50), (2, 1, 50)), ("办公室", (8, 4, 50), (8, 2, 25)), ("财务股", (2, 1, 50), (2, 0, 0)),
    ("服务中心", (2, 1, 50), (2, 0, 0)), ("二级站", (1, 0, 0), (1, 0, 0)), ("空股室", (0, 0, None), (0, 0, None)),
])
def test_checklists_per_unit(counted, unit, submitted, passed):
    row = unit_rows(figures_for(counted))[unit].total
    assert (pair(row.checklists_submitted), pair(row.checklists_passed)) == (submitted, passed)


def test_checklists_per_rank_and_in_all(counted):
    figures = figures_for(counted)
    assert [pair(figures.by_rank[r].checklists_submitted) for r in (L, M, G)] == [(1, 1, 100), (4, 2, 50), (10, 4, 40)]
    assert [pair(figures.by_rank[r].checklists_passed) for r in (L, M, G)] == [(1, 1, 100), (4, 1, 25), (10, 1, 10)]
    assert (pair(figures.total.checklists_submitted), pair(figures.total.checklists_passed)) == ((15, 7, 46), (15, 3, 20))


@pytest.mark.parametrize(("unit", "expected"), [
    ("办公室", (4, 1, 2, 1, 25)), ("财务股", (2, 1, 1, 0, 50)), ("二级站", (1, 0, 0, 1, 0)),
    ("测试局", (0, 0, 0, 0, None)), ("空股室", (0, 0, 0, 0, None)),
])
def test_ledger_per_unit_counts_discipline_cases_and_leaves_out_other_campaigns(counted, unit, expected):
    ledger = unit_rows(figures_for(counted))[unit].total.ledger
    assert (ledger.total, ledger.closed, ledger.overdue, ledger.supervised, ledger.closed_rate) == expected


def test_ledger_per_rank_of_the_responsible_person(counted):
    figures = figures_for(counted)
    by_rank = {r: figures.by_rank[r].ledger for r in (L, M, G)}
    assert (by_rank[L].total, by_rank[L].closed_rate) == (0, None)
    assert (by_rank[M].total, by_rank[M].closed, by_rank[M].closed_rate) == (1, 0, 0)
    assert (by_rank[G].total, by_rank[G].closed, by_rank[G].overdue, by_rank[G].supervised) == (6, 2, 3, 2)
    total = figures.total.ledger
    assert (total.total, total.closed, total.overdue, total.supervised, total.closed_rate) == (7, 2, 3, 2, 28)


def test_attendance_counts_only_sessions_whose_sign_in_has_closed(counted):
    figures = figures_for(counted)
    rows = unit_rows(figures)
    assert [pair(rows[u].total.attendance) for u in ("测试局", "办公室", "财务股", "服务中心", "二级站")] \
        == [(2, 1, 50), (4, 2, 50), (2, 1, 50), (2, 1, 50), (1, 0, 0)]
    assert [pair(figures.by_rank[r].attendance) for r in (L, M, G)] == [(1, 1, 100), (3, 2, 66), (7, 2, 28)]
    assert pair(figures.total.attendance) == (11, 5, 45)


def test_readings(counted):
    figures = figures_for(counted)
    rows = unit_rows(figures)
    assert [pair(rows[u].total.readings) for u in ("测试局", "办公室", "财务股", "服务中心", "二级站")] \
        == [(2, 0, 0), (4, 2, 50), (2, 1, 50), (2, 0, 0), (1, 1, 100)]
    assert pair(figures.total.readings) == (11, 4, 36)


def test_reflections_count_people_with_a_passed_one_in_this_campaign(counted):
    figures = figures_for(counted)
    rows = unit_rows(figures)
    assert pair(rows["办公室"].total.reflections) == (4, 2, 50)
    assert pair(rows["服务中心"].total.reflections) == (2, 0, 0)
    assert pair(figures.total.reflections) == (11, 2, 18)


def test_a_unit_without_people_of_a_rank_has_no_rate_for_it(counted):
    station = unit_rows(figures_for(counted))["二级站"]
    assert station.by_rank[M].letters.rate is None
    assert station.by_rank[G].letters.rate == 0


def test_the_figures_of_some_units_are_those_units_rows(counted):
    everyone = unit_rows(figures_for(counted))
    two = figures_for(counted, {counted["office"].id, counted["other"].id})
    assert [row.unit.name for row in two.units] == ["办公室", "财务股"]
    assert two.units[0].total == everyone["办公室"].total
    assert pair(two.total.letters) == (8, 4, 50)


def test_figures_take_seven_queries_whatever_the_size(counted):
    assert counted["campaign"].id  # loaded before counting
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        figures_for(counted)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 7, statements


def test_without_a_campaign_every_rate_is_empty(counted):
    figures = dashboard(None, None, today(), datetime.now(UTC))
    assert figures.total.letters.rate is None and figures.total.ledger.total == 0


# -- 上热中温下冷 ------------------------------------------------------------------------------------
def level(rate: int | None) -> Row:
    row = Row()
    if rate is not None:
        row.letters = Rate(rate, 100)
    return row


@pytest.mark.parametrize(("upper", "lower", "warned"), [(80, 65, False), (80, 64, True), (50, 90, False)])
def test_a_lower_level_is_flagged_only_beyond_the_gap(upper, lower, warned):
    found = [lag for lag in lags([("中层干部", level(upper)), ("一般干部", level(lower))], gap=15)
             if lag.metric == "letters"]
    assert bool(found) == warned


def test_a_level_nobody_was_asked_is_skipped():
    found = lags([("班子成员", level(100)), ("中层干部", level(None)), ("一般干部", level(60))], gap=15)
    assert [(lag.upper, lag.lower, lag.gap) for lag in found if lag.metric == "letters"] == [("班子成员", "一般干部", 40)]


def test_the_bureau_gauge_flags_the_ranks_and_kinds_that_lag(counted):
    figures = figures_for(counted)
    by_rank = lags([(r.label, figures.by_rank[r]) for r in (L, M, G)], gap=15)
    letters = [(lag.upper, lag.lower) for lag in by_rank if lag.metric == "letters"]
    assert letters == [("班子成员", "中层干部"), ("中层干部", "一般干部")]
    kinds = [(k.label, figures.by_kind[k]) for k in (UnitKind.OFFICE, UnitKind.SERVICE_CENTER, UnitKind.SUBORDINATE)]
    assert [(lag.lower, lag.gap) for lag in lags(kinds, gap=15) if lag.metric == "letters"] \
        == [("政务服务中心", 17), ("二级单位", 33)]


# -- Overdue --------------------------------------------------------------------------------------
def test_people_with_overdue_items_count_discipline_cases_as_every_figure(counted):
    admin = counted["admin"]
    people = people_with_overdue(counted["campaign"].id, ledger_scope(admin), today())
    assert [(p.user.username, p.overdue) for p in people] == [("staff", 2), ("other_staff", 1)]


def test_people_with_overdue_items_follow_what_the_requester_may_see(counted):
    people = people_with_overdue(counted["campaign"].id, ledger_scope(counted["head"]), today())
    assert [p.user.username for p in people] == ["staff"]
