"""Two people act on the same row of the ledger at the same moment: exactly one effect, the other
gets 409 with the item's state. Real races (tests/races.py), ROUNDS times each.
"""
import pytest

from app.audit import AuditLog
from app.extensions import db
from app.ledger import services
from app.ledger.models import LedgerEvent, LedgerItem, State
from tests.conftest import AuthActions
from tests.factories import make_item, make_user
from tests.races import ROUNDS, release_together


def _submitted(world, owner):
    """An item of 办公室 handed in by `owner`: awaiting 初审 (staff's) or 销号 (the head's)."""
    item = make_item(unit=world["office"], owner=world[owner], leader=world["leader"])
    services.report_progress(item, world[owner], item.version, "已整改")
    db.session.flush()
    services.submit(item, world[owner], item.version, "已完成")
    db.session.commit()
    return item.id, item.version


def _client(app, username):
    client = app.test_client()
    AuthActions(client).login(username)
    return client


def _press(client, item_id: int, action: str, data: dict):
    return lambda: client.post(f"/ledger/{item_id}/{action}", data=data, headers={"HX-Request": "true"})


@pytest.mark.parametrize("owner, first, second, outcomes", [
    # two leaders in charge of 办公室 press 销号
    ("head", ("leader", "sign-off"), ("leader2", "sign-off"), {("signed_off", State.CLOSED)}),
    # the unit head passes 初审 while 专项办 returns it
    ("staff", ("head", "first-review"), ("admin", "return"),
     {("first_review_passed", State.SIGN_OFF), ("returned", State.IN_PROGRESS)}),
], ids=["two sign-offs", "first review against a return"])
def test_two_people_act_at_once_exactly_one_effect(world, app, owner, first, second, outcomes):
    make_user("leader", unit=world["bureau"], username="leader2", portfolio_units=[world["office"]])
    db.session.commit()
    (one, one_action), (other, other_action) = first, second
    clients = _client(app, one), _client(app, other)

    for _ in range(ROUNDS):
        item_id, version = _submitted(world, owner)
        data = {"version": version, "reason": "佐证材料不全"}
        answers = release_together(_press(clients[0], item_id, one_action, data),
                                   _press(clients[1], item_id, other_action, data))
        assert sorted(response.status_code for response in answers) == [200, 409], [a.text for a in answers]
        events = db.session.query(LedgerEvent).filter(
            LedgerEvent.item_id == item_id, LedgerEvent.kind.in_([kind for kind, _state in outcomes])).all()
        assert len(events) == 1
        assert (events[0].kind, db.session.get(LedgerItem, item_id).state) in outcomes
        assert db.session.query(AuditLog).filter_by(action=f"ledger.{events[0].kind}",
                                                    object_id=str(item_id)).count() == 1
        refused = next(response for response in answers if response.status_code == 409)
        assert "刚被他人处理过" in refused.text or "当前状态为" in refused.text
