"""Two leaders press 销号 on the same row at the same moment: exactly one wins, the other gets 409.

A real race: two threads, each with its own client, database session and connection, released
together by a barrier. On PostgreSQL both requests read the item before either writes, so the
version check in the UPDATE decides; on SQLite writers queue and the second sees the new version.
"""
import threading

from app.audit import AuditLog
from app.extensions import db
from app.ledger import services
from app.ledger.models import LedgerEvent, LedgerItem, State
from tests.conftest import AuthActions
from tests.factories import make_item, make_user

ROUNDS = 20


def _awaiting_sign_off(world):
    item = make_item(unit=world["office"], owner=world["head"], leader=world["leader"])
    services.report_progress(item, world["head"], item.version, "已整改")
    db.session.flush()
    services.submit(item, world["head"], item.version, "已完成")
    db.session.commit()
    return item.id, item.version


def _sign_off_at_once(clients, item_id: int, version: int) -> list[int]:
    """Every client presses 销号 on the item at the same moment; the statuses they get."""
    barrier = threading.Barrier(len(clients))
    statuses = []

    def press(client):
        barrier.wait()
        response = client.post(f"/ledger/{item_id}/sign-off", data={"version": version},
                               headers={"HX-Request": "true"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=press, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request took over a minute"
    return statuses


def test_concurrent_sign_offs_exactly_one_wins(world, app):
    make_user("leader", unit=world["bureau"], username="leader2", portfolio_units=[world["office"]])
    db.session.commit()
    clients = []
    for username in ("leader", "leader2"):
        client = app.test_client()
        AuthActions(client).login(username)
        clients.append(client)

    for _ in range(ROUNDS):
        item_id, version = _awaiting_sign_off(world)
        statuses = _sign_off_at_once(clients, item_id, version)
        db.session.rollback()  # end the test's own read snapshot before looking
        assert sorted(statuses) == [200, 409], statuses
        assert db.session.get(LedgerItem, item_id).state == State.CLOSED
        assert db.session.query(LedgerEvent).filter_by(item_id=item_id, kind="signed_off").count() == 1
        assert db.session.query(AuditLog).filter_by(action="ledger.signed_off", object_id=str(item_id)).count() == 1
