import pytest

from app import create_app
from app.extensions import db
from tests.conftest import POSTGRES_URL, FreshContextClient, _empty_postgres_tables, _fresh_database_url
from tests.overview.world import build_counted_world


@pytest.fixture(scope="module")
def demo(migrated_template, tmp_path_factory):
    """One database seeded once by `flask seed-demo` for the whole module: the tests only read it."""
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=_fresh_database_url(migrated_template, tmp_path_factory.mktemp("demo")),
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        if POSTGRES_URL:
            _empty_postgres_tables()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def counted(app):
    """The bureau whose figures tests/overview/world.py counts by hand."""
    return build_counted_world()
