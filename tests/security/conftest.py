"""One bureau for the whole security package, built once, with every requester logged in.

GET requests never change the database (tests/security/test_get_changes_nothing.py holds them to
it), so the GET crawls share the bureau as built. A POST may change it: `restore()` puts back the
database (and the uploaded files) as built, and the POST tests call it after every request that
changed something. On SQLite the snapshot is a copy of the database file; on PostgreSQL a copy of
every table in a schema of its own.
"""
import hashlib
import re
import shutil
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db, limiter
from app.org.models import User
from tests.conftest import POSTGRES_URL, AuthActions, FreshContextClient, _empty_postgres_tables
from tests.security import world as world_module

SNAPSHOT_SCHEMA = "security_snapshot"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": *"([^"]+)"')


class Bureau:
    """The app, the world's ids and markers, a logged-in client per requester, and the snapshot."""

    def __init__(self, app, tmp: Path):
        self.app = app
        self.tmp = tmp
        self.uploads = Path(app.config["UPLOAD_DIR"])
        objects = world_module.build()
        self.markers = objects.pop("markers")
        self.ids = {name: obj.id for name, obj in objects.items()}
        self.clients = {"anon": app.test_client()}
        for requester in world_module.LOGGED_IN + ("gone",):
            self.clients[requester] = app.test_client()
            response = AuthActions(self.clients[requester]).login(requester)
            assert response.status_code == 302, f"{requester} could not log in"
        world_module.deactivate(db.session.get(User, self.ids["gone"]))
        self._take_snapshot()
        self.built = self.fingerprint()

    def client(self, requester: str):
        """A new client holding the requester's session cookie: what it does to its own cookies
        (logging out clears them) leaves the requester's client logged in."""
        clone = self.app.test_client()
        cookie = self.clients[requester].get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        if cookie is not None:
            clone.set_cookie(cookie.key, cookie.value, domain=cookie.domain or "localhost")
        return clone

    # -- requests -----------------------------------------------------------------------------
    def get(self, requester: str, url: str, htmx: bool = False):
        headers = {"HX-Request": "true"} if htmx else {}
        return self.clients[requester].get(url, headers=headers)

    def csrf_token(self, requester: str) -> str:
        """A valid token of the requester's session, as the pages carry it (the login page's for
        those not logged in)."""
        page = "/auth/login" if requester in ("anon", "gone") else "/"
        found = CSRF_FIELD.search(self.clients[requester].get(page).text)
        assert found, f"no CSRF token on {page}"
        return found.group(1) or found.group(2)

    # -- the database -------------------------------------------------------------------------
    def fingerprint(self) -> dict[str, str]:
        """Every table's rows, hashed: equal fingerprints mean nothing changed."""
        prints = {}
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                order = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
                rows = connection.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY {order}').fetchall()
                prints[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()[:16] + f"/{len(rows)}"
        return prints

    def changed_tables(self, before: dict[str, str]) -> list[str]:
        after = self.fingerprint()
        return [name for name in after if after[name] != before[name]]

    def restore(self) -> None:
        """Back to the bureau as built: the database and the uploaded files."""
        db.session.remove()
        if POSTGRES_URL:
            self._restore_postgres()
        else:
            db.engine.dispose()
            path = self._sqlite_path()
            for extra in ("-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
            shutil.copyfile(self.tmp / "snapshot.db", path)
        shutil.rmtree(self.uploads, ignore_errors=True)
        shutil.copytree(self.tmp / "snapshot-uploads", self.uploads)

    def _sqlite_path(self) -> str:
        return self.app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")

    def _take_snapshot(self) -> None:
        db.session.remove()
        if POSTGRES_URL:
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}"))
                for table in db.metadata.sorted_tables:
                    connection.execute(text(f'CREATE TABLE {SNAPSHOT_SCHEMA}."{table.name}" AS TABLE "{table.name}"'))
        else:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            db.engine.dispose()
            shutil.copyfile(self._sqlite_path(), self.tmp / "snapshot.db")
        shutil.copytree(self.uploads, self.tmp / "snapshot-uploads")

    def _restore_postgres(self) -> None:
        tables = [table.name for table in db.metadata.sorted_tables]
        with db.engine.begin() as connection:
            # replica mode skips the audit log's append-only triggers (and foreign keys) for the copy
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)))
            for name in tables:
                connection.execute(text(f'INSERT INTO "{name}" SELECT * FROM {SNAPSHOT_SCHEMA}."{name}"'))
            for name in tables:
                for column in inspect(connection).get_columns(name):
                    if "nextval" in str(column.get("default") or ""):
                        connection.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{column['name']}'), "
                            f'COALESCE((SELECT MAX("{column["name"]}") FROM "{name}"), 0) + 1, false)'))


@dataclass
class Answer:
    """What one requester got for one GET: enough to check the matrix and the canaries."""

    status: int
    location: str
    hx_redirect: str
    markers: frozenset[str]  # the markers the answer shows
    cuts_text: bool  # a field with a maxlength attribute, at which a browser silently cuts pasted text


class Crawl:
    """Every GET line of the matrix, as every requester, full and htmx; each line crawled once,
    when first asked for, with the database's fingerprint before and after."""

    def __init__(self, bureau: Bureau):
        self.bureau = bureau
        self.answers: dict[tuple[str, bool], dict[str, Answer]] = {}
        self.changes: dict[str, list[str]] = {}

    def line(self, line, htmx: bool) -> dict[str, Answer]:
        if (line.target, htmx) not in self.answers:
            self._crawl(line)
        return self.answers[(line.target, htmx)]

    def _crawl(self, line) -> None:
        bureau = self.bureau
        url = line.url(bureau.app, bureau.ids)
        before = bureau.fingerprint()
        for htmx in (False, True):
            self.answers[(line.target, htmx)] = {
                requester: self._answer(bureau.get(requester, url, htmx)) for requester in line.cells
            }
        self.changes[line.target] = bureau.changed_tables(before)
        if self.changes[line.target]:
            bureau.restore()

    def _answer(self, response) -> Answer:
        shown = response_text(response)
        return Answer(response.status_code, response.headers.get("Location", ""),
                      response.headers.get("HX-Redirect", ""),
                      frozenset(marker.text for marker in self.bureau.markers if marker.text in shown),
                      CUTTING_FIELD.search(shown) is not None)


CUTTING_FIELD = re.compile(r"<(?:input|textarea)\b[^>]*(?<![-\w])maxlength=")


def response_text(response) -> str:
    """What a person could read in the answer: the page, or every part of an Excel/Word file."""
    body = response.get_data()
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                             if name.endswith((".xml", ".rels")))
    return body.decode("utf-8", "replace")


@pytest.fixture(scope="package")
def bureau(migrated_template, tmp_path_factory):
    """The security package's bureau (tests/security/world.py), built once and shared."""
    tmp = tmp_path_factory.mktemp("security")
    if POSTGRES_URL:
        url = migrated_template
    else:
        shutil.copyfile(migrated_template.removeprefix("sqlite:///"), tmp / "bureau.db")
        url = f"sqlite:///{tmp / 'bureau.db'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(tmp / "uploads"))
    app.test_client_class = FreshContextClient
    with app.app_context():
        if POSTGRES_URL:
            _empty_postgres_tables()
        limiter.reset()
        yield Bureau(app, tmp)
        db.session.remove()
        if POSTGRES_URL:
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE"))
        db.engine.dispose()


@pytest.fixture(scope="package")
def crawl(bureau):
    """The GET answers of the matrix lines, shared by the matrix, canary and read-only tests."""
    return Crawl(bureau)
