"""Sessions end when they should: logout, password change, deactivation, idle time, the
absolute limit; a login always starts a new session (session fixation)."""
import time

import itsdangerous.timed
import pytest

from app.extensions import db
from app.org.models import User
from tests.factories import PASSWORD, make_bureau


def _second_client(app, auth_cls, username):
    other = app.test_client()
    auth_cls(other).login(username)
    return other


def test_session_cookie_is_httponly_and_lax(app, auth):
    make_bureau()
    response = auth.login("staff")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_secure_over_https(app, client):
    make_bureau()
    response = client.post(
        "/auth/login", data={"username": "staff", "password": "Qingshan#2026"}, base_url="https://zuofeng.local"
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_logout_ends_every_session_of_the_user(app, client, auth):
    from tests.conftest import AuthActions

    make_bureau()
    auth.login("staff")
    elsewhere = _second_client(app, AuthActions, "staff")
    assert elsewhere.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302
    assert elsewhere.get("/").status_code == 302


def _log_out(client, auth, people):
    auth.logout()


def _change_password(client, auth, people):
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "Hongqi-lu-88", "confirm": "Hongqi-lu-88"})
    assert response.status_code == 302


def _deactivate(client, auth, people):
    """专项办, in another browser, unticks 在用 on the person's page."""
    from tests.conftest import AuthActions

    admin = client.application.test_client()
    AuthActions(admin).login("admin")
    staff = people["staff"]
    response = admin.post(f"/admin/users/{staff.id}/edit", data={
        "username": staff.username, "full_name": staff.full_name, "unit_id": staff.unit_id, "role": staff.role,
        "rank": staff.rank})
    assert response.status_code == 302, response.text


@pytest.mark.parametrize("end", [_log_out, _change_password, _deactivate], ids=["logout", "password change",
                                                                              "deactivation"])
def test_a_copied_cookie_replayed_after_the_session_ended_is_refused(app, client, auth, end):
    people = make_bureau()
    auth.login("staff")
    cookie = client.get_cookie("zuofeng_session").value
    end(client, auth, people)
    replay = app.test_client()
    replay.set_cookie("zuofeng_session", cookie)
    response = replay.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, auth):
    from tests.conftest import AuthActions

    make_bureau()
    auth.login("staff")
    elsewhere = _second_client(app, AuthActions, "staff")
    response = client.post("/auth/password", data={
        "current_password": "Qingshan#2026", "new_password": "Hongqi-lu-88", "confirm": "Hongqi-lu-88",
    })
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_deactivation_ends_sessions(app, client, auth):
    people = make_bureau()
    auth.login("staff")
    user = db.session.get(User, people["staff"].id)
    user.active = False
    user.end_all_sessions()
    db.session.commit()
    assert client.get("/").status_code == 302
    response = auth.login("staff")
    assert response.status_code == 422


class Clock:
    """Stands in for the `time` module where itsdangerous signs and checks the session cookie."""

    def __init__(self):
        self.offset = 0

    def time(self):
        return time.time() + self.offset


def test_a_session_ends_after_the_idle_time_not_while_in_use(app, client, auth, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(itsdangerous.timed, "time", clock)
    make_bureau()
    idle = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    auth.login("staff")
    for _ in range(3):  # in use: each request starts the idle time again
        clock.offset += idle - 60
        assert client.get("/").status_code == 200
    cookie = client.get_cookie("zuofeng_session").value
    clock.offset += idle + 60
    assert client.get("/").status_code == 302
    replay = app.test_client()  # a copy of the cookie, kept past its expiry, is refused as well
    replay.set_cookie("zuofeng_session", cookie)
    assert replay.get("/").status_code == 302


def test_a_session_ends_after_the_absolute_limit_however_busy(app, client, auth):
    make_bureau()
    auth.login("staff")
    with client.session_transaction() as session:
        session["logged_in_at"] -= app.config["SESSION_MAX_HOURS"] * 3600 - 60
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["logged_in_at"] -= 120
    assert client.get("/").status_code == 302


def test_login_starts_a_new_session(app, client, auth):
    """Session fixation: nothing of the session before the login carries over, not even the CSRF
    token (whoever planted or read that session would otherwise know the logged-in one's token);
    the cookie changes, and the one from before the login stays anonymous."""
    make_bureau()
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
        session["csrf_token"] = "token-known-to-an-attacker"
    before = client.get_cookie("zuofeng_session").value
    auth.login("staff")
    after = client.get_cookie("zuofeng_session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session and "csrf_token" not in session
    planted = app.test_client()
    planted.set_cookie("zuofeng_session", before)
    assert planted.get("/").status_code == 302
