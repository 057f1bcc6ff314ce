"""Recording commendations (表彰): exemplary people and units, and the people recommended for
promotion (推荐提拔使用) or a higher rank (职级晋升推荐). Every change writes the audit row; the
route commits."""
from datetime import date

from app import audit
from app.commendations.models import Commendation, Recommendation
from app.extensions import db
from app.org.models import Unit, User


class CommendationError(Exception):
    """A refused change, with the Chinese message to show."""

    status = 422


FIELD_LABELS = {
    "user_id": "表彰对象", "unit_id": "单位", "honour": "荣誉称号", "reason": "表彰事由", "awarded_on": "表彰日期",
    "issuer": "表彰单位", "recommendation": "推荐情况",
}


def _resolve(user_id: int | None, unit_id: int | None, recommendation: str) -> tuple[User | None, Unit]:
    """The person (their unit is theirs at the time) or the unit commended."""
    person = db.session.get(User, user_id) if user_id else None
    if user_id and person is None:
        raise CommendationError("未找到该人员。")
    unit = person.unit if person else (db.session.get(Unit, unit_id) if unit_id else None)
    if unit is None:
        raise CommendationError("请选择受表彰的人员或单位。")
    if person is None and recommendation != Recommendation.NONE:
        raise CommendationError("推荐提拔使用和职级晋升推荐只适用于个人，集体表彰请选“无”。")
    return person, unit


def describe(commendation: Commendation) -> str:
    who = f"{commendation.user.full_name}（{commendation.unit.name}）" if commendation.user else commendation.unit.name
    return f"{who}「{commendation.honour}」"


def create(actor, campaign, *, user_id: int | None, unit_id: int | None, honour: str, reason: str,
           awarded_on: date, issuer: str, recommendation: str) -> Commendation:
    person, unit = _resolve(user_id, unit_id, recommendation)
    commendation = Commendation(
        campaign_id=campaign.id, user=person, unit=unit, honour=honour.strip(), reason=reason.strip(),
        awarded_on=awarded_on, issuer=issuer.strip(), recommendation=Recommendation(recommendation),
        created_by_id=actor.id,
    )
    db.session.add(commendation)
    db.session.flush()
    summary = f"表彰{describe(commendation)}"
    if commendation.recommendation != Recommendation.NONE:
        summary += f"，列为{commendation.recommendation_label}对象"
    audit.record("commendation.created", commendation, summary, user_id=commendation.user_id, unit_id=unit.id,
                 honour=commendation.honour, awarded_on=awarded_on, issuer=commendation.issuer,
                 recommendation=commendation.recommendation, actor=actor)
    return commendation


def edit(commendation: Commendation, actor, *, user_id: int | None, unit_id: int | None, honour: str, reason: str,
         awarded_on: date, issuer: str, recommendation: str) -> None:
    if user_id == commendation.user_id and commendation.user_id is not None:
        unit_id = commendation.unit_id  # the person's unit when commended stays, even if they moved since
    person, unit = _resolve(user_id, unit_id, recommendation)
    values = {
        "user_id": person.id if person else None, "unit_id": unit.id, "honour": honour.strip(),
        "reason": reason.strip(), "awarded_on": awarded_on, "issuer": issuer.strip(),
        "recommendation": recommendation,
    }
    changed = {name: value for name, value in values.items() if getattr(commendation, name) != value}
    if not changed:
        return
    before = {name: getattr(commendation, name) for name in changed}
    for name, value in changed.items():
        if name == "user_id":
            commendation.user = person
        elif name == "unit_id":
            commendation.unit = unit
        else:
            setattr(commendation, name, value)
    audit.record("commendation.edited", commendation, f"修改表彰{describe(commendation)}："
                 + "、".join(FIELD_LABELS[name] for name in changed), before=before, after=changed, actor=actor)


def delete(commendation: Commendation, actor) -> None:
    """Deleting a record: the audit row keeps everything it said."""
    audit.record("commendation.deleted", commendation, f"删除表彰{describe(commendation)}",
                 user_id=commendation.user_id, unit_id=commendation.unit_id, honour=commendation.honour,
                 reason=commendation.reason, awarded_on=commendation.awarded_on, issuer=commendation.issuer,
                 recommendation=commendation.recommendation, actor=actor)
    db.session.delete(commendation)
