"""Someone not logged in sees nothing of the app, whatever they post: every POST route, posted
anonymously with a form full of values (with CSRF on, as in production, and off, so the view
itself answers), gets the login redirect, or a 401/400 that is only a message: no record's text
(no canary marker, no checklist item), no form to fill in."""
import pytest
from sqlalchemy import select

from app.checklists.models import ChecklistItem
from app.extensions import db
from tests.security.matrix import LINES

# auth.login is the one form for those not logged in: a refused login shows the login form again.
ROUTES = [line for line in LINES if line.mode == "post" and line.target == line.endpoint and line.endpoint != "auth.login"]
FILLED = {"version": "1", "action": "submit", "title": "标题", "body": "内容", "reason": "理由", "next": "/ledger/"}


@pytest.fixture(params=[True, False], ids=["csrf", "no-csrf"])
def csrf(bureau, request):
    bureau.app.config["WTF_CSRF_ENABLED"] = request.param
    yield request.param
    bureau.app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("line", ROUTES, ids=[line.endpoint for line in ROUTES])
def test_an_anonymous_post_shows_nothing_of_the_app(bureau, csrf, line):
    items = db.session.scalars(select(ChecklistItem.text)).all()
    response = bureau.client("anon").post(line.url(bureau.app, bureau.ids), data=FILLED)
    if bureau.changed_tables(bureau.built):
        bureau.restore()
        pytest.fail("an anonymous post changed the database")
    body = response.get_data(as_text=True)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/login")
    else:
        assert response.status_code in (400, 401), response.status_code
    assert "<form" not in body and "<table" not in body
    assert [marker.text for marker in bureau.markers if marker.text in body] == []
    assert [text for text in items if text in body] == []
