"""Backups restore: the demo bureau backed up (SQLite: `flask backup`; PostgreSQL: pg_dump) and
restored into a new database has the same rows in every table, and its audit chain verifies."""
import shutil
import sqlite3
import subprocess  # nosec B404  # runs pg_dump and pg_restore with fixed arguments

import pytest
from sqlalchemy import MetaData, make_url, select, text
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.extensions import db
from tests import postgres
from tests.conftest import POSTGRES_URL
from tests.ledger import test_demo as ledger_demo

demo = ledger_demo.demo  # the module-scoped demo database, as a fixture of this module too
# Reflecting the tables to read their rows, SQLAlchemy skips SQLite's index on an expression (and says so).
pytestmark = pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table in the database (alembic_version too), in primary key order."""
    metadata = MetaData()
    metadata.reflect(db.engine)
    with db.engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(
                select(table).order_by(*(table.primary_key.columns or table.columns)))]
            for name, table in metadata.tables.items()
        }


def assert_a_real_bureau(rows: dict[str, list[tuple]]) -> None:
    """The comparison means something only if the demo filled the tables."""
    filled = [name for name, table_rows in rows.items() if table_rows]
    assert len(filled) >= 0.8 * len(rows), sorted(set(rows) - set(filled))
    assert len(rows["audit_log"]) > 1000 and len(rows["ledger_item"]) > 200


def audit_verifies(app) -> None:
    result = app.test_cli_runner().invoke(args=["audit-verify"])
    assert result.exit_code == 0 and "校验通过" in result.output, result.output


@pytest.mark.skipif(bool(POSTGRES_URL), reason="flask backup copies SQLite; PostgreSQL is backed up with pg_dump")
def test_flask_backup_restored_into_a_new_file_has_every_row(demo, tmp_path):
    backup = tmp_path / "zuofeng-backup.db"
    result = demo.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    original = every_row()
    assert_a_real_bureau(original)

    restored = tmp_path / "restored" / "zuofeng.db"  # the README's restore: copy the file into place
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    with sqlite3.connect(restored) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{restored}")
    with app.app_context():
        assert every_row() == original
        audit_verifies(app)
        db.engine.dispose()


def libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def sequences() -> dict[str, int | None]:
    with db.engine.connect() as connection:
        return dict(connection.execute(text("SELECT sequencename, last_value FROM pg_sequences")).all())


@pytest.mark.skipif(not POSTGRES_URL, reason="needs a PostgreSQL database: set TEST_DATABASE_URL")
def test_pg_dump_restored_into_a_new_database_has_every_row(demo, tmp_path):
    dump = tmp_path / "zuofeng.dump"
    subprocess.run(  # nosec B603 B607  # fixed arguments, pg_dump from PATH as the README runs it
        ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={libpq(POSTGRES_URL)}"],
        check=True, capture_output=True, timeout=300,
    )
    original, original_sequences = every_row(), sequences()
    assert_a_real_bureau(original)

    with postgres.scratch_database("restore") as url:
        subprocess.run(  # nosec B603 B607  # as above
            ["pg_restore", "--exit-on-error", "--no-owner", f"--dbname={libpq(url)}", str(dump)],
            check=True, capture_output=True, timeout=300,
        )
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            assert every_row() == original
            assert sequences() == original_sequences  # new rows continue the numbering
            audit_verifies(app)
            with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
                connection.execute(text("DELETE FROM audit_log"))  # the triggers came back too
            db.engine.dispose()
