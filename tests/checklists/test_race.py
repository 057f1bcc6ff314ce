"""The unit head passes a 自查表 while 专项办 returns it, at the same moment: exactly one effect (and
the ledger item a pass files, only with a pass); the other gets 409 with the 自查表's state.
Real races (tests/races.py), ROUNDS times, each on a new person's 自查表.
"""
from sqlalchemy import func, select

from app.audit import AuditLog
from app.checklists import services
from app.checklists.models import InspectionState, SelfInspection
from app.extensions import db
from app.ledger.models import LedgerItem
from tests.checklists.factories import with_problems
from tests.conftest import AuthActions
from tests.factories import make_user, today
from tests.races import ROUNDS, release_together


def _review(client, inspection_id: int, action: str, data: dict):
    return lambda: client.post(f"/checklists/{inspection_id}/{action}", data=data, headers={"HX-Request": "true"})


def test_a_pass_against_a_return_exactly_one_effect(world, app):
    clients = {}
    for username in ("head", "admin"):
        clients[username] = app.test_client()
        AuthActions(clients[username]).login(username)

    for _ in range(ROUNDS):
        author = make_user(unit=world["office"])
        inspection = services.start(world["template"], author)
        services.submit(inspection, author, inspection.version,
                        with_problems(world["template"], {0: ("办件拖拉", "限时办结", None)}), today())
        db.session.commit()
        data = {"version": inspection.version, "reason": "具体表现不够具体"}
        answers = release_together(_review(clients["head"], inspection.id, "pass", data),
                                   _review(clients["admin"], inspection.id, "return", data))
        assert sorted(response.status_code for response in answers) == [200, 409], [a.text for a in answers]
        assert "当前状态为" in next(response.text for response in answers if response.status_code == 409)
        state = db.session.get(SelfInspection, inspection.id).state
        audited = db.session.scalars(select(AuditLog.action).where(
            AuditLog.object_type == "SelfInspection", AuditLog.object_id == str(inspection.id),
            AuditLog.action.in_(("checklist.passed", "checklist.returned")))).all()
        filed = db.session.scalar(select(func.count(LedgerItem.id)).where(LedgerItem.owner_id == author.id))
        assert (state, audited, filed) in [(InspectionState.PASSED, ["checklist.passed"], 1),
                                           (InspectionState.RETURNED, ["checklist.returned"], 0)]
