"""Changing one's password: rules in Chinese, audit, nothing changed on refusal."""
import pytest

from app.audit import AuditLog
from app.extensions import db
from app.org.models import User
from tests.factories import PASSWORD, make_bureau


@pytest.fixture
def logged_in(app, auth):
    people = make_bureau()
    auth.login("staff")
    return people["staff"]


def _change(client, new, current=PASSWORD, confirm=None):
    return client.post("/auth/password", data={
        "current_password": current, "new_password": new, "confirm": new if confirm is None else confirm,
    })


@pytest.mark.parametrize("new, message", [
    ("short1", "密码至少需要 8 位"),
    ("12345678", "过于常见"),
    ("Password123", "过于常见"),
    ("zuofeng2026", "过于常见"),
    ("aaaaaaaaaa", "过于常见"),
    ("staff-2026-x", "不能包含用户名"),
    ("3141592653", "不能全是数字"),
    (PASSWORD, "不能与当前密码相同"),
])
def test_weak_passwords_refused(logged_in, client, new, message):
    response = _change(client, new)
    assert response.status_code == 422
    assert message in response.text
    assert db.session.get(User, logged_in.id).check_password(PASSWORD)


def test_wrong_current_password_refused(logged_in, client):
    response = _change(client, "Hongqi-lu-88", current="not-mine-1")
    assert response.status_code == 422
    assert "当前密码不正确" in response.text


def test_confirmation_must_match(logged_in, client):
    response = _change(client, "Hongqi-lu-88", confirm="Hongqi-lu-89")
    assert response.status_code == 422
    assert "两次输入的新密码不一致" in response.text


def test_change_password_works_and_is_audited(logged_in, client, auth):
    response = _change(client, "Hongqi-lu-88")
    assert response.status_code == 302
    assert db.session.query(AuditLog).filter_by(action="auth.password_changed").count() == 1
    auth.logout()
    assert auth.login("staff", "Hongqi-lu-88").status_code == 302
