"""htmx in the browser: the local fallback when the CDN is out of reach, and boosted pages with CSRF on."""
import socket
import time

import pytest
from playwright.sync_api import expect

from app.config import HTMX_INTEGRITY
from tests.browser.helpers import change_password, login
from tests.factories import PASSWORD, make_bureau, make_campaign, make_item

NEW_PASSWORD = "Qingshan#2027x"
LOCAL_HTMX = "/static/vendor/htmx-1.9.12.min.js"


def htmx_started(page) -> str:
    """htmx's version once it has come (the CDN's copy is asked for after the page has loaded)."""
    page.wait_for_function("() => window.htmx", timeout=3000)
    return page.evaluate("() => htmx.version")


def scripts_loaded(page) -> list[str]:
    return page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")


def local_copy_loaded(live_server, loaded: list[str]) -> bool:
    """The vendored copy, under its content-versioned URL (`?v=…`), is among the loaded files."""
    return any(url.startswith(live_server.url(LOCAL_HTMX) + "?v=") for url in loaded)


def test_local_copy_loads_when_cdn_is_unreachable(app, live_server, page_js):
    page = page_js
    cdn = "http://127.0.0.1:9/htmx.min.js"  # the discard port: connection refused at once
    app.config["HTMX_CDN_URL"] = cdn

    response = page.goto(live_server.url("/auth/login"))

    assert "http://127.0.0.1:9" in response.headers["content-security-policy"]
    assert htmx_started(page) == "1.9.12"
    expect(page.locator(f'head script[src="{cdn}"]')).to_have_count(1)
    assert local_copy_loaded(live_server, scripts_loaded(page))
    assert page.errors == []


def test_cdn_copy_is_used_when_reachable_and_intact(app, live_server, page_js):
    page = page_js
    # A second URL for the same file stands in for the CDN: the integrity hash must accept it.
    app.config["HTMX_CDN_URL"] = live_server.url(LOCAL_HTMX + "?from=cdn")

    page.goto(live_server.url("/auth/login"))

    assert htmx_started(page) == "1.9.12"
    loaded = scripts_loaded(page)
    assert live_server.url(LOCAL_HTMX + "?from=cdn") in loaded
    assert not local_copy_loaded(live_server, loaded)
    assert page.errors == []


def test_local_copy_loads_when_cdn_copy_fails_integrity(app, live_server, page_js):
    page = page_js
    app.config["HTMX_CDN_URL"] = live_server.url(LOCAL_HTMX + "?from=cdn")
    app.config["HTMX_INTEGRITY"] = "sha384-" + "A" * 64  # not the file's hash: the browser refuses it

    page.goto(live_server.url("/auth/login"))

    assert htmx_started(page) == "1.9.12"
    assert local_copy_loaded(live_server, scripts_loaded(page))
    assert any("integrity" in error for error in page.errors), page.errors
    assert app.config["HTMX_INTEGRITY"] != HTMX_INTEGRITY


def open_change_password_boosted(page, live_server):
    """Log in, then follow the masthead's 修改密码 link: htmx fetches it and swaps the body."""
    make_bureau()
    login(page, live_server, "staff")
    expect(page.locator("#page[hx-boost=true]")).to_have_count(1)
    page.evaluate("() => { window.notReloaded = true; }")
    with page.expect_request(lambda r: r.url.endswith("/auth/password")) as navigation:
        page.locator(".masthead").get_by_role("link", name="修改密码").click()
    assert navigation.value.headers.get("hx-boosted") == "true"
    expect(page).to_have_url(live_server.url("/auth/password"))
    expect(page).to_have_title("修改密码 - 作风建设专项行动")
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    assert page.evaluate("() => window.notReloaded") is True


def test_boosted_form_post_carries_csrf_token(app, live_server, page_js):
    page = page_js
    open_change_password_boosted(page, live_server)

    with page.expect_request(lambda r: r.method == "POST") as post:
        change_password(page, PASSWORD, NEW_PASSWORD)
    expect(page.locator(".flash-success")).to_contain_text("密码已修改")

    headers = post.value.headers
    assert headers.get("hx-request") == "true" and headers.get("hx-boosted") == "true"
    assert headers.get("x-csrftoken")
    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    assert page.evaluate("() => window.notReloaded") is True
    assert page.errors == []


def test_token_in_hx_headers_alone_is_accepted(app, live_server, page_js):
    """The X-CSRFToken header from #page (refreshed by the boosted swap) is valid on its own."""
    page = page_js
    open_change_password_boosted(page, live_server)
    page.locator("#main form input[name=csrf_token]").evaluate("input => input.remove()")

    change_password(page, PASSWORD, NEW_PASSWORD)

    expect(page.locator(".flash-success")).to_contain_text("密码已修改")
    assert page.errors == []


def test_post_without_any_valid_token_is_refused(app, live_server, page_js, screenshot):
    """CSRF really is on in the live server: no form field and a forged header get a 400."""
    page = page_js
    open_change_password_boosted(page, live_server)
    page.locator("#main form input[name=csrf_token]").evaluate("input => input.remove()")
    page.locator("#page").evaluate("""el => el.setAttribute('hx-headers', '{"X-CSRFToken": "forged"}')""")

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        change_password(page, PASSWORD, NEW_PASSWORD)

    assert answer.value.status == 400
    expect(page.locator("#htmx-error")).to_contain_text("安全令牌失效")
    expect(page.locator("#htmx-error .masthead")).to_have_count(0)  # the message, not a page in a page
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    screenshot(page)


def test_invalid_boosted_post_shows_the_form_errors(app, live_server, page_js, screenshot):
    """A 422 answer to a boosted POST is swapped in (app.js), so the errors show in place."""
    page = page_js
    open_change_password_boosted(page, live_server)

    change_password(page, "Not#thepassword1", NEW_PASSWORD)

    expect(page.locator(".field .error")).to_contain_text("当前密码不正确")
    expect(page.locator(".flash-error")).to_contain_text("提交的内容有误")
    expect(page).to_have_url(live_server.url("/auth/password"))
    assert page.evaluate("() => window.notReloaded") is True
    assert page.errors == []
    screenshot(page)


def test_a_refused_boosted_form_leaves_the_address_on_its_page(app, live_server, page_js, screenshot):
    """A boosted POST answered 422 (the page again, with the errors) keeps the item page's address
    in the bar and in history (HX-Push-Url: false, app/htmx.py): reload and Back GET real pages."""
    page = page_js
    people = make_bureau()
    make_campaign()
    item = make_item(unit=people["office"], owner=people["staff"], leader=people["leader"])
    code = item.code
    item_url = live_server.url(f"/ledger/{item.id}")
    login(page, live_server, "staff")
    page.goto(live_server.url("/ledger/"))
    page.locator("#main").get_by_role("link", name=code).first.click()
    expect(page).to_have_url(item_url)

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="提交申请").click()  # 申请延期 with nothing filled in

    assert answer.value.status == 422 and answer.value.url.endswith("/extension")
    expect(page.locator(".field .error").first).to_be_visible()
    expect(page).to_have_url(item_url)
    screenshot(page)
    assert page.reload().status == 200
    expect(page).to_have_url(item_url)
    expect(page.locator("h1")).to_contain_text(code)
    page.go_back()
    expect(page).to_have_url(live_server.url("/ledger/"))
    expect(page.get_by_role("heading", name="问题台账")).to_be_visible()
    assert page.errors == []


@pytest.fixture
def hanging_cdn():
    """A CDN behind an intranet proxy that never answers: a socket on 127.0.0.1 that takes the
    connection (the kernel's backlog completes it) and never sends a byte."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"http://127.0.0.1:{server.getsockname()[1]}/htmx.org@1.9.12/dist/htmx.min.js"
    server.close()


def test_a_hanging_cdn_holds_up_no_page(app, live_server, page_js, hanging_cdn):
    """The page shows and works at once; htmx comes from the local copy about a second later."""
    page = page_js
    app.config["HTMX_CDN_URL"] = hanging_cdn
    make_bureau()

    started = time.monotonic()
    page.goto(live_server.url("/auth/login"), wait_until="load")
    loaded = time.monotonic() - started
    assert htmx_started(page) == "1.9.12"
    enhanced = time.monotonic() - started

    # A page that waited on the hanging CDN would not load at all (the socket never answers); the
    # bounds are loose so that a busy machine does not fail the test: about 0.1 s and 1.1 s here.
    assert loaded < 3.0, f"the login page took {loaded:.1f} s to load"
    assert enhanced < 5.0, f"htmx came {enhanced:.1f} s after the page was asked for"
    assert local_copy_loaded(live_server, scripts_loaded(page))
    # htmx works: after logging in, a link is boosted (fetched by htmx, the body swapped)
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    page.wait_for_function("() => window.htmx", timeout=3000)
    page.evaluate("() => { window.notReloaded = true; }")
    with page.expect_request(lambda r: r.url.endswith("/auth/password")) as navigation:
        page.locator(".masthead").get_by_role("link", name="修改密码").click()
    assert navigation.value.headers.get("hx-boosted") == "true"
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    assert page.evaluate("() => window.notReloaded") is True
    assert page.errors == []


def test_a_swap_after_a_text_box_was_resized_breaks_no_csp_rule(app, live_server, page_js):
    """Dragging a text box's corner gives it an inline style (through CSSOM, which the CSP allows).
    htmx's settle copied the style attribute of the old element onto the new one with setAttribute,
    which style-src 'self' refuses, on every swap bringing that id back (a 422 page, a row)."""
    page = page_js
    people = make_bureau()
    make_campaign()
    item = make_item(unit=people["office"], owner=people["staff"], leader=people["leader"])
    url = live_server.url(f"/ledger/{item.id}")
    login(page, live_server, "staff")
    page.goto(url)
    page.evaluate("() => { window.notReloaded = true; }")
    reason = page.locator("form[action$='/extension'] textarea")
    reason.evaluate("box => { box.style.height = '120px'; }")  # what the resize handle does
    assert reason.get_attribute("id")

    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_role("button", name="提交申请").click()

    expect(page.locator(".field .error").first).to_be_visible()
    assert page.evaluate("() => window.notReloaded") is True
    page.wait_for_timeout(100)  # htmx settles 20 ms after the swap
    assert page.errors == []
