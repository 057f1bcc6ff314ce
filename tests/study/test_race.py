"""The unit head passes a 学习心得 while 专项办 returns it, at the same moment: exactly one effect;
the other gets 409 with the reflection's state. Real races (tests/races.py), ROUNDS times.
"""
from sqlalchemy import select

from app.audit import AuditLog
from app.extensions import db
from app.study import services
from app.study.models import Reflection, ReflectionState
from tests.conftest import AuthActions
from tests.races import ROUNDS, release_together

BODY = "通过学习，深刻认识到作风建设的重要性。" * 20


def _review(client, reflection_id: int, data: dict):
    return lambda: client.post(f"/study/reflections/{reflection_id}/review", data=data,
                               headers={"HX-Request": "true"})


def test_a_pass_against_a_return_exactly_one_effect(bureau, app):
    clients = {}
    for username in ("head", "admin"):
        clients[username] = app.test_client()
        AuthActions(clients[username]).login(username)

    for round_ in range(ROUNDS):
        reflection = services.write_reflection(bureau["staff"], bureau["campaign"], None, f"学习心得{round_}", BODY,
                                               True)
        db.session.commit()
        version = reflection.version
        answers = release_together(
            _review(clients["head"], reflection.id, {"version": version, "decision": "pass"}),
            _review(clients["admin"], reflection.id, {"version": version, "decision": "return", "comment": "请具体些"}))
        assert sorted(response.status_code for response in answers) == [200, 409], [a.text for a in answers]
        state = db.session.get(Reflection, reflection.id).state
        audited = db.session.scalars(select(AuditLog.action).where(
            AuditLog.object_type == "Reflection", AuditLog.object_id == str(reflection.id),
            AuditLog.action.in_(("study.reflection_passed", "study.reflection_returned")))).all()
        assert (state, audited) in [(ReflectionState.PASSED, ["study.reflection_passed"]),
                                    (ReflectionState.RETURNED, ["study.reflection_returned"])]
