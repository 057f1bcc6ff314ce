"""Every kind of download and print view, clicked in the browser with JavaScript on (hx-boost on
#page) and off: a file downloads and the page stays as it was (not replaced by the file's bytes),
a print view opens as a page of its own with its print stylesheet (app/htmx.py, document())."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login
from tests.hardening.world import build_world

# (page, link text, what the link gives): a file name pattern, or "print" for a print view
KINDS = [
    ("/overview/progress", "导出 Excel", r"\.xlsx$"),
    ("/overview/report", "导出 Excel", r"\.xlsx$"),
    ("/overview/report", "生成 Word 报告", r"\.docx$"),
    ("/overview/report", "打印汇总表", "print"),
    ("/ledger/", "导出 Excel", r"\.xlsx$"),
    ("/ledger/{item}", "整改报告.pdf", r"^整改报告\.pdf$"),
    ("/regulations/{rule}", "首问负责制度.pdf", r"^首问负责制度\.pdf$"),
    ("/study/sessions/{exchange}", "讲稿.pdf", r"^讲稿\.pdf$"),
    ("/commendations/", "导出 Excel", r"\.xlsx$"),
    ("/commitments/progress", "打印本单位承诺书", "print"),
    ("/ledger/reconcile", "打印对账单", "print"),
]


@pytest.mark.parametrize("where, link, gives", KINDS, ids=[f"{w} {n}" for w, n, _ in KINDS])
def test_a_download_link_downloads_and_a_print_link_opens_the_print_view(app, live_server, page, where, link, gives):
    world = build_world()
    url = where.format(item=world["item"].id, rule=world["rule"].id, exchange=world["exchange"].id)
    login(page, live_server, "admin")
    page.goto(live_server.url(url))
    title = page.title()
    page.evaluate("() => { window.notReloaded = true; }") if page.javascript else None
    target = page.locator("#main").get_by_role("link", name=link, exact=True).first

    if gives == "print":
        target.click()
        expect(page).to_have_url(re.compile(r"/print(\?|$)"))
        sheets = page.evaluate("() => Array.from(document.styleSheets).map(s => s.href)")
        assert [s.rsplit("/", 1)[-1].split("?")[0] for s in sheets] == ["print.css"]
        expect(page.locator("#page")).to_have_count(0)
    else:
        with page.expect_download() as download:
            target.click()
        assert re.search(gives, download.value.suggested_filename), download.value.suggested_filename
        assert download.value.failure() is None
        expect(page).to_have_url(live_server.url(url))
        expect(page).to_have_title(title)
        expect(page.locator("#main")).not_to_contain_text("PK")  # no workbook's bytes in the page
        if page.javascript:
            assert page.evaluate("() => window.notReloaded") is True
    assert page.errors == []
