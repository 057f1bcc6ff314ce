"""Layout on the demo bureau: no page scrolls sideways at 1024×768, for any role, with JavaScript
on and off; the 对账单 prints in landscape with as many items to a sheet as fit.

On the demo bureau (`flask seed-demo`), each demo account logs in and walks the app from its home
page: every same-origin GET link it meets is opened, one per kind of page (the path with its ids
taken out, plus the names of its query parameters), up to a bound. Nothing is listed by hand, so a
new page is measured the day it gets a link. Downloads (Excel, Word, files) are not pages and are
skipped by their endpoint. Each page must be no wider than the window: both
`document.documentElement.scrollWidth` and `document.body.scrollWidth` at most 1024, no box inside it
scrolling sideways, and the menu on one line.
"""
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from app.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot_path
from tests.browser.helpers import A4_LANDSCAPE_PRINTABLE, login

WIDTH, HEIGHT = 1024, 768
ROLES = ("admin", "leader", "head", "staff", "inspector")
PAGES_PER_ROLE = 120  # a bound on the walk; the demo's admin reaches some 90 pages
VARIANTS = 2  # query variants (filters, sorting, pages) measured per page
DOWNLOAD = re.compile(r"(export|download|_template$|_docx$|_xlsx$)")  # endpoints answering a file

# The page's widths, how many lines the menu takes, and any box inside that scrolls sideways (a
# table in an overflow-x: auto wrapper keeps the page narrow but still has to be scrolled).
MEASURE = """() => {
  var menu = document.querySelectorAll('.nav > .wrap:first-child > a'), tops = {}, lines = 0, boxes = [];
  for (var i = 0; i < menu.length; i++) { if (!tops[menu[i].offsetTop]) { tops[menu[i].offsetTop] = 1; lines++; } }
  var all = document.body ? document.body.getElementsByTagName('*') : [];
  for (var j = 0; j < all.length; j++) {
    var box = all[j];
    if (box.scrollWidth <= box.clientWidth + 1 || box.tagName === 'TEXTAREA') continue;
    var x = getComputedStyle(box).overflowX;
    if (x === 'auto' || x === 'scroll') boxes.push(box.tagName.toLowerCase() + '.' + box.className + ' ' + box.scrollWidth);
  }
  return [document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0, lines, boxes.join(', ')];
}"""
LINKS = """() => Array.prototype.map.call(document.querySelectorAll('a[href]'), function (a) { return a.href; })"""


@pytest.fixture
def demo_bureau(app):
    """The demo bureau, seeded into the test's database: some 300 ledger items, every kind of record."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def kind_of_page(adapter, url: str, origin: str):
    """The key a page is visited once by (ids out, query names kept), or None when the link is
    not a page of the app to measure (another site, a download, a POST-only or unknown route)."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    try:
        endpoint, _ = adapter.match(parts.path, method="GET")
    except HTTPException:
        return None
    if endpoint == "static" or DOWNLOAD.search(endpoint):
        return None
    return endpoint, tuple(sorted({name for name, _ in parse_qsl(parts.query)}))


def walk(page, app, origin: str) -> dict[str, list]:
    """Open every kind of page reachable from home; return what MEASURE found on each."""
    adapter = app.url_map.bind("127.0.0.1")
    seen = set()
    variants = {}
    queue = [origin + "/"]
    widths = {}
    while queue and len(widths) < PAGES_PER_ROLE:
        url = queue.pop(0).split("#")[0]
        key = kind_of_page(adapter, url, origin)
        if key is None or key in seen or variants.get(key[0], 0) >= VARIANTS:
            continue
        seen.add(key)
        variants[key[0]] = variants.get(key[0], 0) + 1
        response = page.goto(url)
        assert response is not None and response.status < 500, f"{url} answered {response and response.status}"
        widths[url] = tuple(page.evaluate(MEASURE))
        queue.extend(page.evaluate(LINKS))
    return widths


def test_no_page_scrolls_sideways_at_1024(app, live_server, browser, demo_bureau, request):
    """One seeding of the demo for both walks: with JavaScript on, then off; a context per role."""
    too_wide = {}
    photographed = set()
    visited = {}
    for javascript, mode in ((True, "js"), (False, "nojs")):
        for role in ROLES:
            context = browser.new_context(
                java_script_enabled=javascript, locale="zh-CN", timezone_id="Asia/Shanghai",
                viewport={"width": WIDTH, "height": HEIGHT},
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            try:
                login(page, live_server, role, DEMO_PASSWORD)
                widths = walk(page, app, live_server.base_url)
                visited[f"{role} {mode}"] = len(widths)
                for url, (document_width, body_width, menu_lines, scrolling) in widths.items():
                    if max(document_width, body_width) > WIDTH or menu_lines > 1 or scrolling:
                        path = urlsplit(url).path
                        too_wide[f"{mode} {role} {path}?{urlsplit(url).query}"] = (
                            document_width, body_width, menu_lines, scrolling)
                        if (mode, path) not in photographed:  # one photograph per page, for whoever fixes it
                            photographed.add((mode, path))
                            page.goto(url)
                            name = f"{request.node.name}-{mode}-{role}-{path}"
                            page.screenshot(path=str(screenshot_path(request.config, name)))
            finally:
                context.close()
    assert all(count >= 15 for count in visited.values()), visited  # the walk really walked
    assert not too_wide, "pages wider than 1024 px (page, body, menu lines, boxes scrolling sideways):\n" + "\n".join(
        f"{page}: {figures}" for page, figures in sorted(too_wide.items()))


def test_the_reconcile_sheet_prints_landscape_some_ten_items_to_a_sheet(app, live_server, page_js, demo_bureau,
                                                                      screenshot):
    """The demo 办公室's 25 items (its discipline case among them): six portrait sheets of four
    before; three landscape ones now."""
    page = page_js
    login(page, live_server, "head", DEMO_PASSWORD)
    page.goto(live_server.url("/ledger/reconcile"))
    with page.expect_navigation():
        page.get_by_role("link", name="打印对账单").first.click()
    items = page.locator("table.reconcile-items tbody tr").count()
    page.emulate_media(media="print")
    page.set_viewport_size(A4_LANDSCAPE_PRINTABLE)
    path = screenshot(page, "print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    path.with_suffix(".pdf").write_bytes(pdf)
    width, height = (float(n) for n in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    sheets = int(re.search(rb"/Count (\d+)", pdf).group(1))
    assert items == 25 and sheets == 3, (items, sheets)  # the signatures share the last sheet


# Where a header cell of a print view breaks a line inside a run of text, and the characters either
# side: a break is fine after punctuation or a space (其中：/逾期) or at a <br>, not inside a word.
BROKEN_HEADERS = """() => {
  var found = [], cells = document.querySelectorAll('th');
  for (var c = 0; c < cells.length; c++) {
    var walker = document.createTreeWalker(cells[c], NodeFilter.SHOW_TEXT, null), node;
    while ((node = walker.nextNode())) {
      var text = node.data, range = document.createRange(), top = null;
      for (var i = 0; i < text.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        var rect = range.getBoundingClientRect();
        if (!rect.width) continue;
        if (top !== null && rect.top > top + 2 && !/[\\s：:，,、）)]/.test(text.charAt(i - 1)))
          found.push(cells[c].textContent.trim() + ' (' + text.charAt(i - 1) + '|' + text.charAt(i) + ')');
        top = rect.top;
      }
    }
  }
  return found;
}"""


def test_print_headers_keep_their_words_whole(app, live_server, browser, demo_bureau, request):
    """The print views with header cells (情况报告's 汇总表, the 对账单) as they land on paper."""
    for who, page_with_link, link, paper in (
        ("admin", "/overview/report", "打印汇总表", {"width": 616, "height": 945}),  # A4 portrait less margins
        ("head", "/ledger/reconcile", "打印对账单", A4_LANDSCAPE_PRINTABLE),
    ):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        try:
            login(page, live_server, who, DEMO_PASSWORD)
            page.goto(live_server.url(page_with_link))
            with page.expect_navigation():
                page.get_by_role("link", name=link).first.click()
            page.emulate_media(media="print")
            page.set_viewport_size(paper)
            page.screenshot(path=str(screenshot_path(request.config, f"{request.node.name}-{who}")), full_page=True)
            assert page.evaluate(BROKEN_HEADERS) == [], page.url
        finally:
            context.close()
