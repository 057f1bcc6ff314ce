"""上级通报 in a real browser: the sender corrects a dispatch no unit has answered yet, then
withdraws it with a reason; with JavaScript on (boosted forms) and off (plain posts)."""
from datetime import timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.ledger import dispatches
from tests.browser.helpers import flash_text, login
from tests.factories import make_bureau, make_campaign, today


def test_the_sender_corrects_then_withdraws_a_dispatch(app, live_server, page, screenshot):
    people = make_bureau()
    campaign = make_campaign()
    dispatch = dispatches.create_dispatch(
        people["inspector"], campaign, "关于窗口服务问题的通报", "部分窗口推诿扯皮。", "服务群众",
        today() + timedelta(days=7), [people["office"].id, people["other"].id], source_unit="县纪委监委",
        document_number="青纪通〔2026〕8号")
    dispatch_id = dispatch.id
    db.session.commit()
    new_due = (today() + timedelta(days=21)).isoformat()

    login(page, live_server, "inspector")
    page.goto(live_server.url(f"/ledger/dispatches/{dispatch_id}"))
    expect(page.locator("table.fields")).to_contain_text("青纪通〔2026〕8号")
    page.get_by_role("link", name="更正", exact=True).click()
    expect(page.get_by_role("heading", name="更正上级通报")).to_be_visible()
    expect(page.locator("body")).to_contain_text("格式：年-月-日")
    page.get_by_label("答复时限").fill(new_due)
    page.get_by_label("通报的问题（限2000字）").fill("部分窗口推诿扯皮，群众多次反映。")
    screenshot(page, "edit")
    with page.expect_navigation():
        page.get_by_role("button", name="保存更正").click()
    assert "已更正上级通报" in flash_text(page)
    expect(page.locator("table.fields")).to_contain_text(new_due)
    expect(page.locator("table.fields")).to_contain_text("群众多次反映")

    page.get_by_label("撤回原因（限500字）").fill("与县纪委通报重复，误发")
    with page.expect_navigation():
        page.get_by_role("button", name="撤回通报").click()
    expect(page.locator("#withdrawn")).to_contain_text("与县纪委通报重复，误发")
    expect(page.get_by_role("link", name="更正", exact=True)).to_have_count(0)
    screenshot(page, "withdrawn")
    assert page.errors == []
