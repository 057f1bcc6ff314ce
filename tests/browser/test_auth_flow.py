"""Logging in and out and changing the password in a real browser, with JavaScript on and off."""
import re

from playwright.sync_api import expect

from app.extensions import db
from app.org.models import Role
from tests.browser.helpers import change_password, login, logout
from tests.factories import PASSWORD, make_bureau, make_user

NEW_PASSWORD = "Qingshan#2027x"


def test_staff_changes_password_logs_out_and_back_in(app, live_server, page, screenshot):
    make_bureau()

    login(page, live_server, "staff")
    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.locator(".masthead")).to_contain_text("办公室")
    screenshot(page, "home")

    page.locator(".masthead").get_by_role("link", name="修改密码").click()
    expect(page).to_have_url(live_server.url("/auth/password"))
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    change_password(page, PASSWORD, NEW_PASSWORD)
    expect(page.locator(".flash")).to_contain_text("密码已修改")
    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()

    logout(page)
    expect(page).to_have_url(live_server.url("/auth/login"))
    expect(page.locator(".flash")).to_contain_text("您已安全退出")
    page.goto(live_server.url("/"))
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    expect(page.locator(".flash")).to_contain_text("请先登录")

    login(page, live_server, "staff", PASSWORD)
    expect(page.locator(".field .error")).to_contain_text("用户名或密码不正确")

    login(page, live_server, "staff", NEW_PASSWORD)
    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    assert page.errors == []


def test_wrong_password_is_refused(app, live_server, page, screenshot):
    make_bureau()

    login(page, live_server, "staff", "Wrong#password1")

    expect(page).to_have_url(live_server.url("/auth/login"))
    expect(page.locator(".field .error")).to_have_text("用户名或密码不正确。")
    expect(page.get_by_label("用户名")).to_have_value("staff")
    expect(page.locator(".masthead .account")).to_have_count(0)
    screenshot(page)


def test_must_change_password_before_anything_else(app, live_server, page, screenshot):
    make_bureau()
    make_user(Role.STAFF, username="newcomer", must_change_password=True)
    db.session.commit()

    login(page, live_server, "newcomer")
    expect(page).to_have_url(live_server.url("/auth/password"))
    expect(page.locator(".flash")).to_contain_text("首次登录请先修改初始密码")
    expect(page.locator(".nav")).to_have_count(0)
    screenshot(page, "forced")

    page.goto(live_server.url("/"))
    expect(page).to_have_url(live_server.url("/auth/password"))
    expect(page.get_by_role("heading", name="我的待办")).to_have_count(0)

    change_password(page, PASSWORD, NEW_PASSWORD)
    expect(page.locator(".flash")).to_contain_text("密码已修改")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    page.goto(live_server.url("/"))
    expect(page).to_have_url(live_server.url("/"))
    expect(page.locator(".nav")).to_contain_text("首页")


# Draws two different ideographs and an unassigned code point (U+0378: always the missing-glyph box)
# in the page's own font and compares the pixels, and measures a string of ideographs. With a CJK
# font the three drawings differ and each ideograph is about 1em wide; without one, 作 and 待 are
# both the same .notdef box as U+0378 (tofu).
MEASURE_GLYPHS = """
(selector) => {
  const style = getComputedStyle(document.querySelector(selector));
  const size = 40;
  const font = style.fontWeight + ' ' + size + 'px ' + style.fontFamily;
  const canvas = document.createElement('canvas');
  canvas.width = size * 2; canvas.height = size * 2;
  const ctx = canvas.getContext('2d');
  const draw = (text) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = font; ctx.textBaseline = 'top'; ctx.fillStyle = '#000';
    ctx.fillText(text, 4, 4);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0, signature = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] > 0) { inked += 1; signature = (signature * 31 + i * data[i]) % 1000000007; }
    }
    return inked + ':' + signature;
  };
  const drawn = {zuo: draw('作'), dai: draw('待'), missing: draw('\\u0378')};
  ctx.font = font;
  return {fontFamily: style.fontFamily, size: size, drawn: drawn, width: ctx.measureText('我的待办').width};
}
"""


def test_chinese_is_rendered_with_a_cjk_font(app, live_server, page_js, screenshot):
    page = page_js
    make_bureau()
    login(page, live_server, "staff")
    heading = page.get_by_role("heading", name="我的待办")
    expect(heading).to_be_visible()
    path = screenshot(page, "home")
    assert path.stat().st_size > 10_000

    glyphs = page.evaluate(MEASURE_GLYPHS, ".card h2")
    drawn = glyphs["drawn"]
    assert len({drawn["zuo"], drawn["dai"], drawn["missing"]}) == 3, f"ideographs drawn as tofu: {glyphs}"
    assert abs(glyphs["width"] - 4 * glyphs["size"]) <= 0.1 * 4 * glyphs["size"], f"not 1em each: {glyphs}"

    # Which installed font chromium really used for the heading: one the stylesheet asks for.
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".card h2"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    stack = [name.strip().strip("\"'").lower() for name in glyphs["fontFamily"].split(",")]
    used = [font["familyName"] for font in fonts if font["glyphCount"]]
    assert used and all(name.lower() in stack for name in used), f"{used} not in the font stack {stack}"
