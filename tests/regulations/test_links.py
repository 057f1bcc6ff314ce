"""Rule ↔ ledger links both ways: the rule lists the items it answers, the item's page shows its
rules (相关制度); only items and rules the reader may see; linking by list or 序号, with htmx or not."""
import re

from sqlalchemy import select

from app.audit import AuditLog
from app.extensions import db
from app.regulations import services
from app.regulations.models import Regulation
from tests.factories import today

TODAY = today()


def issue(world, rule=None):
    rule = rule or world["rule"]
    services.issue(rule, world["admin"], rule.version, TODAY, None, "", TODAY)
    db.session.commit()


def linked_ids(rule) -> list[int]:
    db.session.expire_all()
    return [item.id for item in db.session.get(Regulation, rule.id).ledger_items]


def related_block(html: str) -> str:
    match = re.search(r'<div class="card" id="related-rules">.*?</div>', html, re.S)
    return match.group(0) if match else ""


def test_link_a_closed_item_both_ways(world, client, auth):
    rule, item = world["rule"], world["closed"]
    auth.login("head")
    page = client.get(f"/regulations/{rule.id}").text
    assert f'<option value="{item.id}">{item.code}［已销号］' in page  # the unit's items, closed ones first
    response = client.post(f"/regulations/{rule.id}/links", data={"item_id": item.id})
    assert response.status_code == 302 and response.headers["Location"].endswith("#regulation-links")
    assert linked_ids(rule) == [item.id]
    rule_page = client.get(f"/regulations/{rule.id}").text
    links_card = rule_page.split('id="regulation-links"')[1].split("制度沿革")[0]
    assert item.code in links_card and "已销号" in links_card
    item_page = client.get(f"/ledger/{item.id}").text
    block = related_block(item_page)
    assert "相关制度" in block and "《值班值守制度》" in block and f"/regulations/{rule.id}" in block
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "regulation.linked")).one()
    assert row.actor_username == "head" and row.details_dict["code"] == item.code


def test_link_by_code(world, client, auth):
    rule, item = world["rule"], world["open"]
    auth.login("head")
    response = client.post(f"/regulations/{rule.id}/links", data={"code": f" {item.unit.name}－{item.serial} "})
    assert response.status_code == 302
    assert linked_ids(rule) == [item.id]


def test_unlink_both_ways(world, client, auth):
    rule, item = world["rule"], world["closed"]
    services.link(rule, world["head"], item)
    db.session.commit()
    auth.login("head")
    response = client.post(f"/regulations/{rule.id}/links/{item.id}/delete")
    assert response.status_code == 302
    assert linked_ids(rule) == []
    assert related_block(client.get(f"/ledger/{item.id}").text) == ""
    unlinked = db.session.scalars(select(AuditLog).where(AuditLog.action == "regulation.unlinked")).one()
    assert unlinked.object_id == str(rule.id)
    again = client.post(f"/regulations/{rule.id}/links/{item.id}/delete")
    assert again.status_code == 409 and "已不在本制度的关联问题中" in again.text


def test_a_duplicate_or_empty_link_is_refused(world, client, auth):
    rule, item = world["rule"], world["closed"]
    auth.login("head")
    client.post(f"/regulations/{rule.id}/links", data={"item_id": item.id})
    twice = client.post(f"/regulations/{rule.id}/links", data={"code": item.code})
    assert twice.status_code == 422 and "已关联本制度" in twice.text
    empty = client.post(f"/regulations/{rule.id}/links", data={"item_id": 0, "code": ""})
    assert empty.status_code == 422 and "请选择要关联的问题" in empty.text
    unknown = client.post(f"/regulations/{rule.id}/links", data={"code": "办公室-999"})
    assert unknown.status_code == 422 and "未找到序号为「办公室-999」的问题" in unknown.text
    assert linked_ids(rule) == [item.id]


def test_a_unit_head_cannot_link_another_units_item(world, client, auth):
    rule, other = world["rule"], world["other_item"]
    auth.login("head")
    by_code = client.post(f"/regulations/{rule.id}/links", data={"code": other.code})
    by_id = client.post(f"/regulations/{rule.id}/links", data={"item_id": other.id})
    assert by_code.status_code == by_id.status_code == 422
    assert "无权查看" in by_code.text
    assert linked_ids(rule) == []


def test_only_what_the_reader_may_see(world, client, auth):
    """专项办 links a 财务股 item to 办公室's rule. 办公室's head sees the rule but not the item (a
    count instead); 财务股's head sees the rule on the item's page once it is issued, not before."""
    rule, other = world["rule"], world["other_item"]
    auth.login("admin")
    assert client.post(f"/regulations/{rule.id}/links", data={"code": other.code}).status_code == 302
    auth.logout()
    auth.login("head")
    page = client.get(f"/regulations/{rule.id}").text
    assert other.code not in page and "另有 1 个关联问题属于其他单位" in page
    auth.logout()
    auth.login("other_head")
    assert related_block(client.get(f"/ledger/{other.id}").text) == ""  # a draft of another unit
    issue(world)
    block = related_block(client.get(f"/ledger/{other.id}").text)
    assert "《值班值守制度》" in block and "已印发" in block


def test_htmx_swaps_the_links_card(world, client, auth):
    rule, item = world["rule"], world["closed"]
    auth.login("head")
    headers = {"HX-Request": "true"}
    response = client.post(f"/regulations/{rule.id}/links", data={"item_id": item.id}, headers=headers)
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<div class=\"card\" id=\"regulation-links\">")
    assert "<html" not in response.text and f"已关联问题 {item.code}" in response.text
    refused = client.post(f"/regulations/{rule.id}/links", data={"item_id": item.id}, headers=headers)
    assert refused.status_code == 422 and 'id="regulation-links"' in refused.text and "已关联本制度" in refused.text
    gone = client.post(f"/regulations/{rule.id}/links/{item.id}/delete", headers=headers)
    assert gone.status_code == 200 and "尚未关联问题" in gone.text


def test_an_abolished_rule_takes_no_new_links(world, client, auth):
    rule = world["rule"]
    services.abolish(rule, world["head"], rule.version, "不再制定")
    db.session.commit()
    auth.login("head")
    page = client.get(f"/regulations/{rule.id}").text
    assert "关联</button>" not in page
    response = client.post(f"/regulations/{rule.id}/links", data={"item_id": world["closed"].id})
    assert response.status_code == 409 and "已废止" in response.text


def test_item_page_costs_one_query_for_its_rules(world, client, auth):
    """相关制度 is one query, however many rules answer the item."""
    from tests.ledger.test_query_counts import counting_queries

    item = world["closed"]
    auth.login("admin")
    with counting_queries() as before:
        client.get(f"/ledger/{item.id}")
    for n in range(5):
        rule = services.create(world["admin"], title=f"制度{n}", document_number="", owner_unit_id=world["office"].id,
                               action="new", summary="")
        db.session.flush()
        services.link(rule, world["admin"], item)
    db.session.commit()
    with counting_queries() as after:
        page = client.get(f"/ledger/{item.id}").text
    assert len(after) == len(before)
    assert page.count("《制度") == 5
