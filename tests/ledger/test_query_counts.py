"""The ledger list costs the same number of queries for 3 rows as for 50 (no query per row)."""
from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from tests.factories import make_item


@contextmanager
def counting_queries():
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _queries_for(client, url):
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_list_queries_do_not_grow_with_rows(world, client, auth):
    auth.login("leader")
    few = _queries_for(client, "/ledger/")
    for i in range(49):
        make_item(unit=world["office"], owner=world["staff"] if i % 2 else world["head"], leader=world["leader"])
    db.session.commit()
    many = _queries_for(client, "/ledger/")
    assert many == few
    assert many <= 12


def test_reconcile_queries_do_not_grow_with_rows(world, client, auth):
    auth.login("leader")
    url = f"/ledger/reconcile/{world['office'].id}"
    few = _queries_for(client, url)
    for _ in range(30):
        make_item(unit=world["office"], owner=world["staff"], leader=world["leader"])
    db.session.commit()
    assert _queries_for(client, url) == few <= 12
