"""登记问题 / 修改问题: choosing the 责任人 and 责任领导 — grouped and searchable by unit, the unit's
分管 leader proposed, and nobody made responsible without being chosen."""
import re

from app.extensions import db
from app.ledger.models import LedgerItem
from tests.factories import make_user


def _select(page: str, name: str) -> str:
    return page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]


def test_a_head_filing_without_choosing_a_responsible_person_is_asked(world, client, auth):
    auth.login("head")
    owner = _select(client.get("/ledger/new").text, "owner_id")
    assert re.search(r'<option selected value="0">（请选择责任人）</option>', owner)
    response = client.post("/ledger/new", data={
        "unit_id": world["office"].id, "source": "public", "category": "服务群众", "description": "午休无人值守",
        "rectify_type": "long_term", "measures": "实行午间轮班", "leader_id": world["leader"].id, "owner_id": "0",
    })
    assert response.status_code == 422 and "请选择责任人。" in response.text
    assert db.session.query(LedgerItem).count() == 1


def test_people_are_grouped_by_unit_and_leaders_found_by_their_units(world, client, auth):
    make_user("leader", unit=world["bureau"], username="leader2", full_name="财务分管副局长",
              portfolio_units=[world["other"]])
    db.session.commit()
    auth.login("admin")
    page = client.get("/ledger/new").text
    owner = _select(page, "owner_id")
    assert '<optgroup label="办公室">' in owner and '<optgroup label="财务股">' in owner
    assert 'data-filter="按姓名或单位筛选"' in page.split('name="owner_id"', 1)[0].rsplit("<select", 1)[1]
    leader = _select(page, "leader_id")
    assert re.search(r'data-search="分管：财务股"[^>]*>财务分管副局长', leader)


def test_the_units_leader_is_proposed_for_each_unit(world, client, auth):
    second = make_user("leader", unit=world["bureau"], username="leader2", portfolio_units=[world["other"]])
    db.session.commit()
    auth.login("admin")
    page = client.get("/ledger/new").text
    units = _select(page, "unit_id")
    assert re.search(rf'data-leader="{world["leader"].id}"[^>]* value="{world["office"].id}"', units)
    assert re.search(rf'data-leader="{second.id}"[^>]* value="{world["other"].id}"', units)
    assert re.search(rf'<option [^>]*selected value="{world["leader"].id}">', _select(page, "leader_id"))  # 办公室's


def test_the_single_item_form_does_not_ask_for_one_problem_per_line(world, client, auth):
    auth.login("head")
    assert "一个问题一行" not in client.get("/ledger/new").text
