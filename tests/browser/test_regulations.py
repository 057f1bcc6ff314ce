"""制度建设 in a real browser, with JavaScript on and off: a unit head registers a rule, links the
closed ledger item it answers (htmx swaps the links card; without JavaScript the form posts and the
page comes back), uploads the document, records it as issued, and the item's page shows the rule."""
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.regulations.models import Regulation, RuleStatus
from app.templating import today
from tests.browser.helpers import flash_text, login
from tests.browser.test_ledger import write_pdf
from tests.factories import make_bureau, make_campaign
from tests.regulations.conftest import closed_item


def test_a_unit_head_registers_a_rule_for_a_closed_item(app, live_server, page, screenshot, tmp_path):
    people = make_bureau()
    campaign = make_campaign()
    item = closed_item(people, campaign, description="节假日值班期间值班电话无人接听，值班记录填写不完整。")
    item_id, code = item.id, item.code
    db.session.commit()

    login(page, live_server, "head")
    page.locator(".nav").get_by_role("link", name="制度建设").click()
    expect(page.get_by_role("heading", name="制度建设")).to_be_visible()
    page.get_by_role("link", name="登记制度").click()
    page.get_by_label("制度名称").fill("值班值守制度（修订）")
    page.get_by_label("制度类型").select_option(label="修订")
    page.get_by_label("主要内容").fill("实行带班领导和值班人员“双在岗”；值班记录逐项填写，当面交接班。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="值班值守制度（修订）")).to_be_visible()
    assert "已登记制度" in flash_text(page)

    # The closed item, chosen from the unit's items: htmx swaps only the links card.
    links = page.locator("#regulation-links")
    page.get_by_label("办公室的问题").select_option(str(item_id))
    if page.javascript:
        page.evaluate("window.__notReloaded = true")
        links.locator("form").first.get_by_role("button", name="关联").click()
        expect(links.locator(".row-message")).to_have_text(f"已关联问题 {code}。")
        assert page.evaluate("window.__notReloaded") is True
    else:
        with page.expect_navigation():
            links.locator("form").first.get_by_role("button", name="关联").click()
        assert f"已关联问题 {code}" in flash_text(page)
    expect(links.get_by_role("link", name=code)).to_be_visible()
    expect(links).to_contain_text("已销号")

    # The document, then 印发 (the issue date defaults to today, the review to a year later).
    document = tmp_path / "值班值守制度.pdf"
    write_pdf(document)
    page.get_by_label("制度文件").set_input_files(str(document))
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("link", name="值班值守制度.pdf")).to_be_visible()
    page.get_by_label("文号").fill("青建发〔2026〕21号")
    page.get_by_role("button", name="登记印发").click()
    expect(page.locator(".page-header .tag")).to_have_text("已印发")
    assert "已登记印发" in flash_text(page)
    screenshot(page, "rule")

    # The item's page shows the rule, and leads back to it.
    page.locator("#regulation-links").get_by_role("link", name=code).click()
    related = page.locator("#related-rules")
    expect(related).to_contain_text("《值班值守制度（修订）》")
    expect(related).to_contain_text("青建发〔2026〕21号")
    screenshot(page, "item")
    related.get_by_role("link", name="《值班值守制度（修订）》").click()
    expect(page.get_by_role("heading", name="值班值守制度（修订）")).to_be_visible()

    assert page.errors == []
    db.session.rollback()
    rule = db.session.scalar(select(Regulation))
    assert rule.status == RuleStatus.ISSUED and rule.issued_on == today()
    assert [i.id for i in rule.ledger_items] == [item_id] and rule.file_name == "值班值守制度.pdf"
    db.session.rollback()
