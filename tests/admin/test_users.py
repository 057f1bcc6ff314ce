"""Admin user pages: list and filter, create, edit, portfolio, deactivate, reset password."""
from app.audit import AuditLog
from app.extensions import db
from app.org.models import Rank, Role, User
from tests.conftest import AuthActions


def _form(bureau, **changes):
    data = {
        "username": "zhangwei", "full_name": "张伟", "unit_id": bureau["office"].id, "role": Role.STAFF,
        "rank": Rank.GENERAL, "title": "科员", "phone": "0791-86001234", "active": "y",
        "password": "Hongqi-lu-88",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_users_list_filters_by_unit_and_name(app, client, auth, bureau):
    auth.login("admin")
    response = client.get(f"/admin/users?unit={bureau['other'].id}")
    assert "other_staff" in response.text and ">staff<" not in response.text
    response = client.get("/admin/users?q=other_head")
    assert "other_head" in response.text and "other_staff" not in response.text


def test_create_user_must_change_password(app, client, auth, bureau):
    auth.login("admin")
    response = client.post("/admin/users/new", data=_form(bureau))
    assert response.status_code == 302
    user = db.session.query(User).filter_by(username="zhangwei").one()
    assert user.must_change_password and user.check_password("Hongqi-lu-88")
    assert db.session.query(AuditLog).filter_by(action="user.created", object_id=str(user.id)).count() == 1


def test_create_user_requires_password(app, client, auth, bureau):
    auth.login("admin")
    response = client.post("/admin/users/new", data=_form(bureau, password=""))
    assert response.status_code == 422
    assert "请设置初始密码" in response.text


def test_duplicate_username_refused(app, client, auth, bureau):
    auth.login("admin")
    response = client.post("/admin/users/new", data=_form(bureau, username="STAFF"))
    assert response.status_code == 422
    assert "该用户名已被使用" in response.text


def test_unknown_unit_refused(app, client, auth, bureau):
    auth.login("admin")
    response = client.post("/admin/users/new", data=_form(bureau, unit_id=9999))
    assert response.status_code == 422
    assert db.session.query(User).filter_by(username="zhangwei").count() == 0


def test_leader_portfolio_saved(app, client, auth, bureau):
    auth.login("admin")
    leader = bureau["leader"]
    data = _form(bureau, username="leader", full_name=leader.full_name, unit_id=bureau["bureau"].id,
                 role=Role.LEADER, rank=Rank.LEADERSHIP, password="")
    data["portfolio"] = [bureau["office"].id, bureau["other"].id]
    response = client.post(f"/admin/users/{leader.id}/edit", data=data)
    assert response.status_code == 302
    assert db.session.get(User, leader.id).portfolio_unit_ids == {bureau["office"].id, bureau["other"].id}


def test_portfolio_only_for_leaders(app, client, auth, bureau):
    auth.login("admin")
    data = _form(bureau)
    data["portfolio"] = [bureau["office"].id]
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert "只有班子成员可以设置分管单位" in response.text


def test_deactivating_a_user_ends_their_sessions(app, client, auth, bureau):
    staff_client = app.test_client()
    AuthActions(staff_client).login("staff")
    assert staff_client.get("/").status_code == 200
    auth.login("admin")
    staff = bureau["staff"]
    data = _form(bureau, username="staff", full_name=staff.full_name, password="", active=None)
    response = client.post(f"/admin/users/{staff.id}/edit", data=data)
    assert response.status_code == 302
    assert staff_client.get("/").status_code == 302
    assert db.session.query(AuditLog).filter_by(action="user.deactivated").count() == 1


def test_password_reset_forces_a_change(app, client, auth, bureau):
    auth.login("admin")
    staff = bureau["staff"]
    data = _form(bureau, username="staff", full_name=staff.full_name, password="Reset-pass-77")
    client.post(f"/admin/users/{staff.id}/edit", data=data)
    user = db.session.get(User, staff.id)
    assert user.must_change_password and user.check_password("Reset-pass-77")


def test_the_form_saves_the_person_it_shows(app, client, auth, bureau):
    """Not the admin's own account, nor anyone else's: the layout's names must not leak into the page."""
    auth.login("admin")
    staff = bureau["staff"]
    assert f'action="/admin/users/{staff.id}/edit"' in client.get(f"/admin/users/{staff.id}/edit").text
    assert 'action="/admin/users/new"' in client.get("/admin/users/new").text
