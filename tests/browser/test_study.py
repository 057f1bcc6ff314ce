"""学习教育 in a real browser, JavaScript on and off: signing in to a session (and being refused once
the window has closed), the organiser's attendance sheet, marking a reading 已阅, writing and
submitting a reflection, and the unit head reviewing it inline (退回修改, then 合格).
"""
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.study.models import Attendance, Reading, ReadingAck, ReadingKind, Reflection, SessionKind, StudySession
from app.study.services import MIN_REFLECTION_LENGTH
from tests.browser.helpers import flash_text, login, logout
from tests.factories import make_bureau, make_campaign

REFLECTION = ("参加集中学习后，我对照五方面重点内容查摆了自身在工作效率、服务群众方面的不足。"
              "纪律作风的好坏，反映的是干部职工的精神状态，直接关系着工作的落实。"
              "今后我将以身边典型案例为镜鉴，严格遵守各项规章制度，做到立行立改。") * 3


def study_world():
    people = make_bureau()
    campaign = make_campaign()
    return {**people, "campaign": campaign}


def new_session(world, title, opens_in=timedelta(minutes=-20), closes_in=timedelta(minutes=40), **fields):
    now = datetime.now(UTC)
    session = StudySession(
        campaign_id=world["campaign"].id, kind=fields.pop("kind", SessionKind.CENTRAL), title=title,
        starts_at=now + opens_in + timedelta(minutes=10), ends_at=now + opens_in + timedelta(hours=2),
        place="办公室会议室", signin_opens_at=now + opens_in, signin_closes_at=now + closes_in,
        target_units=[world["office"]], organiser_id=world["head"].id, organiser_unit_id=world["office"].id,
        materials="《中国共产党纪律处分条例》 https://www.12371.cn/", **fields,
    )
    db.session.add(session)
    db.session.flush()
    return session


def ids_then_commit(*records) -> list[int]:
    ids = [record.id for record in records]
    db.session.commit()
    return ids


def fresh(query):
    """Read the database after the browser acted (and leave no transaction open for the next step)."""
    db.session.rollback()
    result = db.session.execute(query).all()
    db.session.rollback()
    return result


def open_study(page, tab: str | None = None):
    page.locator(".nav").get_by_role("link", name="学习教育").click()
    expect(page.get_by_role("heading", name="学习教育")).to_be_visible()
    if tab:
        page.locator(".area-tabs").get_by_role("link", name=tab).click()
        expect(page.locator(".area-tabs a.active")).to_have_text(tab)


def click(page, locator):
    """A button that posts: without JavaScript wait for the new page; with it htmx swaps in place."""
    if page.javascript:
        locator.click()
        return None
    with page.expect_navigation() as navigation:
        locator.click()
    return navigation.value


def mark_page(page):
    page.evaluate("() => { window.__notReloaded = true; }")


def not_reloaded(page) -> bool:
    return page.evaluate("() => window.__notReloaded === true")


# --- 签到 ------------------------------------------------------------------------------------------

def test_sign_in_to_a_session_and_be_refused_after_the_window(app, live_server, page, screenshot):
    world = study_world()
    open_now = new_session(world, "集中学习《中国共产党纪律处分条例》")
    closing = new_session(world, "以案促改专题讨论")
    open_id, closing_id = ids_then_commit(open_now, closing)

    login(page, live_server, "staff")
    expect(page.locator(".todo-list")).to_contain_text("学习活动正在签到，请及时签到")
    open_study(page)
    row = page.locator(f"#study-session-{open_id}")
    expect(row.locator(".tag.stage-signin")).to_have_text("签到中")
    if page.javascript:
        mark_page(page)
    response = click(page, row.get_by_role("button", name="签到"))
    row = page.locator(f"#study-session-{open_id}")
    expect(row.locator(".tag.attendance-present")).to_have_text("已签到")
    expect(row.get_by_role("button", name="签到")).to_have_count(0)
    if page.javascript:
        expect(row.locator(".row-message")).to_have_text("签到成功。")
        assert not_reloaded(page)
    else:
        assert response.status == 200
        expect(page).to_have_url(re.compile(rf"/study/\??#study-session-{open_id}$"))
        assert "签到成功。" in flash_text(page)
    screenshot(page, "signed-in")
    [(record,)] = fresh(select(Attendance).where(Attendance.session_id == open_id))
    assert record.status == "present" and record.signed_in_at is not None

    # The other session's window closes while the page is open: the stale button is refused.
    db.session.get(StudySession, closing_id).signin_closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    response = click(page, page.locator(f"#study-session-{closing_id}").get_by_role("button", name="签到"))
    if page.javascript:
        expect(page.locator(f"#study-session-{closing_id} .row-error")).to_contain_text("签到已结束")
        expect(page.locator(f"#study-session-{closing_id}").get_by_role("button", name="签到")).to_have_count(0)
    else:
        assert response.status == 409
        expect(page.locator(".flash-error")).to_contain_text("签到已结束")
        expect(page.locator(".page-header h1")).to_have_text("以案促改专题讨论")
    assert fresh(select(Attendance).where(Attendance.session_id == closing_id)) == []

    # On the session's own page: the materials as a link, and 已签到 in the panel.
    page.goto(live_server.url(f"/study/sessions/{open_id}"))
    expect(page.locator("#materials a")).to_have_attribute("href", "https://www.12371.cn/")
    expect(page.locator(f"#signin-{open_id} .tag")).to_have_text("已签到")
    assert page.errors == []


def test_sign_in_from_the_session_page(app, live_server, page):
    world = study_world()
    (session_id,) = ids_then_commit(new_session(world, "观看警示教育片《镜鉴》", kind=SessionKind.WARNING_FILM))
    login(page, live_server, "staff")
    page.goto(live_server.url(f"/study/sessions/{session_id}"))
    panel = page.locator(f"#signin-{session_id}")
    click(page, panel.get_by_role("button", name="签到"))
    expect(page.locator(f"#signin-{session_id} .tag")).to_have_text("已签到")
    if page.javascript:
        expect(page.locator(f"#signin-{session_id} .row-message")).to_have_text("签到成功。")
    else:
        assert "签到成功。" in flash_text(page)
    assert page.errors == []


def test_the_organiser_records_attendance_on_the_sheet(app, live_server, page):
    world = study_world()
    session = new_session(world, "办公室分组讨论", opens_in=timedelta(hours=-3), closes_in=timedelta(hours=-2))
    session_id, staff_id, admin_id, head_id = ids_then_commit(session, world["staff"], world["admin"], world["head"])

    login(page, live_server, "head")
    page.goto(live_server.url(f"/study/sessions/{session_id}"))
    page.get_by_role("link", name="考勤登记").click()
    expect(page).to_have_url(re.compile(rf"/study/sessions/{session_id}/attendance$"))
    staff_name = page.locator(f"#attendee-{staff_id} td").nth(1).inner_text()
    page.get_by_label(f"{staff_name}的出勤情况").select_option(label="请假")
    page.locator(f"#attendee-{admin_id} select").select_option(label="出席")
    page.locator(f"#attendee-{head_id} select").select_option(label="出席")
    page.get_by_role("button", name="保存出勤登记").click()
    expect(page.locator(".flash-error")).to_contain_text(f"请假须填写事由：{staff_name}。")
    page.get_by_label(f"{staff_name}的请假事由").fill("参加县里业务培训")
    page.get_by_role("button", name="保存出勤登记").click()
    expect(page.locator(".flash")).to_contain_text("出勤登记已保存（3 人有变化）。")
    counts = page.locator("p.counts")
    expect(counts).to_contain_text("应到 3 人")
    expect(counts).to_contain_text("出席 2 人")
    expect(counts).to_contain_text("请假 1 人")
    expect(counts).to_contain_text("出勤率 66%")
    statuses = dict(fresh(select(Attendance.user_id, Attendance.status).where(Attendance.session_id == session_id)))
    assert statuses == {staff_id: "leave", admin_id: "present", head_id: "present"}
    assert page.errors == []


# --- 已阅 ------------------------------------------------------------------------------------------

def test_mark_a_reading_read(app, live_server, page):
    world = study_world()
    readings = [
        Reading(campaign_id=world["campaign"].id, kind=ReadingKind.WARNING_CASE, sort_order=i, created_by_id=world["admin"].id,
                title=title, summary="案情与教训。")
        for i, title in enumerate(["案例一：窗口工作人员吃拿卡要被查处", "案例二：上班时间玩手机游戏被通报"])
    ]
    db.session.add_all(readings)
    db.session.flush()
    first_id, second_id = ids_then_commit(*readings)

    login(page, live_server, "staff")
    open_study(page, "学习资料与警示教育书录")
    expect(page.locator("#my-reading-count")).to_contain_text("我应阅读 2 篇，已阅 0 篇")
    if page.javascript:
        mark_page(page)
    response = click(page, page.locator(f"#reading-{first_id}").get_by_role("button", name="已阅"))
    row = page.locator(f"#reading-{first_id}")
    expect(row).to_have_class("read")
    expect(row.locator(".tag.attendance-present")).to_have_text("已阅")
    expect(page.locator("#my-reading-count")).to_contain_text("我应阅读 2 篇，已阅 1 篇，还有 1 篇未阅")
    if page.javascript:
        expect(row.locator(".row-message")).to_have_text("已标记为已阅。")
        assert not_reloaded(page)
    else:
        assert response.status == 200
        expect(page).to_have_url(re.compile(rf"/study/readings\??#reading-{first_id}$"))
        assert "已标记为已阅。" in flash_text(page)
    expect(page.locator(f"#reading-{second_id}").get_by_role("button", name="已阅")).to_be_visible()
    assert fresh(select(ReadingAck.reading_id)) == [(first_id,)]
    assert page.errors == []


# --- 学习心得 ---------------------------------------------------------------------------------------

def review_row(page, reflection_id):
    return page.locator(f"#reflection-{reflection_id}")


def test_write_submit_and_review_a_reflection(app, live_server, page, screenshot):
    world = study_world()
    session_id, world_head_id = ids_then_commit(
        new_session(world, "专题党课：以过硬作风践行初心使命", kind=SessionKind.PARTY, opens_in=timedelta(days=-2),
                    closes_in=timedelta(days=-2, hours=1)), world["head"])

    # 1. staff writes on the session, saves a draft, then submits (too short first: refused).
    login(page, live_server, "staff")
    page.goto(live_server.url(f"/study/sessions/{session_id}"))
    page.get_by_role("link", name="撰写本次学习心得").click()
    expect(page).to_have_url(re.compile(rf"/study/reflections/new\?session={session_id}$"))
    expect(page.get_by_label("针对")).to_have_value(str(session_id))
    page.get_by_label("心得内容").fill("学习了，很有收获。")
    page.get_by_role("button", name="提交审阅").click()
    expect(page.locator(".flash-error")).to_contain_text(f"学习心得不少于 {MIN_REFLECTION_LENGTH} 字")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".flash")).to_contain_text("草稿已保存。")
    page.get_by_label("心得内容").fill(REFLECTION)
    page.get_by_role("button", name="提交审阅").click()
    expect(page.locator(".flash")).to_contain_text("学习心得已提交，等待审阅。")
    expect(page.locator(".page-header .tag")).to_have_text("待审阅")
    [(reflection_id,)] = fresh(select(Reflection.id))
    logout(page)

    # 2. The head returns it inline with a comment.
    login(page, live_server, "head")
    expect(page.locator(".todo-list")).to_contain_text("待我审阅的学习心得")
    open_study(page, "心得审阅")
    row = review_row(page, reflection_id)
    expect(row.locator(".tag")).to_have_text("待审阅")
    row.get_by_placeholder("修改意见").fill("请结合本职工作补充整改措施。")
    if page.javascript:
        mark_page(page)
    response = click(page, row.get_by_role("button", name="退回修改"))
    row = review_row(page, reflection_id)
    expect(row.locator(".tag")).to_have_text("退回修改")
    if page.javascript:
        expect(row.locator(".row-message")).to_have_text("已退回修改，作者将修改后重新提交。")
        assert not_reloaded(page)
    else:
        assert response.status == 200
        assert "已退回修改" in flash_text(page)
        expect(page).to_have_url(re.compile(rf"/study/reflections/review\??#reflection-{reflection_id}$"))
    logout(page)

    # 3. staff sees why, rewrites and submits again.
    login(page, live_server, "staff")
    page.locator(".todo-list").get_by_role("link", name="学习心得被退回，请修改后重新提交").click()
    expect(page).to_have_url(re.compile(r"/study/reflections$"))
    page.get_by_role("link", name="修改后重新提交").click()
    expect(page).to_have_url(re.compile(rf"/study/reflections/{reflection_id}/edit$"))
    expect(page.locator(".flash-warning")).to_contain_text("请结合本职工作补充整改措施。")
    page.get_by_label("心得内容").fill(REFLECTION + "下一步，我将在公文办理中落实限时办结。")
    page.get_by_role("button", name="提交审阅").click()
    expect(page.locator(".page-header .tag")).to_have_text("待审阅")
    logout(page)

    # 4. The head passes it inline.
    login(page, live_server, "head")
    open_study(page, "心得审阅")
    row = review_row(page, reflection_id)
    row.locator("summary").click()  # 展开全文: <details>, no script needed
    expect(row.locator(".reflection-text .pre")).to_contain_text("下一步，我将在公文办理中落实限时办结。")
    click(page, row.get_by_role("button", name="合格"))
    row = review_row(page, reflection_id)
    expect(row.locator(".tag")).to_have_text("合格")
    expect(row.get_by_role("button")).to_have_count(0)
    screenshot(page, "reviewed")
    [(state, reviewer_id)] = fresh(select(Reflection.state, Reflection.reviewed_by_id))
    assert (state, reviewer_id) == ("passed", world_head_id)
    assert page.errors == []


def test_the_organiser_cancels_a_session_and_it_shows_as_cancelled(app, live_server, page, screenshot):
    world = study_world()
    [session_id] = ids_then_commit(new_session(world, "制度建设专题学习", opens_in=timedelta(days=2),
                                               closes_in=timedelta(days=2, minutes=40)))
    login(page, live_server, "head")
    page.goto(live_server.url(f"/study/sessions/{session_id}"))
    page.get_by_label("取消原因（限500字）").fill("与县委中心组学习冲突，另行安排")
    with page.expect_navigation():
        page.get_by_role("button", name="取消本次活动").click()
    assert "已取消" in flash_text(page)
    expect(page.locator("#cancelled")).to_contain_text("与县委中心组学习冲突，另行安排")
    expect(page.get_by_role("link", name="考勤登记")).to_have_count(0)  # a cancelled session takes none
    screenshot(page, "detail")
    open_study(page)
    row = page.locator(f"#study-session-{session_id}")
    expect(row).to_contain_text("已取消")
    expect(row.get_by_role("button", name="签到")).to_have_count(0)
    screenshot(page, "list")
    assert page.errors == []
