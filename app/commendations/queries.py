"""Reading commendations: the list of commended people and units, and the 推荐对象 list."""
from dataclasses import asdict, dataclass, fields

from sqlalchemy import case, or_, select
from sqlalchemy.orm import joinedload

from app import policy
from app.commendations.models import Commendation, Recommendation
from app.org.models import Unit, User

ANY = "any"  # any recommendation: 推荐提拔使用 or 职级晋升推荐


@dataclass
class CommendationFilters:
    recommendation: str = ""
    kind: str = ""
    unit: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args, may_see_recommendations: bool) -> "CommendationFilters":
        """Unknown or malformed values are ignored; the recommendation filter only for those who see it."""
        recommendation = args.get("recommendation", "")
        allowed = {r.value for r in Recommendation} | {ANY}
        kind = args.get("kind", "")
        return cls(
            recommendation=recommendation if may_see_recommendations and recommendation in allowed else "",
            kind=kind if kind in ("person", "unit") else "",
            unit=args.get("unit", type=int),
            q=args.get("q", "").strip()[:50],
        )

    def as_args(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")}

    @property
    def active(self) -> bool:
        return asdict(self) != asdict(CommendationFilters())


def commendations_query(user, filters: CommendationFilters):
    """The commendations `user` may read, filtered: newest first; on one day people before units,
    in the units' order."""
    query = (
        select(Commendation).join(Unit, Commendation.unit_id == Unit.id)
        .where(policy.commendation_scope(user))
        .options(joinedload(Commendation.user), joinedload(Commendation.unit))
        .order_by(Commendation.awarded_on.desc(), Commendation.user_id.is_(None), Unit.sort_order, Commendation.id)
    )
    if filters.recommendation == ANY:
        query = query.where(Commendation.recommendation != Recommendation.NONE)
    elif filters.recommendation:
        query = query.where(Commendation.recommendation == filters.recommendation)
    if filters.kind == "person":
        query = query.where(Commendation.user_id.is_not(None))
    elif filters.kind == "unit":
        query = query.where(Commendation.user_id.is_(None))
    if filters.unit:
        query = query.where(Commendation.unit_id == filters.unit)
    if filters.q:
        pattern = f"%{filters.q}%"
        query = query.outerjoin(User, Commendation.user_id == User.id).where(
            or_(User.full_name.like(pattern), Commendation.honour.like(pattern), Commendation.reason.like(pattern)))
    return query


def recommendations_query(user):
    """推荐对象: people marked 推荐提拔使用 or 职级晋升推荐, by kind, then unit order."""
    return (
        select(Commendation)
        .join(Unit, Commendation.unit_id == Unit.id)
        .where(policy.commendation_scope(user), Commendation.user_id.is_not(None),
               Commendation.recommendation != Recommendation.NONE)
        .options(joinedload(Commendation.user), joinedload(Commendation.unit))
        .order_by(case((Commendation.recommendation == Recommendation.PROMOTION, 0), else_=1), Unit.sort_order,
                  Commendation.awarded_on.desc(), Commendation.id)
    )
