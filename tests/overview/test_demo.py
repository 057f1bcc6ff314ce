"""The demo bureau's 工作概况: every figure agrees with each area's own pages, and the gauge has
something to show (a unit where staff lag their heads)."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app import create_app
from app.campaigns.models import current_campaign
from app.checklists import queries as checklist_queries
from app.commitments import queries as letter_queries
from app.extensions import db
from app.ledger.models import LedgerItem, State
from app.org.models import RANK_LABELS
from app.overview.figures import RANKS, dashboard, lags
from app.study import queries as study_queries
from app.templating import today
from tests.conftest import POSTGRES_URL, _empty_postgres_tables, _fresh_database_url


@pytest.fixture(scope="module")
def demo(migrated_template, tmp_path_factory):
    """One database seeded once by `flask seed-demo` for the whole module: the tests only read it."""
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=_fresh_database_url(migrated_template, tmp_path_factory.mktemp("demo")),
    )
    with app.app_context():
        if POSTGRES_URL:
            _empty_postgres_tables()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        campaign = current_campaign()
        now = datetime.now(UTC)
        yield campaign, now, dashboard(campaign, None, today(), now)
        db.session.remove()
        db.engine.dispose()


def test_letters_agree_with_the_letters_progress(demo):
    campaign, _now, figures = demo
    progress = [letter_queries.progress(t).total for t in letter_queries.current_letters(campaign.id)]
    assert progress, "the demo has a letter to sign"
    assert (figures.total.letters.required, figures.total.letters.done) == \
        (sum(p.required for p in progress), sum(p.signed for p in progress))


def test_checklists_agree_with_the_checklists_progress(demo):
    campaign, _now, figures = demo
    unit_ids = [row.unit.id for row in figures.units]
    reports = [checklist_queries.progress(t, unit_ids).total for t in checklist_queries.published_templates(campaign.id)]
    assert reports, "the demo has a checklist to fill"
    assert (figures.total.checklists_submitted.required, figures.total.checklists_submitted.done,
            figures.total.checklists_passed.done) == \
        (sum(r.required for r in reports), sum(r.submitted for r in reports), sum(r.passed for r in reports))


def test_study_agrees_with_the_study_rates(demo):
    campaign, now, figures = demo
    attendance = study_queries.attendance_figures(campaign.id, now).total
    readings = study_queries.reading_figures(campaign.id).total
    assert (figures.total.attendance.required, figures.total.attendance.done) == (attendance.required, attendance.present)
    assert (figures.total.readings.required, figures.total.readings.done) == (readings.required, readings.present)


def test_ledger_agrees_with_the_items(demo):
    campaign, _now, figures = demo
    base = select(func.count(LedgerItem.id)).where(LedgerItem.campaign_id == campaign.id)  # discipline cases too
    assert figures.total.ledger.total == db.session.scalar(base)
    assert figures.total.ledger.closed == db.session.scalar(base.where(LedgerItem.state == State.CLOSED))
    assert 0 < figures.total.ledger.closed < figures.total.ledger.total


def test_the_gauge_flags_a_unit_where_staff_lag_their_heads(demo):
    _campaign, _now, figures = demo
    flagged = [row.unit.name for row in figures.units
               if any(lag.lower == "一般干部" for lag in lags([(RANK_LABELS[r], row.by_rank[r]) for r in RANKS], 15))]
    assert flagged
