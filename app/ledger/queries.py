"""Reading the ledger: the filtered, sorted list every ledger page and export shares."""
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, selectinload

from app import policy
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
            state=_one_of(args.get("state", ""), [s.value for s in State] + ["open"]),
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
        policy.ledger_scope(user), policy.ledger_unit_scope(user))
    if filters.campaign:
        query = query.where(LedgerItem.campaign_id == filters.campaign)
    if filters.unit:
        query = query.where(LedgerItem.unit_id == filters.unit)
    if filters.state == "open":
        query = query.where(LedgerItem.state.in_(OPEN_STATES))
    elif filters.state:
        query = query.where(LedgerItem.state == filters.state)
    for name in ("source", "category", "rectify_type"):
        if getattr(filters, name):
            query = query.where(getattr(LedgerItem, name) == getattr(filters, name))
    if filters.overdue:
        query = query.where(LedgerItem.state.in_(OPEN_STATES), LedgerItem.due_on < today)
    if filters.due_soon:
        query = query.where(
            LedgerItem.state.in_(OPEN_STATES), LedgerItem.due_on >= today,
            LedgerItem.due_on <= today + timedelta(days=DUE_SOON_DAYS),
        )
    if filters.supervised:
        query = query.where(LedgerItem.supervised.is_(True), LedgerItem.state.in_(OPEN_STATES))
    if filters.extension:
        pending = select(ExtensionRequest.item_id).where(ExtensionRequest.state == ExtensionState.PENDING)
        query = query.where(LedgerItem.id.in_(pending))
    if filters.returned:
        query = query.where(LedgerItem.return_reason != "")
    if filters.mine:
        query = query.where(LedgerItem.owner_id == user.id)
    if filters.q:
        pattern = f"%{filters.q}%"
        query = query.where(or_(
            LedgerItem.description.like(pattern), LedgerItem.measures.like(pattern),
            LedgerItem.progress.like(pattern), LedgerItem.remarks.like(pattern),
        ))
    return query.order_by(*SORTS[filters.sort][1]())


@dataclass
class UnitCounts:
    """A unit's ledger in figures, as the 对账单 states them."""

    total: int = 0
    new: int = 0
    in_progress: int = 0
    closed: int = 0
    overdue: int = 0
    supervised: int = 0

    @property
    def closed_rate(self) -> int:
        return self.closed * 100 // self.total if self.total else 0  # rounded down, as every rate


def pending_extensions(item_ids) -> dict:
    """The pending 延期申请 of these items by item id, in one query: a row shows the date asked and why."""
    from app.extensions import db

    if not item_ids:
        return {}
    requests = db.session.scalars(select(ExtensionRequest).where(
        ExtensionRequest.item_id.in_(list(item_ids)), ExtensionRequest.state == ExtensionState.PENDING))
    return {request.item_id: request for request in requests}


def unit_counts(unit_ids, campaign_id: int | None, today: date) -> dict[int, UnitCounts]:
    """Counts per unit in one grouped query (never one query per unit)."""
    from sqlalchemy import case, func

    open_ = LedgerItem.state.in_(OPEN_STATES)

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (
        select(
            LedgerItem.unit_id,
            func.count(LedgerItem.id),
            count_if(LedgerItem.state == State.PENDING),
            count_if(LedgerItem.state.in_((State.IN_PROGRESS, State.FIRST_REVIEW, State.SIGN_OFF))),
            count_if(LedgerItem.state == State.CLOSED),
            count_if(open_ & (LedgerItem.due_on < today)),
            count_if(open_ & LedgerItem.supervised.is_(True)),
        )
        .where(LedgerItem.unit_id.in_(list(unit_ids)), LedgerItem.is_discipline.is_(False))
        .group_by(LedgerItem.unit_id)
    )
    if campaign_id:
        query = query.where(LedgerItem.campaign_id == campaign_id)
    from app.extensions import db

    counts = {unit_id: UnitCounts() for unit_id in unit_ids}
    for unit_id, *figures in db.session.execute(query):
        counts[unit_id] = UnitCounts(*figures)
    return counts
