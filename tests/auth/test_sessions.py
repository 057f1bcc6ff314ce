"""Sessions end when they should: logout, password change, deactivation, idle time."""
from datetime import timedelta

from app.extensions import db
from app.org.models import User
from tests.factories import make_bureau


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


def test_replayed_cookie_after_logout_is_refused(app, client, auth):
    make_bureau()
    auth.login("staff")
    cookie = client.get_cookie("zuofeng_session").value
    auth.logout()
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


def test_idle_session_expires(app, client, auth):
    make_bureau()
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)
    auth.login("staff")
    assert client.get("/").status_code == 302


def test_login_sets_a_fresh_session(app, client, auth):
    make_bureau()
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    auth.login("staff")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_login_keeps_only_the_csrf_token(app, client, auth):
    """A form left open in another window (a long 自查表 whose login timed out) still submits after
    logging in again: its CSRF token is the one thing the fresh session keeps."""
    make_bureau()
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
        session["csrf_token"] = "token-of-a-page-left-open"
    auth.login("staff")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["csrf_token"] == "token-of-a-page-left-open"
