"""Logging in: success, refusals, the next parameter, throttling, forced password change."""
import pytest

from app.extensions import db
from app.org.models import User
from tests.factories import make_bureau


def test_login_page_in_chinese(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert "登录" in response.text
    assert response.headers["X-UA-Compatible"] == "IE=edge"
    assert '<meta name="renderer" content="webkit">' in response.text


def test_login_leads_home(app, client, auth):
    make_bureau()
    response = auth.login("staff")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert "我的待办" in home.text


def test_username_is_case_insensitive(app, auth):
    make_bureau()
    assert auth.login("STAFF").status_code == 302


def test_login_is_audited(app, auth):
    from app.audit import AuditLog

    make_bureau()
    auth.login("staff")
    row = db.session.query(AuditLog).filter_by(action="auth.login").one()
    assert row.actor_username == "staff"
    assert row.address == "127.0.0.1"


def test_wrong_password_refused_in_chinese(app, auth):
    make_bureau()
    response = auth.login("staff", "wrong-password")
    assert response.status_code == 422
    assert "用户名或密码不正确" in response.text


def test_unknown_user_gets_the_same_message(app, auth):
    make_bureau()
    response = auth.login("nobody", "whatever-1")
    assert response.status_code == 422
    assert "用户名或密码不正确" in response.text


def test_deactivated_user_cannot_log_in(app, auth):
    people = make_bureau()
    people["staff"].active = False
    db.session.commit()
    response = auth.login("staff")
    assert response.status_code == 422
    assert "已停用" in response.text


def test_missing_fields_refused(app, client):
    response = client.post("/auth/login", data={"username": ""})
    assert response.status_code == 422
    assert "请输入用户名" in response.text
    assert "请输入密码" in response.text


@pytest.mark.parametrize("target, expected", [
    ("/admin/users", "/admin/users"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_redirects_within_the_site(app, client, target, expected):
    make_bureau()
    response = client.post("/auth/login", data={"username": "admin", "password": "Qingshan#2026", "next": target})
    assert response.headers["Location"] == expected


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/admin/users"


def test_anonymous_htmx_request_gets_hx_redirect(client):
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/login")


def test_failed_logins_are_throttled_per_user(app, auth):
    make_bureau()
    for _ in range(5):
        assert auth.login("staff", "wrong-password").status_code == 422
    response = auth.login("staff", "wrong-password")
    assert response.status_code == 429
    assert "操作过于频繁" in response.text
    # the right password is refused too while the limit lasts: guessing cannot go on
    assert auth.login("staff").status_code == 429


def test_successful_logins_do_not_count_against_the_limit(app, auth):
    make_bureau()
    for _ in range(8):
        assert auth.login("staff").status_code == 302
        auth.logout()


def test_failed_logins_are_throttled_per_address(app, auth):
    make_bureau()
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 5 minutes"
    for name in ("a1", "a2", "a3"):
        auth.login(name, "wrong-password")
    assert auth.login("a4", "wrong-password").status_code == 429


def test_must_change_password_blocks_other_pages(app, client, auth):
    people = make_bureau()
    people["staff"].must_change_password = True
    db.session.commit()
    response = auth.login("staff")
    assert response.headers["Location"] == "/auth/password"
    blocked = client.get("/")
    assert blocked.status_code == 302
    assert blocked.headers["Location"] == "/auth/password"
    client.post("/auth/password", data={
        "current_password": "Qingshan#2026", "new_password": "Hongqi-lu-88", "confirm": "Hongqi-lu-88",
    })
    assert client.get("/").status_code == 200
    assert db.session.get(User, people["staff"].id).must_change_password is False
