"""Reading the ledger: the filtered, sorted list every ledger page and export shares."""
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, selectinload

from app import policy
from app.ledger import figures
from app.ledger.models import (
    CATEGORIES,
    DUE_SOON_DAYS,
    OPEN_STATES,
    ExtensionRequest,
    ExtensionState,
    LedgerItem,
    RectifyType,
    Source,
    State,
)
from app.org.models import Unit

# The state filter "items still to be rectified" (待整改 and 整改中): what the responsible person
# has to act on; items waiting for 初审 or 销号 are the reviewers' to act on.
RECTIFYING = "rectifying"
RECTIFYING_STATES = (State.PENDING, State.IN_PROGRESS)

SORTS = {
    # Unit.id, not LedgerItem.unit_id: then units walked in order (ix_unit_sort_order_id) and each
    # unit's items by 序号 (the unique index) are already in this order, and nothing is sorted.
    "code": ("按序号", lambda: (Unit.sort_order, Unit.id, LedgerItem.serial)),
    "due": ("按整改时限", lambda: (LedgerItem.due_on.is_(None), LedgerItem.due_on, LedgerItem.id)),
    "updated": ("按最近更新", lambda: (LedgerItem.updated_at.desc(), LedgerItem.id.desc())),
}


@dataclass
class LedgerFilters:
    campaign: int | None = None
    unit: int | None = None
    state: str = ""
    source: str = ""
    category: str = ""
    rectify_type: str = ""
    overdue: bool = False
    due_soon: bool = False
    supervised: bool = False
    extension: bool = False
    returned: bool = False
    mine: bool = False
    q: str = ""
    sort: str = "code"

    @classmethod
    def from_args(cls, args, campaign_id: int | None) -> "LedgerFilters":
        """Unknown or malformed values are ignored, never an error page."""
        unit = args.get("unit", type=int)
        return cls(
            campaign=args.get("campaign", type=int) or campaign_id,
            unit=unit,
            state=_one_of(args.get("state", ""), [s.value for s in State] + ["open", RECTIFYING]),
            source=_one_of(args.get("source", ""), [s.value for s in Source]),
            category=_one_of(args.get("category", ""), CATEGORIES),
            rectify_type=_one_of(args.get("rectify_type", ""), [t.value for t in RectifyType]),
            overdue=args.get("overdue") == "1",
            due_soon=args.get("due_soon") == "1",
            supervised=args.get("supervised") == "1",
            extension=args.get("extension") == "1",
            returned=args.get("returned") == "1",
            mine=args.get("mine") == "1",
            q=args.get("q", "").strip()[:50],
            sort=_one_of(args.get("sort", ""), list(SORTS)) or "code",
        )

    def as_args(self) -> dict:
        """The non-empty filters, for links and page numbers."""
        out = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value in (None, "", False) or (field.name == "sort" and value == "code"):
                continue
            out[field.name] = "1" if value is True else value
        return out

    @property
    def active(self) -> bool:
        defaults = asdict(LedgerFilters(campaign=self.campaign))
        return asdict(self) != defaults


def _one_of(value: str, allowed) -> str:
    return value if value in allowed else ""


def ledger_query(user, filters: LedgerFilters, today: date, columns=None):
    """Items `user` may see, filtered and sorted, with what each row shows loaded in one go; or,
    given `columns`, only those columns of the same rows (the Excel export: no objects to build)."""
    if columns is None:
        # The unit from the join the order needs; the people of the page's rows by their ids
        # afterwards. Joined into the page query, they made PostgreSQL merge the whole user table
        # (30,000 people in a province) into every page.
        query = select(LedgerItem).options(
            contains_eager(LedgerItem.unit), selectinload(LedgerItem.owner), selectinload(LedgerItem.leader))
    else:
        query = select(*columns).select_from(LedgerItem)
    query = query.join(Unit, Unit.id == LedgerItem.unit_id).where(
        *visible_conditions(user), *filter_conditions(user, filters, today))
    return query.order_by(*SORTS[filters.sort][1]())


def visible_conditions(user) -> list:
    """The items `user` may see at all: what every list, and every count of a list, starts from."""
    return [policy.ledger_scope(user), policy.ledger_unit_scope(user)]


def filter_conditions(user, filters: LedgerFilters, today: date) -> list:
    """The list's filters as SQL conditions; the home page's to-dos count with the same ones, so a
    to-do's figure is the number of rows its link shows."""
    conditions = []
    if filters.campaign:
        conditions.append(LedgerItem.campaign_id == filters.campaign)
    if filters.unit:
        conditions.append(LedgerItem.unit_id == filters.unit)
    if filters.state == "open":
        conditions.append(LedgerItem.state.in_(OPEN_STATES))
    elif filters.state == RECTIFYING:
        conditions.append(LedgerItem.state.in_(RECTIFYING_STATES))
    elif filters.state:
        conditions.append(LedgerItem.state == filters.state)
    for name in ("source", "category", "rectify_type"):
        if getattr(filters, name):
            conditions.append(getattr(LedgerItem, name) == getattr(filters, name))
    if filters.overdue:
        conditions += [LedgerItem.state.in_(OPEN_STATES), LedgerItem.due_on < today]
    if filters.due_soon:
        conditions += [
            LedgerItem.state.in_(OPEN_STATES), LedgerItem.due_on >= today,
            LedgerItem.due_on <= today + timedelta(days=DUE_SOON_DAYS),
        ]
    if filters.supervised:
        conditions += [LedgerItem.supervised.is_(True), LedgerItem.state.in_(OPEN_STATES)]
    if filters.extension:
        pending = select(ExtensionRequest.item_id).where(ExtensionRequest.state == ExtensionState.PENDING)
        conditions.append(LedgerItem.id.in_(pending))
    if filters.returned:
        conditions.append(LedgerItem.return_reason != "")
    if filters.mine:
        conditions.append(LedgerItem.owner_id == user.id)
    if filters.q:
        pattern = f"%{filters.q}%"
        conditions.append(or_(
            LedgerItem.description.like(pattern), LedgerItem.measures.like(pattern),
            LedgerItem.progress.like(pattern), LedgerItem.remarks.like(pattern),
        ))
    return conditions


@dataclass
class UnitCounts:
    """A unit's ledger in figures, as app.ledger.figures defines them (the 对账 view and 对账单)."""

    total: int = 0
    pending: int = 0
    in_progress: int = 0
    first_review: int = 0
    sign_off: int = 0
    closed: int = 0
    overdue: int = 0
    supervised: int = 0

    @property
    def closed_rate(self) -> int:
        return figures.closed_rate(self.closed, self.total) or 0


def pending_extensions(item_ids) -> dict:
    """The pending 延期申请 of these items by item id, in one query: a row shows the date asked and why."""
    from app.extensions import db

    if not item_ids:
        return {}
    requests = db.session.scalars(select(ExtensionRequest).where(
        ExtensionRequest.item_id.in_(list(item_ids)), ExtensionRequest.state == ExtensionState.PENDING))
    return {request.item_id: request for request in requests}


def unit_counts(user, unit_ids, campaign_id: int | None, today: date) -> dict[int, UnitCounts]:
    """Counts per unit of the items `user` may see (those the 对账 view lists), in one grouped query
    (never one query per unit)."""
    from app.extensions import db

    keys = [f.name for f in fields(UnitCounts)]
    query = (
        select(LedgerItem.unit_id, *(figures.count(key, today) for key in keys))
        .where(LedgerItem.unit_id.in_(list(unit_ids)), policy.ledger_scope(user))
        .group_by(LedgerItem.unit_id)
    )
    if campaign_id:
        query = query.where(LedgerItem.campaign_id == campaign_id)
    counts = {unit_id: UnitCounts() for unit_id in unit_ids}
    for unit_id, *numbers in db.session.execute(query):
        counts[unit_id] = UnitCounts(*numbers)
    return counts
