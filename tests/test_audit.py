"""The audit log: one row per change, append-only in the database, chained so tampering shows."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import audit
from app.audit import AuditLog
from app.extensions import db
from tests.factories import make_bureau, make_unit


def _write_rows(n=3):
    people = make_bureau()
    for i in range(n):
        unit = make_unit(f"审计测试股{i}")
        audit.record("unit.created", unit, f"新建单位{i}", actor=people["admin"])
    db.session.commit()
    return people


def _raw(sql, **params):
    """Tamper as a database user with write access would: outside the app, triggers bypassed."""
    db.session.commit()  # end the test's own read transaction, so later reads see the tampering
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(sql), params)
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
            connection.execute(text(sql), params)


def test_record_stores_who_what_when_where(app):
    people = _write_rows(1)
    row = db.session.query(AuditLog).one()
    assert (row.actor_id, row.actor_username, row.actor_role) == (people["admin"].id, "admin", "admin")
    assert row.actor_unit_id == people["office"].id
    assert row.action == "unit.created"
    assert row.object_type == "Unit"
    assert row.address == "cli"
    assert row.occurred_at.tzinfo is not None


def test_chain_verifies(app):
    _write_rows(5)
    result = audit.verify()
    assert result.ok and result.checked == 5


def test_rows_are_linked(app):
    _write_rows(3)
    rows = db.session.query(AuditLog).order_by(AuditLog.seq).all()
    assert rows[0].prev_hash == audit.GENESIS
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET summary = 'x'", "DELETE FROM audit_log"])
def test_database_refuses_update_and_delete(app, statement):
    _write_rows(1)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as connection:
            connection.execute(text(statement))
    assert db.session.query(AuditLog).count() == 1


def test_database_refuses_truncate_on_postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _write_rows(1)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_log"))


def test_verify_names_an_edited_row(app):
    _write_rows(4)
    _raw("UPDATE audit_log SET summary = '改过的说明' WHERE seq = 3")
    result = audit.verify()
    assert not result.ok
    assert result.bad_seq == 3
    assert "篡改" in result.reason


def test_verify_names_a_deleted_row(app):
    _write_rows(4)
    _raw("DELETE FROM audit_log WHERE seq = 2")
    result = audit.verify()
    assert not result.ok and result.bad_seq == 2


def test_verify_notices_rows_cut_off_the_end(app):
    _write_rows(4)
    _raw("DELETE FROM audit_log WHERE seq = 4")
    result = audit.verify()
    assert not result.ok and result.bad_seq == 4


def test_verify_notices_reordered_rows(app):
    _write_rows(4)
    _raw("UPDATE audit_log SET seq = seq + 100 WHERE seq IN (2, 3)")
    _raw("UPDATE audit_log SET seq = 5 WHERE seq = 102")
    _raw("UPDATE audit_log SET seq = 2 WHERE seq = 103")
    _raw("UPDATE audit_log SET seq = 3 WHERE seq = 5")
    result = audit.verify()
    assert not result.ok and result.bad_seq == 2


def test_a_rolled_back_change_leaves_no_audit_row(app):
    people = make_bureau()
    before = db.session.query(AuditLog).count()
    unit = make_unit("回滚测试股")
    audit.record("unit.created", unit, "新建", actor=people["admin"])
    db.session.rollback()
    assert db.session.query(AuditLog).count() == before
    assert audit.verify().ok


@pytest.mark.parametrize("tampering, message", [
    (["UPDATE audit_log SET actor_username = 'someone' WHERE seq = 2"], "第 2 条记录的内容被篡改"),
    (["DELETE FROM audit_log WHERE seq = 2"], "缺少第 2 条记录"),
    (["UPDATE audit_log SET seq = 100 WHERE seq = 2", "UPDATE audit_log SET seq = 2 WHERE seq = 3",
      "UPDATE audit_log SET seq = 3 WHERE seq = 100"], "第 2 条记录与上一条记录的链接不符"),
], ids=["edited", "deleted", "reordered"])
def test_audit_verify_command(app, runner, tampering, message):
    _write_rows(3)
    ok = runner.invoke(args=["audit-verify"])
    assert ok.exit_code == 0 and "3 条记录校验通过" in ok.output
    for statement in tampering:
        _raw(statement)
    bad = runner.invoke(args=["audit-verify"])
    assert bad.exit_code == 1
    assert message in bad.output and "（第 2 条）" in bad.output
