"""`next`, the address a form or the login goes back to: one with a line break (or any control
character) is no address at all. It is refused with a Chinese 400 before the view acts; before,
the action committed and only the redirect failed (系统出错, the 督办 saved)."""
import pytest
from sqlalchemy import func, select

from app.audit import AuditLog
from app.extensions import db
from app.ledger.models import LedgerItem
from tests.factories import make_bureau, make_campaign, make_item

BROKEN = ["/ledger/\r\nSet-Cookie: a=1", "/ledger/\n", "/\x00", "/ledger/\x7f"]


@pytest.mark.parametrize("target", BROKEN)
def test_an_action_with_a_broken_next_is_refused_before_it_is_done(client, auth, target):
    people = make_bureau()
    make_campaign()
    item = make_item(unit=people["office"], owner=people["staff"], leader=people["leader"])
    item_id, version = item.id, item.version
    db.session.commit()
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditLog))
    auth.login("leader")

    response = client.post(f"/ledger/{item_id}/supervise",
                           data={"version": version, "instruction": "请抓紧整改。", "next": target})

    assert response.status_code == 400
    assert "返回地址无效" in response.text
    db.session.rollback()
    assert db.session.get(LedgerItem, item_id).supervised is False
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == audit_rows + 1  # the login only


@pytest.mark.parametrize("target", BROKEN)
def test_logging_in_with_a_broken_next_is_refused(client, target):
    make_bureau()
    response = client.post("/auth/login", data={"username": "admin", "password": "Qingshan#2026", "next": target})
    assert response.status_code == 400 and "返回地址无效" in response.text
    response = client.get("/auth/login", query_string={"next": target})
    assert response.status_code == 400 and "返回地址无效" in response.text
