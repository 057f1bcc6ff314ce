"""The demo commendations `flask seed-demo` records: 先进个人 and 先进集体, two or three 推荐对象."""
import pytest
from sqlalchemy import select

from app import create_app
from app.commendations.models import Commendation, Recommendation
from app.extensions import db
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


def test_people_units_and_recommendations(demo):
    records = db.session.scalars(select(Commendation)).all()
    people = [c for c in records if c.user_id]
    assert len(people) >= 3 and len(records) - len(people) >= 2
    recommended = [c for c in people if c.recommendation != Recommendation.NONE]
    assert 2 <= len(recommended) <= 3
    assert {c.recommendation for c in recommended} == {Recommendation.PROMOTION, Recommendation.RANK}
    assert any(c.user.username == "staff" for c in people)  # the demo account finds its own honour
    assert all(c.unit_id == c.user.unit_id for c in people)
