"""Reading commitment letters: who must sign, who has, per unit and per rank level, in a few queries."""
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, literal, or_, select, true
from sqlalchemy.orm import joinedload

from app.checklists.models import TemplateStatus
from app.commitments.models import LetterTemplate, Signature
from app.extensions import db
from app.org.models import Rank, Unit, User

RANKS = list(Rank)  # 班子成员 → 中层干部 → 一般干部: the order of the 上热中温下冷 view
SIGNED, UNSIGNED = "signed", "unsigned"


def must_sign_condition(template: LetterTemplate):
    """SQL condition on User: asked to sign `template` (active; rank named, or none named)."""
    condition = User.active.is_(True)
    if template.rank_list:
        condition = and_(condition, User.rank.in_(template.rank_list))
    return condition


def _scope(unit_ids):
    return true() if unit_ids is None else User.unit_id.in_(list(unit_ids))


def current_letters(campaign_id: int | None) -> list[LetterTemplate]:
    """The published version of every letter of the campaign."""
    if campaign_id is None:
        return []
    return list(db.session.scalars(
        select(LetterTemplate)
        .where(LetterTemplate.campaign_id == campaign_id, LetterTemplate.status == TemplateStatus.PUBLISHED)
        .order_by(LetterTemplate.family_id)
    ))


def signatures_by_template(user, templates) -> dict[int, Signature]:
    """`user`'s signatures of these templates, by template id (one query)."""
    if not templates:
        return {}
    rows = db.session.scalars(
        select(Signature).where(Signature.user_id == user.id, Signature.template_id.in_([t.id for t in templates]))
    )
    return {signature.template_id: signature for signature in rows}


def my_signatures(user) -> list[Signature]:
    """Everything `user` ever signed, newest first, with the version it was."""
    return list(db.session.scalars(
        select(Signature).where(Signature.user_id == user.id)
        .options(joinedload(Signature.template)).order_by(Signature.signed_at.desc(), Signature.id.desc())
    ))


def progress_letters(campaign_id: int | None) -> list[LetterTemplate]:
    """Versions one may follow progress of: published or superseded, current first."""
    if campaign_id is None:
        return []
    return list(db.session.scalars(
        select(LetterTemplate)
        .where(LetterTemplate.campaign_id == campaign_id, LetterTemplate.status != TemplateStatus.DRAFT)
        .order_by(case((LetterTemplate.status == TemplateStatus.PUBLISHED, 0), else_=1), LetterTemplate.family_id,
                  LetterTemplate.version.desc())
    ))


@dataclass
class Tally:
    required: int = 0
    signed: int = 0

    @property
    def unsigned(self) -> int:
        return self.required - self.signed

    @property
    def rate(self) -> int | None:
        """Signed as a whole percentage (floored, so 99.6% never shows as 100%); None when nobody must sign."""
        return self.signed * 100 // self.required if self.required else None

    def add(self, required: int, signed: int) -> None:
        self.required += required
        self.signed += signed


@dataclass
class UnitProgress:
    unit: Unit
    total: Tally = field(default_factory=Tally)
    by_rank: dict[str, Tally] = field(default_factory=lambda: {rank: Tally() for rank in RANKS})
    unsigned_names: list[str] = field(default_factory=list)


@dataclass
class Progress:
    units: list[UnitProgress]
    by_rank: dict[str, Tally]
    total: Tally


def progress(template: LetterTemplate, unit_ids=None) -> Progress:
    """Required / signed per unit and rank level, and who has not signed: three queries whatever
    the size of the bureau. `unit_ids`: the units to count (None: every unit)."""
    signed = and_(Signature.user_id == User.id, Signature.template_id == template.id)
    people = and_(must_sign_condition(template), _scope(unit_ids))
    counts = db.session.execute(
        select(User.unit_id, User.rank, func.count(User.id), func.count(Signature.id))
        .outerjoin(Signature, signed).where(people).group_by(User.unit_id, User.rank)
    ).all()
    unsigned = db.session.execute(
        select(User.unit_id, User.full_name).outerjoin(Signature, signed)
        .where(people, Signature.id.is_(None)).order_by(User.unit_id, _rank_order(), User.id)
    ).all()
    query = select(Unit).order_by(Unit.sort_order, Unit.id)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(list(unit_ids)))
    units = {unit.id: UnitProgress(unit) for unit in db.session.scalars(query)}
    by_rank = {rank: Tally() for rank in RANKS}
    total = Tally()
    for unit_id, rank, required, done in counts:
        row = units[unit_id]
        row.total.add(required, done)
        row.by_rank[rank].add(required, done)
        by_rank[rank].add(required, done)
        total.add(required, done)
    for unit_id, name in unsigned:
        units[unit_id].unsigned_names.append(name)
    # Units nobody in which must sign (e.g. inactive ones) are left out of the table.
    rows = [row for row in units.values() if row.total.required]
    return Progress(rows, by_rank, total)


def _rank_order():
    return case({rank.value: index for index, rank in enumerate(RANKS)}, value=User.rank, else_=len(RANKS))


def people(template: LetterTemplate, unit_ids=None, unit_id: int | None = None, rank: str = "",
           status: str = "") -> list[tuple[User, Signature | None]]:
    """Each person asked to sign, with their signature or None: by unit, rank level, name. One query."""
    query = (
        select(User, Signature)
        .outerjoin(Signature, and_(Signature.user_id == User.id, Signature.template_id == template.id))
        .join(Unit, Unit.id == User.unit_id)
        .where(must_sign_condition(template), _scope(unit_ids))
        .options(joinedload(User.unit))
        .order_by(Unit.sort_order, Unit.id, _rank_order(), User.id)
    )
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    if rank:
        query = query.where(User.rank == rank)
    if status == SIGNED:
        query = query.where(Signature.id.is_not(None))
    elif status == UNSIGNED:
        query = query.where(Signature.id.is_(None))
    return [(user, signature) for user, signature in db.session.execute(query).all()]


def unit_signatures(template: LetterTemplate, unit_id: int) -> list[Signature]:
    """The unit's signed letters of one version, in the unit's order of people (for printing)."""
    return list(db.session.scalars(
        select(Signature).join(User, User.id == Signature.user_id)
        .where(Signature.template_id == template.id, Signature.unit_id == unit_id)
        .options(joinedload(Signature.user), joinedload(Signature.unit))
        .order_by(_rank_order(), User.id)
    ))


@dataclass
class LetterTodo:
    template_id: int
    title: str
    due_on: object
    must_sign: bool  # I must sign it and have not
    unit_unsigned: int  # people of my unit who must sign and have not (counted for unit heads only)


def letter_todos(user, campaign_id: int | None, count_unit: bool) -> list[LetterTodo]:
    """The current letters with what is left to do about them, for the home page: one query."""
    if campaign_id is None:
        return []
    template = LetterTemplate
    # Rank named in the template's comma-separated list, or none named (SQL, so it correlates).
    rank_named = or_(template.target_ranks == "",
                     (literal(",") + template.target_ranks + literal(",")).contains(literal(",") + User.rank + literal(",")))
    signed = select(Signature.id).where(Signature.template_id == template.id, Signature.user_id == User.id)
    mine = select(User.id).where(User.id == user.id, User.active.is_(True), rank_named, ~signed.exists())
    unit = (
        select(func.count(User.id))
        .where(User.unit_id == user.unit_id, User.active.is_(True), rank_named, ~signed.exists())
        .scalar_subquery()
    ) if count_unit else literal(0)
    rows = db.session.execute(
        select(template.id, template.title, template.due_on, mine.exists(), unit)
        .where(template.campaign_id == campaign_id, template.status == TemplateStatus.PUBLISHED)
        .order_by(template.family_id)
    ).all()
    return [LetterTodo(*row) for row in rows]
