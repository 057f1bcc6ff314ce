"""Test fixtures: an app on a freshly migrated database per test, a client, an auth helper.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema
always comes from the migrations (so the audit log's triggers are there, as in production):
built once per run, then each test gets a clean copy (SQLite: a copy of the migrated file;
PostgreSQL: every table emptied, triggers bypassed for the cleaning only). Under pytest-xdist
(`make test` runs two workers) each worker has its own temporary files and, on PostgreSQL, its
own database (tests/postgres.py).
"""
import contextvars
import shutil

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db, limiter
from tests import postgres
from tests.factories import PASSWORD

POSTGRES_URL = postgres.worker_url()  # this process's PostgreSQL database; "" on SQLite


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Run the migrations once: into a template SQLite file, or into the PostgreSQL test database
    (under xdist a database of the worker's own, dropped when the worker is done)."""
    if postgres.WORKER_DATABASE:
        postgres.create_database(postgres.WORKER_DATABASE)
    url = POSTGRES_URL or f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if POSTGRES_URL:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    yield url
    if postgres.WORKER_DATABASE:
        postgres.drop_database(postgres.WORKER_DATABASE)


def _fresh_database_url(template_url: str, tmp_path) -> str:
    if POSTGRES_URL:
        return template_url
    path = tmp_path / "test.db"
    shutil.copyfile(template_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def _empty_postgres_tables() -> None:
    """Empty every table and restart every id sequence, as TRUNCATE … RESTART IDENTITY would.

    Only the tables the last test filled are touched, with DELETE: a TRUNCATE of all the tables
    costs over a second per test, a DELETE of a few small tables milliseconds."""
    tables = [t.name for t in db.metadata.sorted_tables]
    filled = text(" UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables))
    with db.engine.begin() as connection:
        # replica mode skips the audit log's append-only triggers and the foreign key checks, for
        # cleaning between tests only
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in connection.scalars(filled).all():
            connection.execute(text(f'DELETE FROM "{table}"'))
        connection.execute(text(
            "SELECT setval(oid::regclass, 1, false) FROM pg_class"
            " WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
        ))
        connection.execute(text("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, :h)"), {"h": "0" * 64})


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as under a real server: its own database
    session, its own `g` (where Flask-Login keeps the current user).

    The test's own session commits first, so the request sees what the test built, and is
    expired afterwards, so the test sees what the request changed.
    """

    def open(self, *args, **kwargs):
        in_test = has_app_context()  # False in the extra threads of race tests
        if in_test:
            db.session.commit()
        send = super().open
        response = contextvars.Context().run(send, *args, **kwargs)
        if in_test:
            db.session.expire_all()
        return response


@pytest.fixture
def app(migrated_template, tmp_path):
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=_fresh_database_url(migrated_template, tmp_path),
        UPLOAD_DIR=str(tmp_path / "uploads"),
    )
    with app.app_context():
        if POSTGRES_URL:
            _empty_postgres_tables()
        limiter.reset()
        app.test_client_class = FreshContextClient
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str, password: str = PASSWORD, follow_redirects: bool = False):
        return self._client.post(
            "/auth/login", data={"username": username, "password": password},
            follow_redirects=follow_redirects,
        )

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
