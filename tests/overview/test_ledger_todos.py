"""Ledger to-dos on the home page, per role, with counts and links."""
from datetime import timedelta

from app.extensions import db
from app.ledger import services
from tests.factories import make_bureau, make_campaign, make_item, today


def _world():
    people = make_bureau()
    make_campaign()
    return people


def _submitted(people, owner):
    item = make_item(unit=people["office"], owner=owner, leader=people["leader"])
    services.report_progress(item, owner, item.version, "进展")
    db.session.flush()
    services.submit(item, owner, item.version, "完成")
    db.session.flush()
    return item


def test_owner_sees_items_to_rectify_overdue_first(app, client, auth):
    people = _world()
    make_item(unit=people["office"], owner=people["staff"])
    make_item(unit=people["office"], owner=people["staff"], due_on=today() - timedelta(days=2))
    db.session.commit()
    auth.login("staff")
    page = client.get("/").text
    assert page.index("我负责的问题已逾期") < page.index("我负责整改的问题")
    assert "/ledger/?state=rectifying&amp;overdue=1&amp;mine=1" in page


def test_unit_head_sees_items_awaiting_first_review(app, client, auth):
    people = _world()
    _submitted(people, people["staff"])
    _submitted(people, people["staff"])
    db.session.commit()
    auth.login("head")
    page = client.get("/").text
    assert "待我初审的问题" in page and '<span class="count">2</span>' in page


def test_leader_sees_items_awaiting_sign_off_and_extensions(app, client, auth):
    people = _world()
    item = _submitted(people, people["head"])  # the head's own item skips 初审
    other = make_item(unit=people["office"], owner=people["staff"])
    services.request_extension(other, people["staff"], other.version, "理由", other.due_on + timedelta(days=5),
                               today())
    db.session.commit()
    auth.login("leader")
    page = client.get("/").text
    assert "待我销号的问题" in page and "待我审批的延期申请" in page
    assert item.state == "sign_off"
    listed = client.get("/ledger/?extension=1").text
    assert other.code in listed and item.code not in listed


def test_leader_of_other_units_has_nothing_to_sign(app, client, auth):
    people = _world()
    item = _submitted(people, people["head"])
    item.leader_id = None  # not the responsible leader, and the unit is not in the portfolio
    people["leader"].portfolio_units = [people["other"]]
    db.session.commit()
    auth.login("leader")
    assert "待我销号的问题" not in client.get("/").text


def test_a_discipline_case_is_counted_in_its_owners_to_dos(app, client, auth):
    """Its owner rectifies it like any item (only the 查处 record is kept from them)."""
    people = _world()
    make_item(unit=people["office"], owner=people["staff"], due_on=today() - timedelta(days=2))
    make_item(unit=people["office"], owner=people["staff"], due_on=today() - timedelta(days=2),
              is_discipline=True)
    db.session.commit()
    auth.login("staff")
    page = client.get("/").text
    overdue = page.split("我负责的问题已逾期", 1)[1].split("</li>", 1)[0]
    assert '<span class="count">2</span>' in overdue  # both items, as the list it links to shows


def test_owner_is_told_of_a_returned_item_first(app, client, auth):
    """As a returned 自查表 or 心得 is: urgent, with a link to the returned items."""
    people = _world()
    make_item(unit=people["office"], owner=people["staff"])
    item = _submitted(people, people["staff"])
    services.return_item(item, people["head"], item.version, "佐证材料不全", may_first_review=True, may_sign_off=False)
    db.session.commit()
    auth.login("staff")
    page = client.get("/").text
    assert page.index("我负责的问题被退回，请整改后重新提交") < page.index("我负责整改的问题")
    assert "/ledger/?state=rectifying&amp;returned=1&amp;mine=1" in page
