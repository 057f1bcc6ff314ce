"""The demo ledger `flask seed-demo` builds: every state, overdue and 督办 items, the 上级通报, and
work waiting for each demo account."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.audit import AuditLog
from app.campaigns.models import current_campaign
from app.database import utcnow
from app.extensions import db
from app.ledger import services
from app.ledger.models import (
    CATEGORIES,
    Dispatch,
    EventKind,
    ExtensionRequest,
    ExtensionState,
    LedgerEvent,
    LedgerItem,
    RectifyType,
    Source,
    State,
)
from app.org.models import Role, Unit, User
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
        yield app
        db.session.remove()
        db.engine.dispose()


def items(**where) -> list[LedgerItem]:
    query = select(LedgerItem)
    for name, value in where.items():
        query = query.where(getattr(LedgerItem, name) == value)
    return db.session.scalars(query).all()


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_every_state_source_category_and_unit_is_there(demo):
    ledger = items()
    assert 250 <= len(ledger) <= 350
    states = Counter(item.state for item in ledger)
    assert set(states) == set(State)
    for state in State:  # plausible proportions, not a token item per state
        assert states[state] >= 0.05 * len(ledger), states
    assert states[State.IN_PROGRESS] > states[State.PENDING] and states[State.CLOSED] > states[State.SIGN_OFF]
    assert {item.source for item in ledger} == set(Source)
    assert {item.category for item in ledger} == set(CATEGORIES)
    assert {item.rectify_type for item in ledger} == set(RectifyType)
    units = db.session.scalars(select(Unit.id).where(Unit.parent_id.is_not(None))).all()
    assert {item.unit_id for item in ledger} == set(units)
    assert all(item.leader_id for item in ledger)
    assert all((item.due_on is None) == (item.rectify_type == RectifyType.LONG_TERM) for item in ledger)


def test_some_items_are_overdue_due_soon_or_supervised(demo):
    day = today()
    ledger = items()
    assert sum(item.is_overdue(day) for item in ledger) >= 10
    assert sum(item.is_due_soon(day) for item in ledger) >= 10
    supervised = [item for item in ledger if item.supervised and item.is_open]
    assert 5 <= len(supervised) <= 20
    assert all(item.instruction for item in supervised)


def test_timelines_run_through_the_phase_and_never_into_the_future(demo):
    campaign = current_campaign()
    phase_start = next(p for p in campaign.phases if p.label == "自查整改").starts_on
    now = utcnow()
    events = db.session.scalars(select(LedgerEvent)).all()
    assert max(event.occurred_at for event in events) <= now
    assert min(event.occurred_at for event in events).date() >= phase_start - timedelta(days=1)
    days = {event.occurred_at.date() for event in events}
    assert len(days) >= 20  # spread out, not all seeded "now"
    for item in items():
        assert item.events[0].kind == EventKind.CREATED and item.created_at == item.events[0].occurred_at
        assert [e.occurred_at for e in item.events] == sorted(e.occurred_at for e in item.events)
        assert (item.closed_at is not None) == (item.state == State.CLOSED)
        assert item.updated_at <= now


def test_returns_reopenings_extensions_and_discipline_cases(demo):
    returns = db.session.scalars(select(LedgerEvent).where(LedgerEvent.kind == EventKind.RETURNED)).all()
    assert len(returns) >= 10 and all(event.note for event in returns)
    assert len(items(cycle=2)) >= 2
    extensions = Counter(r.state for r in db.session.scalars(select(ExtensionRequest)))
    assert extensions[ExtensionState.PENDING] >= 2
    assert extensions[ExtensionState.APPROVED] + extensions[ExtensionState.REFUSED] >= 5
    cases = items(is_discipline=True)
    assert 2 <= len(cases) <= 3
    inspector = user("inspector")
    for case in cases:
        assert case.handling and case.person_concerned
        handled = [e for e in case.events if e.kind == EventKind.HANDLING_RECORDED]
        assert handled and handled[0].actor_id == inspector.id


def test_the_dispatch_went_to_every_unit_and_some_have_not_answered(demo):
    dispatch = db.session.scalar(select(Dispatch))
    assert "吃拿卡要" in dispatch.title and dispatch.category == "廉洁自律"
    assert dispatch.created_by.username == "inspector"
    units = set(db.session.scalars(select(Unit.id).where(Unit.parent_id.is_not(None))))
    assert {target.unit_id for target in dispatch.targets} == units
    answered = [t for t in dispatch.targets if t.answered_at]
    with_items = {item.unit_id for item in dispatch.items}
    zero = [t for t in answered if t.zero_report]
    assert with_items and zero and all(t.zero_report_note for t in zero)
    assert {t.unit_id for t in answered} == with_items | {t.unit_id for t in zero}
    assert all(t.answered_by.role == Role.UNIT_HEAD and t.answered_by.unit_id == t.unit_id for t in answered)
    assert all(item.source == Source.SUPERIOR for item in dispatch.items)
    unanswered = [t.unit.name for t in dispatch.targets if t.answered_at is None]
    assert 2 <= len(unanswered) <= 3 and "办公室" in unanswered


def test_the_demo_accounts_have_work_waiting(demo):
    day = today()
    staff, head, leader = user("staff"), user("head"), user("leader")

    own = items(owner_id=staff.id)
    assert {State.PENDING, State.IN_PROGRESS, State.CLOSED} <= {item.state for item in own}
    assert any(item.state == State.IN_PROGRESS and item.is_due_soon(day) for item in own)
    assert any("report" in services.available_actions(staff, item) for item in own)

    to_review = [item for item in items(unit_id=head.unit_id, state=State.FIRST_REVIEW)
                 if "first_review" in services.available_actions(head, item)]
    assert len(to_review) >= 2 and all(item.owner.role == Role.STAFF for item in to_review)

    to_sign = [item for item in items(state=State.SIGN_OFF)
               if "sign_off" in services.available_actions(leader, item)]
    assert len(to_sign) >= 3
    assert {item.unit.name for item in to_sign} == {"办公室", "财务股", "政策法规股"}
    assert any(item.supervised for item in to_sign)


def test_the_audit_chain_verifies_and_names_who_acted(demo):
    result = demo.test_cli_runner().invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    signed = db.session.scalars(select(AuditLog).where(AuditLog.action == "ledger.signed_off")).all()
    assert signed and all(row.actor_role == Role.LEADER for row in signed)


def test_seeding_again_duplicates_nothing(demo):
    def counts():
        return [db.session.scalar(select(func.count()).select_from(model))
                for model in (User, LedgerItem, LedgerEvent, Dispatch, AuditLog)]

    before = counts()
    result = demo.test_cli_runner().invoke(args=["seed-demo"])
    assert "已存在" in result.output
    assert counts() == before
