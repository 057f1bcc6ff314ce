"""Rotating SECRET_KEY and AUDIT_KEY (README, Security): sessions signed with the previous secret
stay valid while it is listed; the audit chain verifies across AUDIT_KEY eras, and a retired key
can no longer sign anything after the rotation."""
from app import audit
from app.extensions import db
from tests.factories import make_bureau, make_unit

OLD, NEW = "audit-key-2025", "audit-key-2026"


def _write(people, label: str, n: int = 2) -> None:
    for i in range(n):
        audit.record("unit.created", make_unit(f"{label}股{i}"), f"新建单位{label}{i}", actor=people["admin"])
    db.session.commit()


def _rotate(app, retired: list[str], current: str) -> None:
    app.config.update(AUDIT_KEY=current, AUDIT_KEYS_RETIRED=retired)


def test_the_chain_verifies_across_a_rotation(app):
    people = make_bureau()
    _rotate(app, [], OLD)
    _write(people, "旧")
    _rotate(app, [OLD], NEW)
    _write(people, "新")
    result = audit.verify()
    assert result.ok and result.checked == 4


def test_without_the_retired_key_the_old_rows_do_not_verify(app):
    people = make_bureau()
    _rotate(app, [], OLD)
    _write(people, "旧")
    _rotate(app, [], NEW)
    _write(people, "新")
    result = audit.verify()
    assert not result.ok and result.bad_seq == 1


def test_a_retired_key_cannot_sign_after_the_rotation(app):
    people = make_bureau()
    _rotate(app, [], OLD)
    _write(people, "旧")
    _rotate(app, [OLD], NEW)
    _write(people, "新")
    _rotate(app, [], OLD)  # someone who kept the old key writes a row
    _write(people, "伪", n=1)
    _rotate(app, [OLD], NEW)
    result = audit.verify()
    assert not result.ok and result.bad_seq == 5
    assert "篡改" in result.reason


def test_a_session_signed_with_the_previous_secret_key_stays_valid(app, client, auth):
    make_bureau()
    auth.login("staff")
    previous = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="a-new-secret-key", SECRET_KEY_FALLBACKS=[previous])
    assert client.get("/").status_code == 200


def test_without_the_fallback_every_session_ends(app, client, auth):
    make_bureau()
    auth.login("staff")
    app.config.update(SECRET_KEY="a-new-secret-key", SECRET_KEY_FALLBACKS=[])
    response = client.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
