"""Who reads and who keeps the register: everyone reads issued rules, a draft only those who see its
unit; 专项办 keeps rules for any unit, a unit head for their own; nobody else changes anything."""

import pytest

from app import policy
from app.extensions import db
from app.regulations import services
from app.regulations.models import Regulation, RuleStatus
from tests.factories import today

ROLES = ["staff", "head", "other_head", "other_staff", "leader", "inspector", "admin"]


def issue(world):
    rule = world["rule"]
    services.issue(rule, world["head"], rule.version, today(), None, "青建发〔2026〕12号", today())
    db.session.commit()


@pytest.mark.parametrize("who", ROLES)
def test_everyone_reads_the_register(world, client, auth, who):
    auth.login(who)
    assert client.get("/regulations/").status_code == 200
    assert "制度建设" in client.get("/").text  # the menu


# A draft of 办公室: read by 办公室's people, the leader in charge of it, 督查 and 专项办.
DRAFT_READERS = {"staff": 200, "head": 200, "other_head": 404, "other_staff": 404, "leader": 200, "inspector": 200,
                 "admin": 200}


@pytest.mark.parametrize("who", ROLES)
def test_a_draft_is_read_by_those_who_see_its_unit(world, client, auth, who):
    auth.login(who)
    rule_id = world["rule"].id
    assert client.get(f"/regulations/{rule_id}").status_code == DRAFT_READERS[who]
    listed = "值班值守制度" in client.get("/regulations/").text
    assert listed == (DRAFT_READERS[who] == 200)


@pytest.mark.parametrize("who", ROLES)
def test_an_issued_rule_is_read_by_everyone(world, client, auth, who):
    issue(world)
    auth.login(who)
    assert client.get(f"/regulations/{world['rule'].id}").status_code == 200
    assert "值班值守制度" in client.get("/regulations/").text


CREATE = {"staff": 403, "head": 200, "other_head": 200, "other_staff": 403, "leader": 403, "inspector": 403,
          "admin": 200}


@pytest.mark.parametrize("who", ROLES)
def test_who_registers_rules(world, client, auth, who):
    auth.login(who)
    assert client.get("/regulations/new").status_code == CREATE[who]
    assert ("登记制度" in client.get("/regulations/").text) == (CREATE[who] == 200)


def test_a_unit_head_registers_only_for_their_own_unit(world, client, auth):
    auth.login("head")
    response = client.post("/regulations/new", data={"title": "报销制度", "owner_unit_id": world["other"].id,
                                                     "action": "new"})
    assert response.status_code == 403
    assert db.session.query(Regulation).count() == 1
    page = client.get("/regulations/new").text
    assert "财务股" not in page.split('name="owner_unit_id"')[1].split("</select>")[0]


# Keeping a rule of 办公室 (edit, 印发, 复审, 废止, document, links): 专项办 and 办公室's head.
MANAGE = {"staff": 403, "head": 200, "other_head": 403, "other_staff": 403, "leader": 403, "inspector": 403,
          "admin": 200}


@pytest.mark.parametrize("who", ROLES)
def test_who_keeps_a_rule(world, client, auth, who):
    issue(world)
    auth.login(who)
    rule = world["rule"]
    assert client.get(f"/regulations/{rule.id}/edit").status_code == MANAGE[who]
    page = client.get(f"/regulations/{rule.id}").text
    assert ("记录复审" in page) == (MANAGE[who] == 200)
    assert ("取消关联" in page or "关联</button>" in page) == (MANAGE[who] == 200)


@pytest.mark.parametrize("who", ["staff", "other_head", "leader", "inspector"])
def test_posts_by_others_change_nothing(world, client, auth, who):
    rule = world["rule"]
    auth.login(who)
    expected = 404 if who == "other_head" else 403  # a draft of another unit is not confirmed to exist
    posts = [
        (f"/regulations/{rule.id}/issue", {"version": rule.version, "issued_on": today().isoformat()}),
        (f"/regulations/{rule.id}/abolish", {"version": rule.version, "reason": "不再需要"}),
        (f"/regulations/{rule.id}/edit", {"version": rule.version, "title": "改名", "owner_unit_id": rule.owner_unit_id,
                                          "action": "new"}),
        (f"/regulations/{rule.id}/links", {"item_id": world["closed"].id}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == expected, url
    rule = db.session.get(Regulation, rule.id)
    assert rule.status == RuleStatus.DRAFTING and rule.title == "值班值守制度"
    assert rule.ledger_items == []


def test_policy_scope_matches_the_rule(world):
    """regulation_scope (SQL, for lists) and regulation.view (one rule) agree for every role."""
    issued = services.create(world["admin"], title="财务报销审核规程", document_number="", owner_unit_id=world["other"].id,
                             action="new", summary="")
    services.issue(issued, world["admin"], issued.version, today(), None, "", today())
    db.session.commit()
    for who in ROLES:
        user = world[who]
        listed = set(db.session.scalars(db.select(Regulation.id).where(policy.regulation_scope(user))))
        allowed = {r.id for r in db.session.scalars(db.select(Regulation)) if policy.can(user, "regulation.view", r)}
        assert listed == allowed, who
