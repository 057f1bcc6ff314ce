"""The demo register `flask seed-demo` builds: a dozen rules across units, every type and status,
some past their review date, and links to closed ledger items that show on both pages."""
from collections import Counter

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.ledger.models import State
from app.org.models import User
from app.regulations import queries
from app.regulations.models import Regulation, RuleStatus
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


def test_a_dozen_rules_of_every_kind(demo):
    rules = db.session.scalars(select(Regulation)).all()
    assert 12 <= len(rules) <= 16
    assert len({r.owner_unit_id for r in rules}) >= 6
    assert set(Counter(r.action for r in rules)) == {"new", "revise", "abolish"}
    assert set(Counter(r.status for r in rules)) == {"drafting", "issued", "abolished"}
    assert all(r.document_number for r in rules if r.status != RuleStatus.DRAFTING)


def test_some_are_due_for_review(demo):
    due = [r for r in db.session.scalars(select(Regulation)) if r.review_due(today())]
    assert 3 <= len(due) <= 4
    assert all(r.issued_on < r.next_review_on < today() for r in due)


def test_rules_answer_closed_ledger_items(demo):
    head = db.session.scalar(select(User).where(User.username == "head"))
    rules = db.session.scalars(select(Regulation).where(Regulation.status == RuleStatus.ISSUED)).all()
    closed = [(rule, item) for rule in rules for item in rule.ledger_items if item.state == State.CLOSED]
    assert len({rule.id for rule, _item in closed}) >= 4
    rule, item = next((r, i) for r, i in closed if i.unit_id == head.unit_id)
    assert rule in queries.rules_for_item(head, item)  # …and the item's page shows the rule


def test_the_demo_unit_head_has_a_rule_in_hand(demo):
    head = db.session.scalar(select(User).where(User.username == "head"))
    drafts = db.session.scalars(select(Regulation).where(
        Regulation.owner_unit_id == head.unit_id, Regulation.status == RuleStatus.DRAFTING)).all()
    assert drafts
