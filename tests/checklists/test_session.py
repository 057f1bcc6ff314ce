"""A long 自查表 against the clock, and against forged posts, with CSRF on as in production.

An hour spent on the page still submits (the CSRF token lives as long as the session, and the
session ends only after SESSION_IDLE_MINUTES without a request). A post that fails the CSRF check
(the login ended, or a forged cross-site post) is never shown back as the person's form: 400, the
form has expired, with a link to open it afresh, where the draft as last saved (by hand or in the
background) is waiting. The background save says the login ended in its status line, and brings
the new session's token once the person has logged in again elsewhere.
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


def test_after_the_login_ended_the_post_has_expired_and_the_saved_draft_waits(app, world, client, csrf, clock):
    template = world["template"]
    url = f"/checklists/fill/{template.id}"
    log_in(client)
    token = token_in(client.get(url).text)
    saved = with_problems(template, {0: ("自动保存下来的具体表现", "自动保存下来的整改措施", None)})
    assert client.post(f"{url}/autosave", data=form_data(template, saved), headers={"X-CSRFToken": token}).status_code == 200
    typed = with_problems(template, {0: ("超时以后才写的具体表现 <原样>", "逐条写好的整改措施", None)})

    clock.advance(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 60 + 1)  # the session ends
    refused = client.post(url, data={**form_data(template, typed, "submit"), "csrf_token": token})

    assert refused.status_code == 400
    assert "表单已过期" in refused.text and "草稿仍在" in refused.text
    assert f'<a href="{url}" class="btn btn-primary">重新打开自查表</a>' in refused.text
    assert "超时以后才写的具体表现" not in refused.text and 'name="csrf_token"' not in refused.text
    assert state_of(world["staff"].id) == InspectionState.DRAFT
    log_in(client)
    fresh = client.get(url).text
    assert "自动保存下来的具体表现" in fresh and "超时以后才写的具体表现" not in fresh


def test_a_forged_post_never_comes_back_as_the_persons_form(world, client, csrf):
    """A cross-site form (IE11 ignores SameSite) posts the attacker's answers with the person's
    cookie but no valid token: nothing of it is shown, and no form with a fresh token either."""
    template = world["template"]
    url = f"/checklists/fill/{template.id}"
    log_in(client)
    client.get(url)
    forged = with_problems(template, {0: ("伪造的具体表现", "伪造的整改措施", None)})
    for token in ({}, {"csrf_token": "forged"}):
        response = client.post(url, data={**form_data(template, forged, "submit"), **token})
        assert response.status_code == 400 and "表单已过期" in response.text
        assert "伪造的具体表现" not in response.text and "checklist-form" not in response.text
        assert state_of(world["staff"].id) is None


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


def test_logged_out_elsewhere_the_post_gets_the_login_page(world, client, csrf):
    """The session lives on but its login does not (logged out on another computer): the token is
    still good, and the post goes to the login like any other; nothing posted comes back."""
    template = world["template"]
    log_in(client)
    page = client.get(f"/checklists/fill/{template.id}").text
    user = world["staff"]
    user.end_all_sessions()
    db.session.commit()
    data = form_data(template, with_problems(template, {0: ("写到一半", "", None)}), "draft")
    response = client.post(f"/checklists/fill/{template.id}", data={**data, "csrf_token": token_in(page)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert "写到一半" not in response.text


def test_other_pages_still_get_the_plain_csrf_error(world, client, csrf):
    log_in(client)
    response = client.post(f"/checklists/{1}/pass", data={"version": 1, "csrf_token": "forged"})
    assert response.status_code == 400 and "安全令牌失效" in response.text
