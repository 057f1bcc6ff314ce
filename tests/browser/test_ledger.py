"""The problem ledger in a real browser, as the people who use it: the responsible person reports and
submits, the unit head passes 初审, the leader signs off inline on the list; 退回, two leaders at
once, and 对账销号 with its printable 对账单. Most flows run with JavaScript on (htmx swaps one row)
and off (the same forms post and the page reloads).
"""
import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.ledger import evidence, services
from app.ledger.models import EventKind, LedgerEvent, LedgerItem, RectifyType, State
from app.org.models import Role
from tests.browser.conftest import _open_page, screenshot_path
from tests.browser.helpers import A4_LANDSCAPE_PRINTABLE, login, logout
from tests.factories import make_bureau, make_campaign, make_item, make_user, today

# --- arranging ------------------------------------------------------------------------------------

def ledger_world():
    people = make_bureau()
    campaign = make_campaign()
    return {**people, "campaign": campaign}


def new_item(world, state: str = State.PENDING, **fields):
    """An item of 办公室 owned by staff and led by leader, moved on to `state` through the services."""
    item = make_item(unit=world["office"], owner=world["staff"], leader=world["leader"], campaign=world["campaign"],
                     **fields)
    steps = {
        State.IN_PROGRESS: lambda: services.report_progress(item, world["staff"], item.version, "已梳理办件流程。"),
        State.FIRST_REVIEW: lambda: services.submit(item, world["staff"], item.version, "已实行限时办结。"),
        State.SIGN_OFF: lambda: services.pass_first_review(item, world["head"], item.version),
    }
    for step, change in steps.items():
        if state == State.PENDING:
            break
        change()
        db.session.flush()  # bumps the version the next step checks
        if step == state:
            break
    return item


def item_ids(*items) -> list[int]:
    """Read the ids while the objects are loaded, then commit: the browser must find no open transaction."""
    ids = [item.id for item in items]
    db.session.commit()
    return ids


def signed_off_events(item_id: int) -> int:
    db.session.rollback()
    count = db.session.scalar(select(func.count()).select_from(LedgerEvent).where(
        LedgerEvent.item_id == item_id, LedgerEvent.kind == EventKind.SIGNED_OFF))
    db.session.rollback()
    return count


def write_pdf(path) -> bytes:
    """A small but real one-page PDF (valid xref offsets), as a scanner or Word would produce."""
    stream = b"BT /F1 18 Tf 72 760 Td (Rectification evidence: window service timetable) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return bytes(out)


# --- acting ---------------------------------------------------------------------------------------

def row(page, item_id: int):
    return page.locator(f"#ledger-item-{item_id}")


def open_ledger(page):
    """The 问题台账 link in the menu, as a person would (boosted with JavaScript on)."""
    page.locator(".nav").get_by_role("link", name="问题台账").click()
    expect(page.get_by_role("heading", name="问题台账")).to_be_visible()


def mark_page(page, other_item_id: int) -> None:
    """Tag the window, the body and another row's DOM node, to prove later that only one row was swapped."""
    page.evaluate("""(rowId) => {
        window.__notReloaded = true;
        document.body.__marker = 'body';
        document.getElementById(rowId).__marker = 'other row';
    }""", f"ledger-item-{other_item_id}")


def marks(page, other_item_id: int) -> dict:
    return page.evaluate("""(rowId) => ({
        window: window.__notReloaded === true,
        body: document.body.__marker,
        otherRow: document.getElementById(rowId).__marker,
    })""", f"ledger-item-{other_item_id}")


def open_confirm(page, item_id: int, button: str):
    """Press a row's 初审通过 / 销号 / 退回: the row turns into its confirm step (htmx), or the list
    comes back with it (without JavaScript)."""
    link = row(page, item_id).get_by_role("link", name=button, exact=True)
    if page.javascript:
        link.click()
    else:
        with page.expect_navigation():
            link.click()
    expect(row(page, item_id).locator(".confirm-step")).to_be_visible()


def confirm_in_row(page, item_id: int, button: str, reason: str | None = None):
    """Confirm in the row's confirm step. Without JavaScript that is a form post and a new page: wait
    for it and return its response; with JavaScript htmx swaps the row and nothing navigates."""
    step = row(page, item_id)
    if reason is not None:
        step.get_by_label("退回原因（必填，限500字）").fill(reason)
    confirm = step.get_by_role("button", name=f"确认{button}", exact=True)
    if page.javascript:
        confirm.click()
        return None
    with page.expect_navigation() as navigation:
        confirm.click()
    return navigation.value


def click_in_row(page, item_id: int, button: str, reason: str | None = None):
    """A row's button and then its confirm step's: the response as confirm_in_row gives it."""
    open_confirm(page, item_id, button)
    return confirm_in_row(page, item_id, button, reason)


def row_buttons(page, item_id: int):
    return row(page, item_id).locator(".row-actions .btn")


def expect_row_state(page, item_id: int, label: str):
    expect(row(page, item_id).locator(".tag[class*=state-]")).to_have_text(label)


@pytest.fixture
def another_page(browser, live_server, request):
    """A second browser (its own cookies) with JavaScript as on the test's `page`: open(javascript)."""
    opened = []

    def open_page(javascript: bool):
        context, page = _open_page(browser, javascript=javascript)
        page.javascript = javascript
        opened.append((context, page))
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    for number, (context, page) in enumerate(opened, start=2):
        path = screenshot_path(request.config, f"{request.node.name}-page{number}-failed")
        if report is not None and report.failed:
            page.screenshot(path=str(path), full_page=True)
        else:
            path.unlink(missing_ok=True)
        context.close()


# --- the closed loop ------------------------------------------------------------------------------

def test_report_submit_first_review_and_sign_off_inline(app, live_server, page, screenshot, tmp_path):
    world = ledger_world()
    item = new_item(world)
    other = new_item(world, State.IN_PROGRESS, description="公文办理超时限，督促不到位。")
    item_id, other_id = item_ids(item, other)
    evidence_path = tmp_path / "整改佐证材料.pdf"
    pdf = write_pdf(evidence_path)

    # 1. The responsible person opens the item from 问题台账 and reports progress with a file.
    login(page, live_server, "staff")
    open_ledger(page)
    row(page, item_id).locator("td").first.get_by_role("link").click()
    expect(page).to_have_url(live_server.url(f"/ledger/{item_id}"))
    code = page.locator(".page-header h1").inner_text()
    expect(page.locator(".page-header .tag").first).to_have_text("待整改")
    page.get_by_label("整改进展").fill("已梳理窗口办件流程，制定限时办结制度。")
    page.get_by_label("佐证材料").set_input_files(evidence_path)
    page.get_by_role("button", name="保存反馈").click()
    expect(page.locator(".flash")).to_contain_text("情况反馈已保存。上传佐证材料 1 个。")
    expect(page).to_have_url(live_server.url(f"/ledger/{item_id}"))
    expect(page.locator(".page-header .tag").first).to_have_text("整改中")
    timeline = page.locator("ol.events")
    progress = timeline.locator("li.event-progress")
    expect(progress).to_contain_text("情况反馈")
    expect(progress).to_contain_text("已梳理窗口办件流程，制定限时办结制度。")
    link = progress.get_by_role("link", name="整改佐证材料.pdf")
    expect(link).to_have_attribute("href", re.compile(r"^/ledger/evidence/\d+$"))
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "整改佐证材料.pdf"
    assert open(download.value.path(), "rb").read() == pdf
    expect(progress.get_by_role("link", name="整改佐证材料.pdf")).to_be_visible()  # still on the item's page

    # ... and, done, submits for 初审 with 完成情况.
    page.get_by_label("完成情况").fill("限时办结制度已施行一个月，群众往返次数明显下降。")
    page.get_by_role("button", name="提交初审").click()
    expect(page.locator(".flash")).to_contain_text("已提交审核。")
    expect(page.locator(".page-header .tag").first).to_have_text("待初审")
    expect(timeline.locator("li.event-submitted")).to_contain_text("整改中 → 待初审")
    expect(page.locator("table.fields")).to_contain_text("限时办结制度已施行一个月")
    logout(page)

    # 2. The unit head passes 初审 right on the list.
    login(page, live_server, "head")
    open_ledger(page)
    expect_row_state(page, item_id, "待初审")
    expect(row_buttons(page, other_id)).to_have_count(0)  # 整改中: nothing to review
    click_in_row(page, item_id, "初审通过")
    expect_row_state(page, item_id, "待销号")
    if page.javascript:
        expect(row(page, item_id).locator(".row-message")).to_have_text("初审通过，已转分管领导销号。")
    else:
        expect(page.locator(".flash")).to_contain_text("初审通过，已转分管领导销号。")
        expect(page).to_have_url(re.compile(rf"/ledger/\??#ledger-item-{item_id}$"))
    expect(row(page, item_id).get_by_role("link", name="初审通过")).to_have_count(0)
    logout(page)

    # 3. The leader signs off on the list.
    login(page, live_server, "leader")
    open_ledger(page)
    expect_row_state(page, item_id, "待销号")
    list_url = page.url
    if page.javascript:
        mark_page(page, other_id)
        with page.expect_response(lambda r: r.url.endswith(f"/ledger/{item_id}/sign-off")) as answer:
            click_in_row(page, item_id, "销号")
        assert answer.value.status == 200
        assert answer.value.request.headers.get("hx-request") == "true"
        expect_row_state(page, item_id, "已销号")
        expect(row(page, item_id).locator(".row-message")).to_have_text("已销号。")
        assert marks(page, other_id) == {"window": True, "body": "body", "otherRow": "other row"}
        assert page.url == list_url
        expect(page.locator(".flash")).to_have_count(0)
    else:
        response = click_in_row(page, item_id, "销号")
        assert response.status == 200
        expect(page).to_have_url(re.compile(rf"/ledger/\??#ledger-item-{item_id}$"))
        expect(page.locator(".flash")).to_contain_text("已销号。")
        expect_row_state(page, item_id, "已销号")
        expect(row(page, item_id)).to_be_in_viewport()
    expect(page.locator(f"#ledger-item-{item_id}")).to_have_count(1)
    expect(row_buttons(page, item_id)).to_have_count(0)
    expect_row_state(page, other_id, "整改中")

    # The item's page: the whole timeline, one cycle.
    row(page, item_id).get_by_role("link", name=code).click()
    expect(page.locator(".page-header .tag").first).to_have_text("已销号")
    expect(timeline.locator("li.event")).to_have_count(5)
    expect(timeline.locator("li.event-signed_off")).to_contain_text("待销号 → 已销号")
    expect(page.locator("table.fields")).to_contain_text("销号")
    screenshot(page, "timeline")
    assert signed_off_events(item_id) == 1
    assert page.errors == []


# --- 退回 -----------------------------------------------------------------------------------------

def test_return_inline_with_and_without_a_reason(app, live_server, page):
    world = ledger_world()
    first = new_item(world, State.SIGN_OFF)
    second = new_item(world, State.SIGN_OFF, description="会议室预约无记录，使用混乱。")
    first_id, second_id = item_ids(first, second)

    login(page, live_server, "leader")
    open_ledger(page)

    # With a reason: back to 整改中.
    click_in_row(page, first_id, "退回", reason="佐证材料不全，请补充制度文本。")
    expect_row_state(page, first_id, "整改中")
    if page.javascript:
        expect(row(page, first_id).locator(".row-message")).to_have_text("已退回，责任人将继续整改。")
    else:
        expect(page.locator(".flash")).to_contain_text("已退回，责任人将继续整改。")
        expect(page).to_have_url(re.compile(rf"/ledger/\??#ledger-item-{first_id}$"))
    expect(row_buttons(page, first_id)).to_have_count(0)

    # Without one: refused in Chinese, nothing changes, and the row still asks, on the list.
    response = click_in_row(page, second_id, "退回", reason="")
    message = "退回时请填写退回原因。"
    if page.javascript:
        expect(row(page, second_id).locator(".row-error")).to_have_text(message)
        expect(page.locator(f"#ledger-item-{second_id}")).to_have_count(1)
    else:
        assert response.status == 200
        expect(page).to_have_url(re.compile(rf"/ledger/\?confirm={second_id}&do=return#ledger-item-{second_id}$"))
        expect(page.locator(".flash-error")).to_have_text(message)
    expect(row(page, second_id).get_by_label("退回原因（必填，限500字）")).to_be_visible()
    # The row carries the current version: try again, now with a reason.
    confirm_in_row(page, second_id, "退回", reason="台账未附预约记录。")
    expect_row_state(page, second_id, "整改中")
    if not page.javascript:
        expect(page.locator(".flash")).to_contain_text("已退回，责任人将继续整改。")

    db.session.rollback()
    notes = db.session.scalars(select(LedgerEvent.note).where(
        LedgerEvent.kind == EventKind.RETURNED).order_by(LedgerEvent.item_id)).all()
    assert notes == ["佐证材料不全，请补充制度文本。", "台账未附预约记录。"]
    db.session.rollback()
    assert page.errors == []


# --- the confirm step ----------------------------------------------------------------------------

def test_the_confirm_step_shows_what_is_signed_off_and_cancel_undoes_a_slip(app, live_server, page, screenshot,
                                                                             tmp_path):
    """销号 on a row first shows the 完成情况 and the 佐证材料 (which open); 取消 gives the row back."""
    world = ledger_world()
    item = new_item(world, State.SIGN_OFF)
    pdf = write_pdf(tmp_path / "x.pdf")
    first_report = next(e for e in item.events if e.kind == EventKind.PROGRESS)  # the file hangs on it
    upload = FileStorage(io.BytesIO(pdf), filename="限时办结制度.pdf")
    db.session.add(evidence.store(evidence.check(upload), item, first_report, world["staff"]))
    (item_id,) = item_ids(item)

    page.set_viewport_size({"width": 1024, "height": 768})
    login(page, live_server, "leader")
    open_ledger(page)
    open_confirm(page, item_id, "销号")
    step = row(page, item_id).locator(".confirm-step")
    expect(step).to_contain_text("完成情况：已实行限时办结。")
    expect(step).to_contain_text("佐证材料 1 个")
    with page.expect_download() as download:
        step.get_by_role("link", name="限时办结制度.pdf").click()
    assert open(download.value.path(), "rb").read() == pdf
    expect(step.get_by_label("意见（可选，限500字）")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024
    screenshot(page, "confirm")

    cancel = step.get_by_role("link", name="取消")
    if page.javascript:
        cancel.click()
    else:
        with page.expect_navigation():
            cancel.click()
    expect_row_state(page, item_id, "待销号")
    expect(row(page, item_id).get_by_role("link", name="销号", exact=True)).to_be_visible()
    assert signed_off_events(item_id) == 0
    assert page.errors == []


# --- two leaders at once --------------------------------------------------------------------------

def test_second_leader_on_a_stale_page_gets_the_conflict(app, live_server, page, another_page, screenshot):
    world = ledger_world()
    make_user(Role.LEADER, unit=world["bureau"], username="leader2", full_name="王副局长",
              portfolio_units=[world["office"]])
    item = new_item(world, State.SIGN_OFF)
    (item_id,) = item_ids(item)
    page_b = another_page(page.javascript)

    login(page, live_server, "leader")
    login(page_b, live_server, "leader2")
    for each in (page, page_b):
        open_ledger(each)
        expect_row_state(each, item_id, "待销号")

    open_confirm(page_b, item_id, "销号")  # B is looking at the confirm step ...
    click_in_row(page, item_id, "销号")  # ... when A signs off
    expect_row_state(page, item_id, "已销号")

    response = confirm_in_row(page_b, item_id, "销号")
    conflict = "该问题刚被他人处理过，当前状态为「已销号」。请查看最新情况后再销号。"
    if page_b.javascript:
        expect(row(page_b, item_id).locator(".row-error")).to_have_text(conflict)
    else:
        assert response.status == 200  # back on the list, told why
        expect(page_b).to_have_url(re.compile(rf"/ledger/\??#ledger-item-{item_id}$"))
        expect(page_b.locator(".flash-error")).to_have_text(conflict)
    expect_row_state(page_b, item_id, "已销号")
    expect(row_buttons(page_b, item_id)).to_have_count(0)
    screenshot(page_b, "stale")

    assert signed_off_events(item_id) == 1
    db.session.rollback()
    closed_by = db.session.get(LedgerItem, item_id).closed_by.username
    db.session.rollback()
    assert closed_by == "leader"
    assert page.errors == [] and page_b.errors == []


# --- 对账销号 -------------------------------------------------------------------------------------

def test_reconcile_signs_off_one_after_another_and_prints(app, live_server, page_js, screenshot):
    page = page_js
    world = ledger_world()
    first = new_item(world, State.SIGN_OFF)
    second = new_item(world, State.SIGN_OFF, description="会议室预约无记录，使用混乱。", category="工作作风")
    new_item(world, State.IN_PROGRESS, description="公务用车登记不全。", due_on=today() - timedelta(days=3))
    first_id, second_id = item_ids(first, second)

    login(page, live_server, "leader")
    page.locator(".nav").get_by_role("link", name="对账销号").click()
    expect(page.get_by_role("heading", name="对账销号：办公室")).to_be_visible()
    expect(page.locator(".card h2").first).to_have_text("待销号（2）")
    counts = page.locator(".card.counts")
    expect(counts).to_contain_text("问题总数 3")
    mark_page(page, second_id)

    click_in_row(page, first_id, "销号")
    expect_row_state(page, first_id, "已销号")
    click_in_row(page, second_id, "销号")
    expect_row_state(page, second_id, "已销号")
    expect(row(page, second_id).locator(".row-message")).to_have_text("已销号。")
    assert page.evaluate("() => window.__notReloaded") is True

    page.reload()
    expect(page.get_by_role("heading", name="已销号（2）")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("待销号"))).to_have_count(0)
    expect(counts).to_contain_text(re.compile(r"已销号\s*2（66%）"))
    expect(counts).to_contain_text(re.compile(r"逾期\s*1"))

    page.get_by_role("link", name="打印对账单").click()
    expect(page).to_have_url(live_server.url(f"/ledger/reconcile/{world_office_id(page)}/print"))
    expect(page.get_by_role("heading", name="问题台账对账单")).to_be_visible()
    # The print page's own stylesheet, not the application's (a boosted swap would keep app.css).
    sheets = page.evaluate("() => Array.from(document.styleSheets).map(s => s.href)")
    assert [s.rsplit("/", 1)[-1].split("?")[0] for s in sheets] == ["print.css"]
    expect(page.locator("table.doc").last.locator("tbody tr")).to_have_count(3)
    expect(page.locator(".signatures")).to_contain_text("分管领导（签字）")
    page.emulate_media(media="print")
    expect(page.locator(".toolbar")).to_be_hidden()
    # What lands on paper: A4 landscape less the @page margins (264 x 186 mm) at 96 px to the inch.
    page.set_viewport_size(A4_LANDSCAPE_PRINTABLE)
    path = screenshot(page, "print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    path.with_suffix(".pdf").write_bytes(pdf)
    assert re.search(rb"/Count (\d+)", pdf).group(1) == b"1"  # one sheet ...
    width, height = (float(n) for n in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width), round(height)) == (842, 595)  # ... of A4 landscape, in points
    assert page.errors == []


def world_office_id(page) -> int:
    return int(re.search(r"/reconcile/(\d+)", page.url).group(1))


# --- how the list looks ---------------------------------------------------------------------------

def test_list_with_overdue_supervised_and_due_soon_rows(app, live_server, page_js, screenshot):
    page = page_js
    world = ledger_world()
    day = today()
    overdue = new_item(world, State.IN_PROGRESS, due_on=day - timedelta(days=5),
                       description="窗口工作人员上班时间玩手机，群众等候时间长，多次被投诉且未及时整改到位。" * 2)
    soon = new_item(world, State.SIGN_OFF, due_on=day + timedelta(days=3), description="公文流转慢。")
    supervised = new_item(world, State.FIRST_REVIEW, description="下基层调研走过场。", category="工作作风")
    services.supervise(supervised, world["leader"], supervised.version, "月底前整改到位，报送整改报告。")
    db.session.flush()
    long_term = new_item(world, description="理论学习坚持不够。", rectify_type=RectifyType.LONG_TERM, due_on=None)
    overdue_id, soon_id, supervised_id, long_term_id = item_ids(overdue, soon, supervised, long_term)

    login(page, live_server, "leader")
    open_ledger(page)
    expect(row(page, overdue_id)).to_have_class(re.compile(r"\boverdue\b"))
    expect(row(page, overdue_id).locator(".tag-danger")).to_have_text("逾期")
    expect(row(page, soon_id)).to_have_class(re.compile(r"\bdue-soon\b"))
    expect(row(page, soon_id).locator(".tag-warning")).to_have_text("临期")
    expect(row(page, supervised_id)).to_have_class(re.compile(r"\bsupervised\b"))
    expect(row(page, supervised_id).locator(".tag-danger")).to_have_text("督办")
    expect(row(page, long_term_id).locator("td").nth(7)).to_have_text("长期")
    # Nothing spills out of the page: the table fits the 1280 px window.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1280, width
    screenshot(page, "list")
    assert page.errors == []


# --- choosing people ------------------------------------------------------------------------------

def test_choosing_the_responsible_person_and_leader_by_name_or_unit(app, live_server, page, screenshot):
    """登记问题 as 专项办: nobody is responsible until chosen; with JavaScript a box narrows each select
    by name or unit and choosing the unit proposes its 分管 leader; without it the plain selects do."""
    world = ledger_world()
    finance_leader = make_user(Role.LEADER, unit=world["bureau"], username="leader2", full_name="钱副局长",
                               portfolio_units=[world["other"]])
    clerk = make_user(unit=world["other"], username="clerk", full_name="孙会计")
    finance_leader_id, clerk_id, finance_id = finance_leader.id, clerk.id, world["other"].id
    finance_people = [world["other_head"].full_name, world["other_staff"].full_name, "孙会计"]
    db.session.commit()

    page.set_viewport_size({"width": 1024, "height": 768})
    login(page, live_server, "admin")
    page.goto(live_server.url("/ledger/new"))
    owner, leader = page.get_by_label("责任人", exact=True), page.get_by_label("责任领导", exact=True)
    expect(owner).to_have_value("0")
    if page.javascript:
        page.get_by_label("筛选责任人").fill("财务股")  # by unit: only 财务股's people are left
        expect(owner.locator("option")).to_have_text(["（请选择责任人）", *finance_people])
        page.get_by_label("筛选责任人").fill("孙")  # by name: the one left is chosen
        expect(owner).to_have_value(str(clerk_id))
        page.get_by_label("筛选责任领导").fill("财务")  # a leader by the units in the portfolio
        expect(leader.locator("option")).to_have_text(["（请选择）", "钱副局长"])
        page.get_by_label("筛选责任领导").fill("")
        page.get_by_label("责任单位").select_option(str(finance_id))
        expect(leader).to_have_value(str(finance_leader_id))  # 财务股's 分管 leader, proposed
    else:
        expect(page.locator(".select-filter")).to_have_count(0)
        page.get_by_label("责任单位").select_option(str(finance_id))
        page.get_by_label("问题描述").fill("报销审核时限过长。")
        page.get_by_label("整改措施").fill("压缩审核环节。")
        page.get_by_label("整改类型").select_option(label="长期坚持")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("请选择责任人。")).to_be_visible()  # asked, not made responsible
        owner.select_option(str(clerk_id))
        leader.select_option(str(finance_leader_id))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024
    screenshot(page, "choosing")
    page.get_by_label("问题描述").fill("报销审核时限过长。")
    page.get_by_label("整改措施").fill("压缩审核环节。")
    page.get_by_label("整改类型").select_option(label="长期坚持")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_contain_text("已登记问题 财务股-001")
    db.session.rollback()
    item = db.session.scalars(select(LedgerItem).where(LedgerItem.unit_id == finance_id)).one()
    assert (item.owner_id, item.leader_id) == (clerk_id, finance_leader_id)
    db.session.rollback()
    assert page.errors == []
