"""Every route asks app/policy.py; staff and anonymous users are kept out of admin pages."""
import pytest

from app import policy
from app.org.models import Role
from tests.factories import make_bureau, make_campaign, make_item, make_user, today


@pytest.fixture
def world(app):
    from datetime import timedelta

    from app.extensions import db
    from app.ledger import services

    people = make_bureau()
    campaign = make_campaign()
    item = make_item(unit=people["office"], owner=people["staff"], leader=people["leader"], campaign=campaign)
    services.report_progress(item, people["staff"], item.version, "进展")
    db.session.flush()
    extension = services.request_extension(item, people["staff"], item.version, "理由",
                                           item.due_on + timedelta(days=9), today())
    from app.ledger import dispatches

    dispatch = dispatches.create_dispatch(people["inspector"], campaign, "通报", "问题", "工作效率", today(),
                                          [people["office"].id])
    db.session.commit()
    return {**people, "campaign": campaign, "item": item, "extension": extension, "dispatch": dispatch}


def _url_args(rule, world):
    """Values for the URL parameters of every route; a new parameter name must be added here."""
    known = {
        "campaign_id": world["campaign"].id,
        "unit_id": world["office"].id,
        "user_id": world["staff"].id,
        "item_id": world["item"].id,
        "request_id": world["extension"].id,
        "evidence_id": 1,
        "dispatch_id": world["dispatch"].id,
        "target_id": world["dispatch"].targets[0].id,
        "inspection_id": 1,
        "template_id": 1,  # commitment letters: none in this world, the views answer 404
        "signature_id": 1,
        "session_id": 1,  # study: none in this world (tests/study/test_permissions.py crawls with records)
        "speaker_id": 1,
        "file_id": 1,
        "reading_id": 1,
        "reflection_id": 1,
        "regulation_id": 1,  # rules and commendations: none in this world, the views answer 404
        "commendation_id": 1,
    }
    missing = set(rule.arguments) - set(known)
    assert not missing, f"add a value for {missing} (route {rule.rule}) to tests/test_policy.py"
    return {name: known[name] for name in rule.arguments}


def _routes(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_asks_the_policy(app, client, auth, world):
    """POLICY_ENFORCE_ASKED makes a view that never asked raise, which fails this test."""
    auth.login("admin")
    for rule in _routes(app):
        url = app.url_map.bind("localhost").build(rule.endpoint, _url_args(rule, world))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint == "auth.logout":
                continue  # would end the admin's session for the rest of the crawl
            response = client.open(url, method=method, data={})
            assert response.status_code < 500, f"{method} {url} → {response.status_code}"


@pytest.mark.parametrize("path", [
    "/admin/units", "/admin/units/new", "/admin/users", "/admin/users/new", "/admin/audit",
    "/admin/audit/verify", "/admin/import", "/admin/import/template", "/campaigns/", "/campaigns/new",
])
@pytest.mark.parametrize("role", [Role.STAFF, Role.UNIT_HEAD, Role.LEADER, Role.INSPECTOR])
def test_non_admins_are_refused_admin_pages(app, client, auth, path, role):
    make_user(role, username="someone")
    auth.login("someone")
    response = client.get(path)
    assert response.status_code == 403
    assert "无权访问" in response.text


@pytest.mark.parametrize("path", ["/admin/units", "/admin/users/1/edit", "/campaigns/", "/"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_post_by_staff_to_admin_route_changes_nothing(app, client, auth, world):
    auth.login("staff")
    response = client.post(f"/admin/users/{world['staff'].id}/edit", data={"role": Role.ADMIN})
    assert response.status_code == 403
    assert world["staff"].role == Role.STAFF


def test_deactivated_user_can_do_nothing(app, world):
    world["admin"].active = False
    for action in policy.RULES:
        assert not policy.can(world["admin"], action)


def test_menus_follow_the_role(app, client, auth, world):
    auth.login("staff")
    staff_home = client.get("/").text
    assert "人员管理" not in staff_home and "审计日志" not in staff_home
    auth.logout()
    auth.login("admin")
    admin_home = client.get("/").text
    assert "人员管理" in admin_home and "审计日志" in admin_home and "专项行动" in admin_home
