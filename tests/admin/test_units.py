"""Admin unit pages: list, create, edit, deactivate."""
from app.audit import AuditLog
from app.extensions import db
from app.org.models import Unit, UnitKind


def test_units_list_shows_tree_and_counts(app, client, auth, bureau):
    auth.login("admin")
    response = client.get("/admin/units")
    assert response.status_code == 200
    assert "办公室" in response.text and "财务股" in response.text
    assert "机关股室" in response.text


def test_create_unit(app, client, auth, bureau):
    auth.login("admin")
    response = client.post("/admin/units/new", data={
        "name": "政务服务中心住建窗口", "kind": UnitKind.SERVICE_CENTER, "parent_id": bureau["bureau"].id,
        "sort_order": 50, "active": "y",
    })
    assert response.status_code == 302
    unit = db.session.query(Unit).filter_by(name="政务服务中心住建窗口").one()
    assert unit.parent_id == bureau["bureau"].id and unit.kind == UnitKind.SERVICE_CENTER
    assert db.session.query(AuditLog).filter_by(action="unit.created", object_id=str(unit.id)).count() == 1


def test_duplicate_unit_name_refused(app, client, auth, bureau):
    auth.login("admin")
    response = client.post("/admin/units/new", data={
        "name": "办公室", "kind": UnitKind.OFFICE, "parent_id": 0, "sort_order": 1,
    })
    assert response.status_code == 422
    assert "已有同名单位" in response.text


def test_unit_cannot_become_its_own_descendant(app, client, auth, bureau):
    auth.login("admin")
    bureau_unit = bureau["bureau"]
    response = client.post(f"/admin/units/{bureau_unit.id}/edit", data={
        "name": bureau_unit.name, "kind": UnitKind.BUREAU, "parent_id": bureau["office"].id, "sort_order": 0,
        "active": "y",
    })
    assert response.status_code == 422
    assert db.session.get(Unit, bureau_unit.id).parent_id is None


def test_bad_sort_order_refused_in_chinese(app, client, auth, bureau):
    auth.login("admin")
    response = client.post("/admin/units/new", data={
        "name": "新股", "kind": UnitKind.OFFICE, "parent_id": 0, "sort_order": "abc",
    })
    assert response.status_code == 422
    assert db.session.query(Unit).filter_by(name="新股").count() == 0


def test_deactivate_unit_is_audited(app, client, auth, bureau):
    auth.login("admin")
    other = bureau["other"]
    response = client.post(f"/admin/units/{other.id}/edit", data={
        "name": other.name, "kind": other.kind, "parent_id": bureau["bureau"].id, "sort_order": 0,
    })
    assert response.status_code == 302
    assert db.session.get(Unit, other.id).active is False
    assert db.session.query(AuditLog).filter_by(action="unit.deactivated").count() == 1


def test_editing_a_missing_unit_is_404(app, client, auth, bureau):
    auth.login("admin")
    assert client.get("/admin/units/9999/edit").status_code == 404
