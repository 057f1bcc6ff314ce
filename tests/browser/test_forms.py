"""The form-field macro in a real browser: a limited text field states its limit in its label
(without JavaScript too) and, with JavaScript, counts as one types; nothing cuts the text."""
from playwright.sync_api import expect

from tests.browser.helpers import login
from tests.factories import make_bureau, make_campaign


def test_a_limited_field_states_its_limit_and_counts_live(app, live_server, page, screenshot):
    make_bureau()
    make_campaign()
    login(page, live_server, "head")
    page.goto(live_server.url("/ledger/new"))
    remarks = page.get_by_label("备注（限1000字）")
    expect(remarks).to_be_visible()
    assert remarks.get_attribute("maxlength") is None  # a browser would cut pasted text there
    remarks.fill("备" * 1003)
    assert len(remarks.input_value()) == 1003
    counter = page.locator("#remarks + .char-count")
    if page.javascript:
        expect(counter).to_have_text("已输入 1003 字，超出 3 字（限1000字）")
        expect(counter).to_have_class("char-count over")
        remarks.fill("备注")
        expect(counter).to_have_text("已输入 2 / 1000 字")
    else:
        expect(counter).to_have_count(0)
    screenshot(page)
    assert page.errors == []
