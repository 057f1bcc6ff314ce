"""Browser fixtures: Debian's chromium through Playwright, against the test app served by waitress.

Every test in this folder is marked `browser` (deselect with `-m "not browser"`).

    def test_something(app, live_server, page):      # page runs twice: ids "js" and "nojs"
        make_bureau()                                  # arrange with the factories, then
        page.goto(live_server.url("/auth/login"))      # drive the browser

The live server serves the very `app` object of the test (tests/conftest.py) with CSRF switched on,
from waitress threads. Those threads open their own database sessions (one per request, removed at
the end of it). The test's own session must not be inside a transaction while the browser works:
uncommitted rows are invisible to the server, and on SQLite a transaction begun outside a request
is BEGIN IMMEDIATE, holding the write lock. So live_server.url() commits the test's session, like
the test client does before each request; after that, reading an expired attribute (a lazy reload)
starts a new transaction: read the ids and names you need before, or commit again. To check the
database after the browser acted, db.session.rollback() first (and again before the browser goes
on). A request that meets an open test transaction answers 500 and fails the test with a message
saying so, instead of hanging on the lock for 15 seconds.

Failed tests leave test-artifacts/screenshots/<test name>-failed.png; the `screenshot` fixture saves
others on purpose.
"""
import os
import re
import threading
import traceback
from pathlib import Path

import pytest
from flask import got_request_exception
from playwright.sync_api import sync_playwright
from waitress import create_server, wasyncore

from app.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item, so the page fixture can photograph a failure.
    report = yield
    setattr(item, "report_" + report.when, report)
    return report


# --- the browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium "
            "fonts-noto-cjk; .ci/run does it). Do not run `playwright install`.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# --- the live server -----------------------------------------------------------------------------

OPEN_TRANSACTION = (
    "{request} came in while the test's own database session was inside a transaction (a lazy "
    "reload after a commit starts one): call db.session.commit() or rollback() before driving the "
    "browser, so that the server sees the rows and, on SQLite, is not locked out of writing."
)


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.errors: list[str] = []
        self._test_scope = db.session.registry.scopefunc()  # the test's own session: its app context
        self._server = create_server(self._guard, host="127.0.0.1", port=0, threads=4)
        self.base_url = f"http://127.0.0.1:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, name="live-server", daemon=True)

    def url(self, path: str = "/") -> str:
        """The address of a path on the live server. Commits the test's session first (as the
        test client does), so the page about to open sees what the test built."""
        db.session.commit()
        return self.base_url + path

    def _test_in_transaction(self) -> bool:
        session = db.session.registry.registry.get(self._test_scope)
        return session is not None and session.in_transaction()

    def _guard(self, environ, start_response):
        if self._test_in_transaction():
            message = OPEN_TRANSACTION.format(request=f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
            self.errors.append(message)
            start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain; charset=utf-8")])
            return [message.encode()]
        return self.app(environ, start_response)

    def _record_exception(self, sender, exception, **extra):
        self.errors.append("".join(traceback.format_exception(exception)))

    def start(self):
        got_request_exception.connect(self._record_exception, self.app)
        self._thread.start()

    def stop(self):
        got_request_exception.disconnect(self._record_exception, self.app)
        server = self._server
        server.task_dispatcher.shutdown()  # let requests in flight finish, stop the worker threads
        # Close the listening socket, the trigger and every open connection from the loop's own
        # thread: with its map empty, the loop ends at once.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "the live server did not stop"


@pytest.fixture
def live_server_config():
    """Config overrides for the live server; override this fixture in a module to change them.

    Config is read per request, so a test may also set app.config[...] itself before it navigates.
    """
    return {}


@pytest.fixture
def live_server(app, live_server_config):
    """The test's `app`, CSRF on, served on 127.0.0.1 at a free port; stopped before `app` ends."""
    app.config.update({"WTF_CSRF_ENABLED": True, **live_server_config})
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    if server.errors:
        pytest.fail("The live server failed during the test:\n" + "\n".join(server.errors), pytrace=False)


# --- pages ---------------------------------------------------------------------------------------

def screenshot_path(config, name: str) -> Path:
    safe = re.sub(r"[^\w.\[\]-]+", "_", name)
    directory = config.rootpath / "test-artifacts" / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{safe}.png"


@pytest.fixture
def screenshot(request):
    """screenshot(page, label="") saves test-artifacts/screenshots/<test name>[-label].png."""

    def take(page, label: str = "") -> Path:
        path = screenshot_path(request.config, request.node.name + (f"-{label}" if label else ""))
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _open_page(browser, javascript: bool):
    context = browser.new_context(
        java_script_enabled=javascript, locale="zh-CN", timezone_id="Asia/Shanghai",
        viewport={"width": 1024, "height": 768},  # the smallest screen the bureau has
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Script errors and console errors (CSP refusals land there), for tests to assert on. Chromium
    # also logs every 4xx answer and unreachable URL ("Failed to load resource"): tests check those
    # statuses themselves, and /favicon.ico is a 404 on every page.
    page.errors = []

    def on_console(msg):
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            page.errors.append(f"console: {msg.text} ({msg.location.get('url')})")

    page.on("pageerror", lambda error: page.errors.append(f"pageerror: {error}"))
    page.on("console", on_console)
    return context, page


def _close_page(request, context, page):
    """Close the context; a failed test leaves a screenshot named <test name>-failed.png."""
    path = screenshot_path(request.config, request.node.name + "-failed")
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception:  # noqa: BLE001 - a missing photo must not hide the failure itself
            pass
    else:
        path.unlink(missing_ok=True)  # from an earlier run
    context.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def page(browser, live_server, request):
    """A fresh page, once with JavaScript on ("js") and once with it off ("nojs")."""
    context, page = _open_page(browser, javascript=request.param)
    page.javascript = request.param
    yield page
    _close_page(request, context, page)


@pytest.fixture
def page_js(browser, live_server, request):
    """A fresh page with JavaScript on, for what only exists with it (htmx)."""
    context, page = _open_page(browser, javascript=True)
    page.javascript = True
    yield page
    _close_page(request, context, page)
