"""The migrations go from an empty database to head, back down to nothing one step at a time, and
up again to the very same schema — on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db, migrate
from tests import postgres
from tests.conftest import POSTGRES_URL


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the kind the suite runs on."""
    if POSTGRES_URL:
        with postgres.scratch_database("migrations") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


def schema() -> dict:
    """Everything the migrations make: tables with their columns, keys, indexes and constraints,
    and the triggers (and on PostgreSQL the functions and enum types) beside them."""
    inspector = inspect(db.engine)
    tables = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        tables[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"],
                 tuple(fk["referred_columns"]), fk.get("options", {}).get("ondelete") or "")
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in inspector.get_indexes(table)),
            "unique": sorted((u["name"] or "", tuple(u["column_names"]))
                             for u in inspector.get_unique_constraints(table)),
            "checks": sorted((c["name"] or "", c["sqltext"]) for c in inspector.get_check_constraints(table)),
        }
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            extras = {
                "triggers": connection.scalars(text(
                    "SELECT tgrelid::regclass || '.' || tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"
                )).all(),
                "functions": connection.scalars(text(
                    "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1"
                )).all(),
                "types": connection.scalars(text(
                    "SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'"
                    " ORDER BY 1"
                )).all(),
            }
        else:
            extras = {
                "triggers": connection.scalars(text(
                    "SELECT tbl_name || '.' || name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"
                )).all(),
                # by name too: SQLAlchemy does not reflect SQLite's indexes on expressions
                "index names": connection.scalars(text(
                    "SELECT tbl_name || '.' || name FROM sqlite_master"
                    " WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%' ORDER BY 1"
                )).all(),
            }
    return {"tables": tables, **extras}


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_each_downgrade_restores_the_schema_before_its_upgrade(empty_database):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=empty_database)
    with app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config())
        revisions = list(reversed(list(script.walk_revisions())))  # base first
        before = {None: schema()}
        for revision in revisions:
            upgrade(revision=revision.revision)
            before[revision.revision] = schema()
        at_head = before[revisions[-1].revision]
        guards = {"audit_log_no_update_delete", "audit_log_no_truncate"} if POSTGRES_URL else {
            "audit_log_no_update", "audit_log_no_delete"}
        assert {f"audit_log.{name}" for name in guards} <= set(at_head["triggers"])  # the log is append-only
        assert set(at_head["tables"]) == {t.name for t in db.metadata.sorted_tables}

        for revision in reversed(revisions):
            downgrade(revision="-1")
            assert current_revision() == revision.down_revision
            assert schema() == before[revision.down_revision], (
                f"downgrading {revision.revision} does not give back {revision.down_revision or 'the empty database'}")

        upgrade()
        assert schema() == at_head
        db.engine.dispose()
