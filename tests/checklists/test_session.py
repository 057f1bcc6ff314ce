"""A long 自查表 against the clock, with CSRF on as in production.

An hour spent on the page still submits (the CSRF token lives as long as the session, and the
session ends only after SESSION_IDLE_MINUTES without a request). When the login has ended, the post
comes back as the page with every character typed and a link to log in in another window. Login
gives the session a new CSRF token, so after logging in there the page's next post comes back once
more, everything still typed, with the new token; the press after that submits.
"""
import re
import time

import itsdangerous.timed
import pytest
from sqlalchemy import select

from app.checklists.models import InspectionState, SelfInspection
from app.extensions import db
from tests.checklists.factories import all_no, form_data, with_problems
from tests.factories import PASSWORD


class Clock:
    """Stands in for the `time` module where itsdangerous signs and checks cookies and tokens."""

    def __init__(self):
        self.offset = 0

    def time(self):
        return time.time() + self.offset

    def advance(self, minutes: int):
        self.offset += minutes * 60


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(itsdangerous.timed, "time", clock)
    return clock


@pytest.fixture
def csrf(app):
    app.config["WTF_CSRF_ENABLED"] = True


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def log_in(client, username="staff"):
    token = token_in(client.get("/auth/login").text)
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.text


def state_of(user_id):
    db.session.rollback()
    inspection = db.session.scalar(select(SelfInspection).where(SelfInspection.user_id == user_id))
    return inspection.state if inspection else None


def test_an_hour_on_the_page_still_submits(world, client, csrf, clock):
    log_in(client)
    url = f"/checklists/fill/{world['template'].id}"
    token = token_in(client.get(url).text)
    clock.advance(65)  # typing, without a single request
    data = form_data(world["template"], all_no(world["template"]), "submit")
    response = client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == 302
    assert state_of(world["staff"].id) == InspectionState.SUBMITTED


def test_after_the_login_ended_nothing_typed_is_lost_and_the_page_submits_after_logging_in(
        app, world, client, csrf, clock):
    template = world["template"]
    url = f"/checklists/fill/{template.id}"
    log_in(client)
    page = client.get(url).text
    answers = with_problems(template, {0: ("一个小时里写下的具体表现 <原样>", "逐条写好的整改措施", None)})
    typed = {**form_data(template, answers, "submit"), "csrf_token": token_in(page)}

    clock.advance(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 60 + 1)  # the session ends
    refused = client.post(url, data=typed)
    assert refused.status_code == 400
    kept = refused.text
    assert "登录已超时" in kept and "您填写的内容都还在本页" in kept
    assert "一个小时里写下的具体表现 &lt;原样&gt;" in kept and "逐条写好的整改措施" in kept
    assert re.search(r'<a href="/auth/login" target="_blank" rel="noopener">在新窗口中重新登录</a>', kept)
    assert state_of(world["staff"].id) is None

    # Another window of the same browser: the same cookies; log in there.
    other_window = app.test_client()
    other_window._cookies = client._cookies
    log_in(other_window)

    # Back on the kept page: its token was the ended session's, so it comes back once more, with
    # everything typed and the logged-in session's token; pressed again, it submits.
    once_more = client.post(url, data={**typed, "csrf_token": token_in(kept)})
    assert once_more.status_code == 400
    assert "您已重新登录" in once_more.text and "一个小时里写下的具体表现 &lt;原样&gt;" in once_more.text
    assert state_of(world["staff"].id) is None
    again = client.post(url, data={**typed, "csrf_token": token_in(once_more.text)})
    assert again.status_code == 302, again.text
    assert state_of(world["staff"].id) == InspectionState.SUBMITTED
    inspection = db.session.scalar(select(SelfInspection).where(SelfInspection.user_id == world["staff"].id))
    assert any(a.manifestation == "一个小时里写下的具体表现 <原样>" for a in inspection.answers)


def test_autosave_after_the_login_ended_says_so_and_brings_a_fresh_token(app, world, client, csrf, clock):
    template = world["template"]
    log_in(client)
    token = token_in(client.get(f"/checklists/fill/{template.id}").text)
    clock.advance(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 60 + 1)
    response = client.post(f"/checklists/fill/{template.id}/autosave", data=form_data(template, all_no(template)),
                           headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "登录已超时" in response.text and "在新窗口中重新登录" in response.text
    log_in(client)  # in the other window: a new session, a new token
    refused = client.post(f"/checklists/fill/{template.id}/autosave", data=form_data(template, all_no(template)),
                          headers={"X-CSRFToken": response.headers["X-CSRF-Token"]})
    assert refused.status_code == 400 and "您已重新登录" in refused.text
    saved = client.post(f"/checklists/fill/{template.id}/autosave", data=form_data(template, all_no(template)),
                        headers={"X-CSRFToken": refused.headers["X-CSRF-Token"]})
    assert saved.status_code == 200 and "已自动保存草稿" in saved.text


def test_logged_out_elsewhere_the_post_keeps_the_text_too(world, client, csrf):
    """The session lives on but its login does not (logged out on another computer): 401, text kept."""
    template = world["template"]
    log_in(client)
    page = client.get(f"/checklists/fill/{template.id}").text
    user = world["staff"]
    user.end_all_sessions()
    db.session.commit()
    data = form_data(template, with_problems(template, {0: ("写到一半", "", None)}), "draft")
    response = client.post(f"/checklists/fill/{template.id}", data={**data, "csrf_token": token_in(page)})
    assert response.status_code == 401
    assert "登录已超时" in response.text and "写到一半" in response.text


def test_other_pages_still_get_the_plain_csrf_error(world, client, csrf):
    log_in(client)
    response = client.post(f"/checklists/{1}/pass", data={"version": 1, "csrf_token": "forged"})
    assert response.status_code == 400 and "安全令牌失效" in response.text
