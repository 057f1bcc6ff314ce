"""The ledger's closed loop under random sequences of actions (a Hypothesis state machine).

Three items of 办公室 (one the unit head is responsible for, so it skips 初审; one 立行立改) take
情况反馈 / 提交 / 初审 / 销号 / 退回 / 直接销号 / 重新打开 in any order, by the right and the wrong
people, with the version they saw or a stale one, with or without the text each asks for. Each
action goes as the route sends it: app/policy.py first, then app/ledger/services.py. A model of
the loop says what must happen; after every step:

- a refused person (the policy says no) is exactly who the model refuses;
- an illegal action raises the service's error and changes nothing, not even in the session;
- a legal one moves the item where the model says, with exactly one audit row and one event;
- a closed item never comes back open but through 重新打开, with its event and audit row.
"""
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from app import policy
from app.audit import AuditLog
from app.extensions import db
from app.ledger import services
from app.ledger.models import EventKind, LedgerEvent, LedgerItem, RectifyType, State
from app.org.models import Role
from tests.factories import make_bureau, make_campaign, make_item, make_user

OPEN = (State.PENDING, State.IN_PROGRESS, State.FIRST_REVIEW, State.SIGN_OFF)
TEXTS = ("", "   ", "已按要求整改。")
# action → (policy action, states it is legal in, whether it needs text)
ACTIONS = {
    "report": ("ledger.report", (State.PENDING, State.IN_PROGRESS), True),
    "submit": ("ledger.submit", (State.IN_PROGRESS,), True),
    "first_review": ("ledger.first_review", (State.FIRST_REVIEW,), False),
    "sign_off": ("ledger.sign_off", (State.SIGN_OFF,), False),
    "return": ("ledger.return", (State.FIRST_REVIEW, State.SIGN_OFF), True),
    "close_now": ("ledger.close_now", OPEN, True),
    "reopen": ("ledger.reopen", (State.CLOSED,), True),
}


@pytest.fixture
def people(app):
    people = make_bureau()
    people["leader2"] = make_user(Role.LEADER, people["bureau"], "leader2")  # no portfolio: not in charge
    people["campaign"] = make_campaign()
    db.session.commit()
    return people


def may(person, action: str, item: LedgerItem, state: str) -> bool:
    """Who may, as README says: the responsible person reports and submits; 办公室's head (or an
    admin) does 初审; the responsible leader, a leader with 办公室 in the portfolio, or an admin 销号,
    closes and reopens; a 退回 by whoever may review the item where it is."""
    reviewer = person.role == Role.ADMIN or (person.role == Role.UNIT_HEAD and person.unit_id == item.unit_id)
    in_charge = person.role == Role.ADMIN or (person.role == Role.LEADER and (
        item.leader_id == person.id or item.unit_id in person.portfolio_unit_ids))
    if action in ("report", "submit"):
        return person.id == item.owner_id
    if action == "first_review":
        return reviewer
    if action == "return":
        return reviewer or in_charge
    return in_charge


def expected_move(action: str, item: LedgerItem, state: str, person) -> str | None:
    """The state a legal action leads to (None: the service must refuse it)."""
    policy_action, legal_in, _text = ACTIONS[action]
    if state not in legal_in:
        return None
    if action == "close_now" and item.rectify_type != RectifyType.IMMEDIATE:
        return None
    if action == "return":
        reviewer = policy.can(person, "ledger.first_review", item)
        in_charge = policy.can(person, "ledger.sign_off", item)
        if (state == State.FIRST_REVIEW and not reviewer) or (state == State.SIGN_OFF and not in_charge):
            return None
        return State.IN_PROGRESS
    return {
        "report": State.IN_PROGRESS,
        "submit": State.FIRST_REVIEW if item.needs_first_review else State.SIGN_OFF,
        "first_review": State.SIGN_OFF, "sign_off": State.CLOSED, "close_now": State.CLOSED,
        "reopen": State.IN_PROGRESS,
    }[action]


def call(action: str, item: LedgerItem, person, version, text: str) -> None:
    """The service, called as the route calls it."""
    if action == "report":
        services.report_progress(item, person, version, text)
    elif action == "submit":
        services.submit(item, person, version, text)
    elif action == "first_review":
        services.pass_first_review(item, person, version, text)
    elif action == "sign_off":
        services.sign_off(item, person, version, text)
    elif action == "return":
        services.return_item(item, person, version, text, policy.can(person, "ledger.first_review", item),
                             policy.can(person, "ledger.sign_off", item))
    elif action == "close_now":
        services.close_now(item, person, version, text)
    else:
        services.reopen(item, person, version, text)


def counts(item_id: int) -> tuple[int, int]:
    """The item's audit rows and timeline events."""
    audits = db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.object_type == "LedgerItem", AuditLog.object_id == str(item_id)))
    events = db.session.scalar(select(func.count(LedgerEvent.id)).where(LedgerEvent.item_id == item_id))
    return audits, events


def test_the_ledger_loop_holds_under_any_sequence_of_actions(app, people):
    office, staff, head, leader = people["office"], people["staff"], people["head"], people["leader"]
    cast = ("staff", "head", "leader", "leader2", "admin", "other_head", "inspector")
    steps = {"illegal": 0, "refused": 0, **dict.fromkeys(ACTIONS, 0)}  # legal ones by action

    class LedgerLoop(RuleBasedStateMachine):
        @initialize()
        def file_items(self):
            self.items = [
                make_item(unit=office, owner=staff, leader=leader),  # 初审 by the unit head
                make_item(unit=office, owner=head, leader=leader),  # the head's own: straight to 销号
                make_item(unit=office, owner=staff, leader=leader, rectify_type=RectifyType.IMMEDIATE),
            ]
            db.session.commit()
            self.states = {item.id: State.PENDING for item in self.items}

        @rule(data=st.data())
        def act(self, data):
            # Three steps in four are ones the model allows (deep sequences); the rest anything at all.
            item = self.items[data.draw(st.integers(0, 2), label="item")]
            state = self.states[item.id]
            if data.draw(st.integers(0, 3), label="kind of step"):
                action = data.draw(st.sampled_from([name for name in ACTIONS if expected_move(
                    name, item, state, people["admin"]) is not None]), label="action")
                entitled = [name for name in cast if policy.can(people[name], ACTIONS[action][0], item)]
                who = data.draw(st.sampled_from(entitled), label="who")
                stale, text = False, TEXTS[-1]
            else:
                action = data.draw(st.sampled_from(list(ACTIONS)), label="action")
                who = data.draw(st.sampled_from(cast), label="who")
                stale = data.draw(st.booleans(), label="stale")
                text = data.draw(st.sampled_from(TEXTS), label="text")
            policy_action, _legal_in, needs_text = ACTIONS[action]
            person = people[who]
            allowed = policy.can(person, policy_action, item)
            assert allowed == may(person, action, item, state), (who, action)
            if not allowed:
                steps["refused"] += 1
                return
            version = item.version - 1 if stale else item.version
            target = expected_move(action, item, state, person)
            legal = target is not None and not stale and (text.strip() or not needs_text)
            before = counts(item.id)
            if not legal:
                with pytest.raises(services.LedgerError):
                    call(action, item, person, version, text)
                assert not db.session.dirty and not db.session.new and not db.session.deleted
                db.session.rollback()
                assert counts(item.id) == before
                steps["illegal"] += 1
                return
            call(action, item, person, version, text)
            db.session.commit()
            self.states[item.id] = target
            assert counts(item.id) == (before[0] + 1, before[1] + 1)
            steps[action] += 1

        @invariant()
        def items_are_where_the_model_says(self):
            for item in getattr(self, "items", []):
                assert db.session.get(LedgerItem, item.id).state == self.states[item.id]

        @invariant()
        def a_closed_item_comes_back_only_through_reopen(self):
            for item in getattr(self, "items", []):
                events = db.session.scalars(select(LedgerEvent).where(LedgerEvent.item_id == item.id)
                                            .order_by(LedgerEvent.id)).all()
                for event in events:
                    if event.from_state == State.CLOSED:
                        assert event.kind == EventKind.REOPENED and event.to_state == State.IN_PROGRESS
                audits = db.session.scalar(select(func.count(AuditLog.id)).where(
                    AuditLog.action == "ledger.reopened", AuditLog.object_id == str(item.id)))
                assert audits == sum(1 for event in events if event.kind == EventKind.REOPENED)

    run_state_machine_as_test(LedgerLoop, settings=settings(
        max_examples=30, stateful_step_count=40, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
    assert min(steps.values()) > 0, steps  # every action taken legally, refused and tried illegally
