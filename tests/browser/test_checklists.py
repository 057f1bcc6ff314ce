"""自查清单 in a real browser, with JavaScript on and off: a member of staff fills the checklist and
submits two problems; the unit head returns it inline, the member fixes it, the head passes it
inline; two ledger items appear. Also: the details show only for 是 (with and without
JavaScript), 保存草稿 comes back to the part it was pressed in, the draft saves itself, and a login
that ended meanwhile leads, through the login, back to the saved draft.
"""
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.checklists import services
from app.checklists.models import InspectionState, SelfInspection
from app.extensions import db
from app.ledger.models import LedgerItem, Source
from tests.browser.helpers import login, logout
from tests.checklists.factories import items_of, make_checklist, with_problems
from tests.factories import PASSWORD, make_bureau, make_campaign, today

PLANNED = (today() + timedelta(days=30)).isoformat()


@pytest.fixture
def world(app):
    people = make_bureau()
    campaign = make_campaign()
    template = make_checklist(people["admin"], campaign)
    ids = {"template_id": template.id, "item_ids": [item.id for item in items_of(template)],
           "staff_id": people["staff"].id}
    db.session.commit()
    return {**people, "campaign": campaign, "template": template, **ids}


def item(page, item_id: int):
    return page.locator(f"#item-{item_id}")


def answer(page, item_id: int, has_problem: bool, manifestation: str = "", measures: str = "", planned: str = ""):
    block = item(page, item_id)
    block.get_by_label("是" if has_problem else "否", exact=True).check()
    if has_problem:
        block.get_by_label("具体表现").fill(manifestation)
        block.get_by_label("整改措施").fill(measures)
        if planned:
            block.get_by_label("计划完成日期").fill(planned)


def submit_form(page, button: str):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def open_my_checklist(page, link: str):
    page.locator(".nav").get_by_role("link", name="自查清单").click()
    expect(page.get_by_role("heading", name="自查清单", exact=True)).to_be_visible()
    page.get_by_role("link", name=link).click()
    expect(page.locator(".page-header h1")).to_have_text("自查表：个人自查清单")


def person_row(page, user_id: int):
    return page.locator(f"#checklist-person-{user_id}")


def click_in_row(page, user_id: int, button: str, reason: str | None = None):
    target = person_row(page, user_id)
    if reason is not None:
        target.get_by_placeholder("退回原因").fill(reason)
    if page.javascript:
        target.get_by_role("button", name=button, exact=True).click()
    else:
        with page.expect_navigation():
            target.get_by_role("button", name=button, exact=True).click()


def state_of(user_id: int):
    db.session.rollback()
    state = db.session.scalar(select(SelfInspection.state).where(SelfInspection.user_id == user_id))
    db.session.rollback()
    return state


def test_staff_fills_head_returns_staff_fixes_head_passes(app, live_server, page, screenshot, world):
    w = world
    first, second, third, fourth, fifth = w["item_ids"]

    # 1. The member of staff opens the checklist: only 是/否 show; the details open with 是, with
    #    JavaScript or without it (CSS alone), and close again with 否.
    login(page, live_server, "staff")
    open_my_checklist(page, "开始填写")
    details = item(page, first).locator(".answer-details")
    expect(details).to_be_hidden()
    item(page, first).get_by_label("是", exact=True).check()
    expect(details).to_be_visible()
    expect(item(page, first).get_by_label("整改措施")).to_be_visible()
    item(page, first).get_by_label("否", exact=True).check()
    expect(details).to_be_hidden()

    # Two problems, but the second without 整改措施: refused, in Chinese, next to the item, nothing lost.
    answer(page, first, True, "本人经办的两件公文超过承诺时限办结。", "建立经办事项台账，每周自查一次。", PLANNED)
    answer(page, second, False)
    answer(page, third, True, "上班迟到两次。", "")
    answer(page, fourth, False)
    answer(page, fifth, False)
    screenshot(page, "fill")
    submit_form(page, "提交")
    expect(page.locator(".flash-error").first).to_contain_text("未提交：还有 1 项没有填写完整")
    expect(item(page, third).locator(".error")).to_have_text("选择“是”时，须填写整改措施。")
    expect(item(page, first).get_by_label("具体表现")).to_have_value("本人经办的两件公文超过承诺时限办结。")
    expect(item(page, third).get_by_label("具体表现")).to_have_value("上班迟到两次。")
    expect(item(page, third).locator(".answer-details")).to_be_visible()
    expect(item(page, second).locator(".answer-details")).to_be_hidden()
    screenshot(page, "refused")
    assert state_of(w["staff_id"]) == InspectionState.DRAFT  # kept as a draft meanwhile

    item(page, third).get_by_label("整改措施").fill("严格遵守作息时间，提前到岗。")
    submit_form(page, "提交")
    expect(page.locator(".flash")).to_contain_text("自查表已提交，等待审核。")
    expect(page.locator(".page-header .tag")).to_have_text("已提交")
    expect(page.locator(".subtitle")).to_contain_text("查摆问题 2 个")
    logout(page)

    # 2. The unit head returns it on the list, with a reason.
    login(page, live_server, "head")
    page.locator(".nav").get_by_role("link", name="自查清单").click()
    page.get_by_role("link", name=re.compile("审核自查表")).click()
    expect(person_row(page, w["staff_id"]).locator(".tag")).to_have_text("已提交")
    screenshot(page, "review")
    click_in_row(page, w["staff_id"], "退回", reason="具体表现写得太简单，请写明是哪两件公文。")
    expect(person_row(page, w["staff_id"]).locator(".tag").first).to_have_text("已退回")
    if page.javascript:
        expect(person_row(page, w["staff_id"]).locator(".row-message")).to_have_text("已退回，填报人修改后将重新提交。")
    else:
        expect(page.locator(".flash")).to_contain_text("已退回，填报人修改后将重新提交。")
        expect(page).to_have_url(re.compile(rf"/checklists/review\?.*shown={w['staff_id']}#checklist-person-{w['staff_id']}$"))
        expect(person_row(page, w["staff_id"])).to_be_in_viewport()
    logout(page)

    # 3. The member of staff sees why, fixes the text and submits again.
    login(page, live_server, "staff")
    expect(page.locator(".todo-list")).to_contain_text("被退回，请修改后重新提交")
    open_my_checklist(page, "修改后重新提交")
    expect(page.locator(".flash-warning")).to_contain_text("具体表现写得太简单，请写明是哪两件公文。")
    item(page, first).get_by_label("具体表现").fill("本人经办的《关于报送年度统计数据的通知》等两件公文分别超时3天、5天办结。")
    submit_form(page, "提交")
    expect(page.locator(".page-header .tag")).to_have_text("已提交")
    logout(page)

    # 4. The unit head passes it on the list: two ledger items.
    login(page, live_server, "head")
    page.goto(live_server.url("/checklists/review?state=mine"))
    click_in_row(page, w["staff_id"], "通过")
    expect(person_row(page, w["staff_id"]).locator(".tag").first).to_have_text("已通过")
    message = "已审核通过。2 个问题已登记进入问题台账。"
    if page.javascript:
        expect(person_row(page, w["staff_id"]).locator(".row-message")).to_have_text(message)
    else:
        expect(page.locator(".flash")).to_contain_text(message)
    expect(person_row(page, w["staff_id"]).get_by_role("button")).to_have_count(0)
    page.locator(".nav").get_by_role("link", name="问题台账").click()
    rows = page.locator("table.ledger tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("自查发现")
    expect(page.locator("table.ledger")).to_contain_text("《关于报送年度统计数据的通知》")

    db.session.rollback()
    items = db.session.scalars(select(LedgerItem).order_by(LedgerItem.id)).all()
    assert [(i.source, i.category, i.owner_id) for i in items] == [
        (Source.SELF_INSPECTION, "工作效率", w["staff_id"]), (Source.SELF_INSPECTION, "纪律意识", w["staff_id"])]
    assert items[0].due_on.isoformat() == PLANNED and items[1].due_on is None
    db.session.rollback()
    assert page.errors == []


def test_the_draft_saves_itself_while_typing(app, live_server, page_js, world):
    page = page_js
    app.config["CHECKLIST_AUTOSAVE_SECONDS"] = 1
    login(page, live_server, "staff")
    page.goto(live_server.url(f"/checklists/fill/{world['template_id']}"))
    answer(page, world["item_ids"][0], True, "自动保存的具体表现", "自动保存的整改措施")
    expect(page.locator(".autosave-status")).to_contain_text("已自动保存草稿")  # within the default 10 s, busy or not
    db.session.rollback()
    inspection = db.session.scalar(select(SelfInspection).where(SelfInspection.user_id == world["staff_id"]))
    assert inspection.state == InspectionState.DRAFT
    assert any(a.manifestation == "自动保存的具体表现" for a in inspection.answers)
    db.session.rollback()
    # the page carries the saved version on: saving by hand afterwards is no conflict
    for other in world["item_ids"][1:]:
        answer(page, other, False)
    submit_form(page, "提交")
    expect(page.locator(".flash")).to_contain_text("自查表已提交")
    assert page.errors == []


def test_an_ended_login_expires_the_form_and_leads_back_to_the_saved_draft(app, live_server, page, world,
                                                                           screenshot):
    """The post after the login ended fails the CSRF check: 400, the form has expired (nothing
    posted is shown, a forged post could look the same), and 重新打开自查表 leads through the login
    to the draft as last saved."""
    login(page, live_server, "staff")
    url = live_server.url(f"/checklists/fill/{world['template_id']}")
    page.goto(url)
    items = world["item_ids"]
    answer(page, items[0], True, "保存过的具体表现。", "保存过的整改措施。")
    with page.expect_navigation():
        page.locator("#checklist-actions").get_by_role("button", name="保存草稿").click()
    answer(page, items[0], True, "保存以后才写的具体表现。", "同样很长的整改措施。")

    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=1)
    time.sleep(2.1)  # the session has ended
    submit_form(page, "提交")
    app.config["PERMANENT_SESSION_LIFETIME"] = lifetime
    expect(page.locator(".error-message")).to_contain_text("表单已过期")
    expect(page.locator("#main")).not_to_contain_text("保存以后才写的具体表现")
    screenshot(page, "expired")

    page.get_by_role("link", name="重新打开自查表").click()
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(url)
    expect(item(page, items[0]).get_by_label("具体表现")).to_have_value("保存过的具体表现。")
    for other in items[1:]:
        answer(page, other, False)
    submit_form(page, "提交")
    expect(page.locator(".flash")).to_contain_text("自查表已提交，等待审核。")
    assert state_of(world["staff_id"]) == InspectionState.SUBMITTED
    assert page.errors == []


def test_progress_page(app, live_server, page_js, world, screenshot):
    page = page_js
    template = world["template"]
    inspection = services.start(template, world["staff"])
    services.submit(inspection, world["staff"], inspection.version,
                    with_problems(template, {0: ("超时", "限时", None)}), today())
    db.session.commit()
    login(page, live_server, "admin")
    page.goto(live_server.url("/checklists/progress"))
    expect(page.get_by_role("heading", name="按单位")).to_be_visible()
    expect(page.locator("table.progress").first).to_contain_text("办公室")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1280, width
    screenshot(page, "admin")
    assert page.errors == []


def test_save_draft_comes_back_to_the_part_and_no_items_stay_one_line(app, live_server, page, screenshot, world):
    """A checklist answered 否 throughout is short; 保存草稿 in the third part opens the page there,
    with the confirmation in sight."""
    w = world
    login(page, live_server, "staff")
    page.goto(live_server.url(f"/checklists/fill/{w['template_id']}"))
    for item_id in w["item_ids"]:
        answer(page, item_id, False)
        box = item(page, item_id).bounding_box()
        assert box["height"] < 100, box  # the question and 是/否, no empty detail fields
    answer(page, w["item_ids"][3], True, "会议迟到一次。", "提前十分钟到会。")
    part = page.locator(".checklist-section").nth(3)
    with page.expect_navigation():
        part.get_by_role("button", name="保存草稿").click()
    expect(page).to_have_url(re.compile(r"#section-\d+$"))
    expect(part).to_be_in_viewport()
    expect(page.locator(".autosave-status")).to_contain_text("草稿已保存")
    expect(page.locator(".autosave-status")).to_be_in_viewport()
    expect(item(page, w["item_ids"][3]).get_by_label("整改措施")).to_have_value("提前十分钟到会。")
    screenshot(page, "saved")
