"""CSRF with htmx in the browser: after boosted navigation (htmx swaps the body, #page's hx-headers
with it), an inline action carries the session's token in the X-CSRFToken header, and the header
alone is accepted — the live server enforces CSRF (tests/browser/conftest.py)."""
import json

from playwright.sync_api import expect

from app.extensions import db
from app.ledger import services
from app.ledger.models import LedgerItem, State
from tests.browser.helpers import login
from tests.factories import make_bureau, make_campaign, make_item


def item_awaiting_sign_off() -> int:
    """An item of 办公室 in 待销号 for `leader`, moved there through the services."""
    people = make_bureau()
    item = make_item(unit=people["office"], owner=people["staff"], leader=people["leader"], campaign=make_campaign())
    services.report_progress(item, people["staff"], item.version, "已梳理窗口办件流程。")
    db.session.flush()
    services.submit(item, people["staff"], item.version, "已实行限时办结。")
    db.session.flush()
    services.pass_first_review(item, people["head"], item.version)
    db.session.commit()
    return item.id


def follow_menu(page, name: str, heading: str) -> None:
    """A menu link, boosted: htmx fetches the page and swaps the body, nothing reloads."""
    with page.expect_request(lambda r: r.method == "GET" and r.headers.get("hx-boosted") == "true"):
        page.locator(".nav").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


def test_inline_sign_off_after_boosted_navigation_sends_the_token_in_the_header(app, live_server, page_js):
    page = page_js
    item_id = item_awaiting_sign_off()
    login(page, live_server, "leader")
    page.evaluate("() => { window.notReloaded = true; }")
    follow_menu(page, "问题台账", "问题台账")
    follow_menu(page, "对账销号", "对账销号")
    follow_menu(page, "问题台账", "问题台账")
    row = page.locator(f"#ledger-item-{item_id}")
    row.get_by_role("link", name="销号", exact=True).click()  # the row turns into its confirm step
    expect(row.locator(".confirm-step")).to_be_visible()
    row.locator("input[name=csrf_token]").evaluate_all("inputs => inputs.forEach(input => input.remove())")
    page_token = json.loads(page.locator("#page").get_attribute("hx-headers"))["X-CSRFToken"]

    with page.expect_response(lambda r: r.url.endswith(f"/ledger/{item_id}/sign-off")) as answer:
        row.get_by_role("button", name="确认销号", exact=True).click()

    request = answer.value.request
    assert request.headers.get("hx-request") == "true"
    assert request.headers.get("x-csrftoken") == page_token
    assert "csrf_token" not in (request.post_data or "")
    assert answer.value.status == 200
    expect(row.locator(".tag[class*=state-]")).to_have_text("已销号")
    assert page.evaluate("() => window.notReloaded") is True
    db.session.rollback()
    assert db.session.get(LedgerItem, item_id).state == State.CLOSED
    db.session.rollback()
    assert page.errors == []
