"""Reading the register of rules: the filtered list, a rule's linked items and history, an item's rules."""
from dataclasses import asdict, dataclass, fields
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from app import policy
from app.audit import AuditLog
from app.extensions import db
from app.ledger.models import LedgerItem, State
from app.org.models import Unit, User
from app.regulations.models import Regulation, RuleAction, RuleStatus, regulation_ledger_item

# Audit actions written by app/regulations/services.py: a rule's history (制度沿革).
HISTORY_ACTIONS = (
    "regulation.created", "regulation.edited", "regulation.issued", "regulation.reviewed", "regulation.abolished",
    "regulation.document_uploaded", "regulation.linked", "regulation.unlinked",
)
CANDIDATE_LIMIT = 300


@dataclass
class RuleFilters:
    unit: int | None = None
    action: str = ""
    status: str = ""
    due: bool = False
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "RuleFilters":
        """Unknown or malformed values are ignored, never an error page."""
        action = args.get("action", "")
        status = args.get("status", "")
        return cls(
            unit=args.get("unit", type=int),
            action=action if action in {a.value for a in RuleAction} else "",
            status=status if status in {s.value for s in RuleStatus} else "",
            due=args.get("due") == "1",
            q=args.get("q", "").strip()[:50],
        )

    def as_args(self) -> dict:
        out = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value not in (None, "", False):
                out[field.name] = "1" if value is True else value
        return out

    @property
    def active(self) -> bool:
        return asdict(self) != asdict(RuleFilters())


def due_condition(today: date):
    """SQL: an issued rule past its next review date (the same rule as Regulation.review_due)."""
    return and_(Regulation.status == RuleStatus.ISSUED, Regulation.next_review_on < today)


def register_query(user, filters: RuleFilters, today: date):
    """The rules `user` may read, filtered: by owner unit's order; within a unit newest first,
    abolished ones last."""
    query = (
        select(Regulation).join(Unit, Regulation.owner_unit_id == Unit.id)
        .where(policy.regulation_scope(user))
        .options(joinedload(Regulation.owner_unit))
        .order_by(Unit.sort_order, Regulation.owner_unit_id,
                  case((Regulation.status == RuleStatus.ABOLISHED, 1), else_=0), Regulation.id.desc())
    )
    if filters.unit:
        query = query.where(Regulation.owner_unit_id == filters.unit)
    if filters.action:
        query = query.where(Regulation.action == filters.action)
    if filters.status:
        query = query.where(Regulation.status == filters.status)
    if filters.due:
        query = query.where(due_condition(today))
    if filters.q:
        pattern = f"%{filters.q}%"
        query = query.where(or_(Regulation.title.like(pattern), Regulation.document_number.like(pattern),
                                Regulation.summary.like(pattern)))
    return query


def due_count(user, today: date) -> int:
    return db.session.scalar(
        select(func.count(Regulation.id)).where(policy.regulation_scope(user), due_condition(today))
    ) or 0


def link_counts(regulation_ids) -> dict[int, int]:
    """How many ledger items each rule answers, for a page of rules in one query."""
    if not regulation_ids:
        return {}
    column = regulation_ledger_item.c.regulation_id
    rows = db.session.execute(
        select(column, func.count()).where(column.in_(list(regulation_ids))).group_by(column)
    ).all()
    return dict(rows)


def linked_items(user, regulation: Regulation) -> tuple[list[LedgerItem], int]:
    """The linked ledger items `user` may see, and how many others are linked (not shown)."""
    items = db.session.scalars(
        select(LedgerItem)
        .join(regulation_ledger_item, regulation_ledger_item.c.ledger_item_id == LedgerItem.id)
        .join(Unit, LedgerItem.unit_id == Unit.id)
        .where(regulation_ledger_item.c.regulation_id == regulation.id, policy.ledger_scope(user))
        .options(joinedload(LedgerItem.unit), joinedload(LedgerItem.closed_by))
        .order_by(Unit.sort_order, LedgerItem.unit_id, LedgerItem.campaign_id, LedgerItem.serial)
    ).all()
    total = db.session.scalar(
        select(func.count()).select_from(regulation_ledger_item)
        .where(regulation_ledger_item.c.regulation_id == regulation.id)
    ) or 0
    return list(items), total - len(items)


def candidate_items(user, regulation: Regulation) -> list[LedgerItem]:
    """The owner unit's items `user` may see and the rule does not answer yet: closed ones first
    (a rule is often how an item was closed), then by 序号."""
    linked = select(regulation_ledger_item.c.ledger_item_id).where(
        regulation_ledger_item.c.regulation_id == regulation.id)
    return list(db.session.scalars(
        select(LedgerItem)
        .where(LedgerItem.unit_id == regulation.owner_unit_id, policy.ledger_scope(user),
               LedgerItem.id.not_in(linked))
        .options(joinedload(LedgerItem.unit))
        .order_by(case((LedgerItem.state == State.CLOSED, 0), else_=1), LedgerItem.campaign_id.desc(),
                  LedgerItem.serial)
        .limit(CANDIDATE_LIMIT)
    ))


def rules_for_item(user, item: LedgerItem) -> list[Regulation]:
    """The rules answering a ledger item that `user` may read: one query, for the item's page."""
    return list(db.session.scalars(
        select(Regulation)
        .join(regulation_ledger_item, regulation_ledger_item.c.regulation_id == Regulation.id)
        .where(regulation_ledger_item.c.ledger_item_id == item.id, policy.regulation_scope(user))
        .order_by(Regulation.issued_on.desc(), Regulation.id.desc())
    ))


def history(user, regulation: Regulation) -> list[tuple]:
    """The rule's history (制度沿革) from the audit log, oldest first: (when, who, what). A link to an
    item `user` may not see is told without naming the item."""
    rows = db.session.execute(
        select(AuditLog, User.full_name)
        .outerjoin(User, AuditLog.actor_id == User.id)
        .where(AuditLog.action.in_(HISTORY_ACTIONS), AuditLog.object_type == "Regulation",
               AuditLog.object_id == str(regulation.id))
        .order_by(AuditLog.seq)
    ).all()
    item_ids = {row.details_dict.get("ledger_item_id") for row, _name in rows
                if row.action in ("regulation.linked", "regulation.unlinked")}
    visible = set(db.session.scalars(
        select(LedgerItem.id).where(LedgerItem.id.in_(item_ids), policy.ledger_scope(user))
    )) if item_ids else set()
    out = []
    for row, name in rows:
        text = row.summary
        item_id = row.details_dict.get("ledger_item_id")
        if item_id is not None and item_id not in visible:
            text = "关联了其他单位的一个问题" if row.action == "regulation.linked" else "取消关联其他单位的一个问题"
        out.append((row.occurred_at, name or row.actor_username or "系统", text))
    return out
