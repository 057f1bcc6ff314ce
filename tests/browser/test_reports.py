"""情况报告 in a real browser, JavaScript on (htmx swaps the report panel, the address follows) and
off (the form is a plain GET): a unit head chooses a period, reads the hand-counted figures and
opens the one-page A4 summary."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import login
from tests.browser.test_commitments import A4_PRINTABLE, pdf_pages, photograph
from tests.overview.report_world import build_world, period_args


def cells(row) -> list[str]:
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def test_unit_head_chooses_a_period_and_prints_the_summary(app, live_server, page, screenshot):
    world = build_world()
    new_codes = [world["items"][letter].code for letter in "BCGJ"]
    args = period_args()
    login(page, live_server, "head")
    page.goto(live_server.url("/overview/report"))
    expect(page.get_by_role("heading", name="情况报告", exact=True)).to_be_visible()
    expect(page.locator("#report-panel h2").first).to_contain_text("办公室")  # this month's report, at once

    page.get_by_label("开始日期").fill(args["start"])
    page.get_by_label("结束日期").fill(args["end"])
    button = page.get_by_role("button", name="生成报告")
    if page.javascript:
        page.evaluate("() => { window.__notReloaded = true; }")
        with page.expect_response(lambda r: "/overview/report?" in r.url) as answer:
            button.click()
        assert answer.value.request.headers.get("hx-request") == "true"
    else:
        with page.expect_navigation():
            button.click()
    expect(page).to_have_url(re.compile(rf"/overview/report\?start={args['start']}&end={args['end']}"))
    counts = page.locator("table.report-counts tbody tr")
    expect(counts.first).to_contain_text("问题总数")
    assert cells(counts.first) == ["合计", "问题总数", "4", "5", "2"]
    assert cells(counts.last) == ["其中", "逾期", "1", "2", "1"]
    assert [code.strip() for code in page.locator("#report-new tbody tr td:first-child").all_inner_texts()] == new_codes
    expect(page.locator("#report-ongoing tr.overdue")).to_have_count(2)
    if page.javascript:
        assert page.evaluate("() => window.__notReloaded") is True  # only the panel was swapped
    photograph(screenshot, page, "report")

    # The print view: its own stylesheet, the figures and the table, on one A4 sheet.
    page.get_by_role("link", name="打印汇总表").click()
    expect(page).to_have_url(re.compile(r"/overview/report/print\?"))
    sheets = page.evaluate("() => Array.from(document.styleSheets).map(s => s.href)")
    assert [s.rsplit("/", 1)[-1].split("?")[0] for s in sheets] == ["print.css"]
    expect(page.get_by_role("heading", name="问题整改情况汇总表")).to_be_visible()
    expect(page.locator(".doc-meta")).to_contain_text(f"统计期间：{args['start']} 至 {args['end']}")
    figures = page.locator("table.doc").first.locator("tr")
    assert cells(figures.last) == ["4", "2", "5", "2", "2", "8", "3", "37%"]
    page.emulate_media(media="print")
    expect(page.locator(".toolbar")).to_be_hidden()
    page.set_viewport_size(A4_PRINTABLE)
    screenshot(page, "print")
    assert pdf_pages(page) == 1
    assert page.errors == []
