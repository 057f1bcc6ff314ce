"""One person presses 签署 in two windows at the same moment: exactly one signature, the other 409.

A real race (tests/races.py), ROUNDS times. On PostgreSQL both requests find no signature and
both insert; the unique constraint (template_id, user_id) makes the second wait for the first and
then fail, which the route answers with 409. On SQLite writers queue (BEGIN IMMEDIATE) and the
second finds the first's signature.
"""
from sqlalchemy import func, select

from app.audit import AuditLog
from app.commitments.models import Signature
from app.extensions import db
from tests.commitments.conftest import publish_letter
from tests.conftest import AuthActions
from tests.races import ROUNDS, release_together


def _sign_at_once(clients, letter_id: int) -> list[tuple[int, str]]:
    """Every client presses 签署 on the letter at the same moment; the status and text they get."""
    def press(client):
        def send():
            response = client.post(f"/commitments/letters/{letter_id}/sign",
                                   data={"promise": "y", "typed_name": "李晓东"}, headers={"HX-Request": "true"})
            return response.status_code, response.text
        return send

    return release_together(*(press(client) for client in clients))


def test_concurrent_signatures_exactly_one_wins(world, app):
    clients = []
    for _ in range(2):
        client = app.test_client()
        AuthActions(client).login("staff")
        clients.append(client)

    for round_ in range(ROUNDS):
        letter = publish_letter(world["admin"], world["campaign"], title=f"作风建设承诺书{round_}")
        letter_id = letter.id
        db.session.commit()
        answers = _sign_at_once(clients, letter_id)
        assert sorted(status for status, _ in answers) == [200, 409], answers
        refused = next(text for status, text in answers if status == 409)
        assert "签署过本承诺书，无需重复签署" in refused and "打印" in refused
        count = db.session.scalar(select(func.count(Signature.id)).where(Signature.template_id == letter_id))
        assert count == 1
        signature_id = db.session.scalar(select(Signature.id).where(Signature.template_id == letter_id))
        assert db.session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action == "letter.signed", AuditLog.object_id == str(signature_id))) == 1
