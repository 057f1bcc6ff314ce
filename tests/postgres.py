"""PostgreSQL databases for the tests: one per pytest-xdist worker, and scratch ones.

TEST_DATABASE_URL names a database the suite may wipe. Run by one process, the suite uses it as
it is. Under pytest-xdist each worker (gw0, gw1, …) gets a database of its own, named after it
(`zuofeng_ci_gw0`), created at the start of the worker's session and dropped at its end; restore
and migration tests make scratch databases the same way. CREATE and DROP DATABASE are issued
through a connection to the TEST_DATABASE_URL database itself, so the test role needs the
CREATEDB privilege and nothing else.
"""
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text

from app.config import normalise_database_url

BASE_URL = normalise_database_url(os.environ.get("TEST_DATABASE_URL", ""))
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"… in an xdist worker, else ""


def database_url(name: str) -> str:
    """The URL of database `name` on the test server, with TEST_DATABASE_URL's credentials."""
    return make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)


def sibling_name(suffix: str) -> str:
    """A database name made from the test database's own name, e.g. zuofeng_ci_gw0_restore."""
    return f"{make_url(BASE_URL).database}_{suffix}"


# The worker's own database under xdist; "" when one process runs the suite (or on SQLite)
WORKER_DATABASE = sibling_name(WORKER) if BASE_URL and WORKER else ""


def worker_url() -> str:
    """This process's test database: TEST_DATABASE_URL's, or the worker's own under xdist."""
    return database_url(WORKER_DATABASE) if WORKER_DATABASE else BASE_URL


def _maintenance(statement: str) -> None:
    engine = create_engine(BASE_URL, isolation_level="AUTOCOMMIT")  # CREATE DATABASE refuses a transaction
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def create_database(name: str) -> str:
    """Create database `name` afresh (dropping a leftover of an interrupted run); return its URL."""
    drop_database(name)
    _maintenance(f'CREATE DATABASE "{name}"')
    return database_url(name)


def drop_database(name: str) -> None:
    # FORCE ends connections still open (an engine a failed test did not dispose of)
    _maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(suffix: str) -> Iterator[str]:
    """A new empty database for the block, dropped afterwards; yields its URL."""
    name = sibling_name(f"{WORKER}_{suffix}" if WORKER else suffix)
    url = create_database(name)
    try:
        yield url
    finally:
        drop_database(name)
