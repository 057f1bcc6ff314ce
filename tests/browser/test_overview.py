"""首页待办 and 工作概况 in a real browser, with JavaScript on (hx-boost) and off: a member of staff
goes from an overdue to-do to the item; 专项办 sorts the progress table and follows a figure to the
list behind it; a leader sees the gauge flag a unit where staff lag their head."""
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.helpers import login
from tests.overview.world import build_counted_world


def counted_ids() -> dict[str, int]:
    """The counted bureau's ids the tests look for, read before the browser drives the server
    (reading them later would reopen the test's transaction)."""
    world = build_counted_world()
    ids = {name: world[name].id for name in ("office", "item_a", "item_b")}
    db.session.commit()
    return ids


def test_overdue_to_do_comes_first_and_leads_to_the_item(app, live_server, page, screenshot):
    world = counted_ids()
    login(page, live_server, "staff")
    todos = page.locator(".todo-list li")
    expect(todos.first).to_contain_text("我负责的问题已逾期")
    expect(todos.first).to_contain_text("优先")
    screenshot(page, "home")
    with page.expect_navigation():
        todos.first.get_by_role("link").click()
    expect(page.locator(f"#ledger-item-{world['item_b']}")).to_be_visible()
    expect(page.locator(f"#ledger-item-{world['item_a']}")).to_have_count(0)  # closed: not overdue


def test_progress_table_sorts_and_links_to_the_list_behind_a_figure(app, live_server, page, screenshot):
    world = counted_ids()
    login(page, live_server, "admin")
    with page.expect_navigation():
        page.locator(".nav").get_by_role("link", name="工作概况").click()
    table = page.locator("#progress-table")
    expect(table.locator("tbody tr").first).to_contain_text("测试局")
    with page.expect_navigation():
        table.get_by_role("link", name="承诺书签署率").click()  # highest first
    with page.expect_navigation():
        table.get_by_role("link", name="承诺书签署率 ↓").click()  # then lowest first
    expect(table.locator("tbody tr").first).to_contain_text("二级站")
    expect(table.locator("tbody tr").last).to_contain_text("空股室")  # nobody to sign: always last
    screenshot(page, "progress")
    office = world["office"]
    with page.expect_navigation():
        page.locator(f"#unit-{office} a.danger-text").click()  # 办公室's one overdue item
    expect(page).to_have_url(f"{live_server.url('/ledger/')}?unit={office}&overdue=1")
    expect(page.locator(f"#ledger-item-{world['item_b']}")).to_be_visible()


def test_the_gauge_flags_where_staff_lag_their_head(app, live_server, page, screenshot):
    world = counted_ids()
    login(page, live_server, "leader")
    page.goto(live_server.url("/overview/gauge"))
    expect(page.locator("#gauge-warnings")).to_contain_text("存在层级落差的单位")
    expect(page.locator("#gauge-kinds")).to_have_count(0)  # a leader follows a portfolio, not kinds of unit
    row = page.locator(f"#gauge-unit-{world['office']}")
    expect(row).to_contain_text("一般干部低于中层干部 67 个百分点")
    expect(row.locator("td.lag")).to_have_count(1)
    with page.expect_navigation():
        page.locator(".metric-choice").get_by_role("link", name="自查表通过率").click()
    expect(page.locator(".metric-choice a.active")).to_have_text("自查表通过率")
    screenshot(page, "gauge")
