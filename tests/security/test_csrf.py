"""CSRF enforced as in production (TestConfig switches it off elsewhere): every POST route refuses
a request without its session's token (400: the error page; on the 自查表 it says the form expired)
and changes nothing; with the token, as a form field or as the X-CSRFToken header htmx sends, the
same request gets through to the view.

Each route is posted by the first requester the matrix lets through, so the token is all that
stands between the request and the view.
"""
import pytest

from tests.security.matrix import LINES, satisfies

ROUTES = [line for line in LINES if line.mode == "post" and line.target == line.endpoint]


def allowed(line) -> str:
    return next(requester for requester, token in line.cells.items() if token in ("ok", "out"))


@pytest.fixture
def csrf_enforced(bureau):
    bureau.app.config["WTF_CSRF_ENABLED"] = True
    yield
    bureau.app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("line", ROUTES, ids=[line.endpoint for line in ROUTES])
def test_post_without_the_token_is_refused_and_changes_nothing(bureau, csrf_enforced, line):
    response = bureau.client(allowed(line)).post(line.url(bureau.app, bureau.ids), data={})
    changed = bureau.changed_tables(bureau.built)
    if changed:
        bureau.restore()
    assert response.status_code == 400
    assert changed == []


@pytest.mark.parametrize("sent_as", ["form", "header"])
@pytest.mark.parametrize("line", ROUTES, ids=[line.endpoint for line in ROUTES])
def test_post_with_the_token_gets_through(bureau, csrf_enforced, line, sent_as):
    requester = allowed(line)
    token = bureau.csrf_token(requester)
    client = bureau.client(requester)  # after the token: the session that carries it
    if sent_as == "form":
        response = client.post(line.url(bureau.app, bureau.ids), data={"csrf_token": token})
    else:
        response = client.post(line.url(bureau.app, bureau.ids), data={}, headers={"X-CSRFToken": token})
    if bureau.changed_tables(bureau.built):
        bureau.restore()
    assert response.status_code != 400
    assert satisfies(line.cells[requester], response.status_code, response.headers.get("Location", ""), "")
