"""The 对账 view's figures follow an inline 销号 (htmx out of band with JavaScript, the reloaded
page without), and the audit log's filters and Excel export, with JavaScript on and off."""
import re
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook
from playwright.sync_api import expect

from app.extensions import db
from app.ledger.models import State
from tests.browser.helpers import login
from tests.browser.test_ledger import click_in_row, expect_row_state, item_ids, ledger_world, mark_page, new_item
from tests.factories import today


def test_the_reconcile_summary_follows_an_inline_sign_off(app, live_server, page, screenshot):
    world = ledger_world()
    first = new_item(world, State.SIGN_OFF)
    second = new_item(world, State.FIRST_REVIEW, description="会议室预约无记录，使用混乱。", category="工作作风")
    new_item(world, State.IN_PROGRESS, description="公务用车登记不全。", due_on=today() - timedelta(days=3))
    first_id, second_id = item_ids(first, second)

    login(page, live_server, "leader")
    page.goto(live_server.url(f"/ledger/reconcile/{world['office'].id}"))
    summary = page.locator("#reconcile-summary")
    for figure in ("问题总数 3", "整改中 1", "待初审 1", "待销号 1", "已销号 0（0%）", "逾期 1"):
        expect(summary).to_contain_text(figure)
    if page.javascript:
        mark_page(page, second_id)
    click_in_row(page, first_id, "销号")
    expect_row_state(page, first_id, "已销号")
    expect(summary).to_contain_text("待销号 0")
    expect(summary).to_contain_text("已销号 1（33%）")
    expect(summary).to_contain_text("问题总数 3")
    if page.javascript:
        assert page.evaluate("() => window.__notReloaded") is True  # the figures came with the row
    expect(page.locator("#reconcile-summary")).to_have_count(1)
    screenshot(page)
    assert page.errors == []


def test_the_audit_log_filters_and_exports_what_it_shows(app, live_server, page, screenshot):
    world = ledger_world()
    item = new_item(world, State.PENDING, actor=world["head"])
    code, head_name = item.code, world["head"].full_name
    db.session.commit()
    login(page, live_server, "admin")
    page.goto(live_server.url("/admin/audit"))
    log = page.locator("#audit-log")
    expect(log).to_contain_text("登录")
    page.get_by_label("操作", exact=True).select_option(label="问题台账：登记问题")
    page.get_by_label("操作人", exact=True).fill(head_name)
    page.get_by_label("开始日期").fill(today().isoformat())
    page.get_by_role("button", name="查询").click()  # boosted with JavaScript: the address follows
    expect(page).to_have_url(re.compile(r"action=ledger.created"))
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log).to_contain_text("登记问题")
    expect(log.get_by_role("link", name=f"问题 {code}")).to_be_visible()
    screenshot(page, "filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    rows = list(book["审计日志"].iter_rows(min_row=2, values_only=True))
    assert [(row[4], row[6]) for row in rows] == [("登记问题", f"问题 {code}")]

    page.eval_on_selector("#start", "input => { input.type = 'text'; }")  # as IE11 has it: a text box
    page.get_by_label("开始日期").fill("2026/2/30")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".field.has-error")).to_contain_text(re.compile("不是有效的日期"))
    screenshot(page, "bad-date")
    assert page.errors == []
