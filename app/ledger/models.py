"""The problem ledger (问题台账): items, their timeline, evidence, extensions, 上级通报 dispatches."""
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.org.models import Unit, User

DUE_SOON_DAYS = 7


class Labelled(StrEnum):
    """A stored value with its Chinese label (LABELS is defined on each subclass)."""

    @property
    def label(self) -> str:
        return self.LABELS[self]  # type: ignore[attr-defined]

    @classmethod
    def choices(cls):
        return [(member.value, member.label) for member in cls]

    @classmethod
    def from_label(cls, label: str):
        for member in cls:
            if member.label == label:
                return member
        return None


class State(Labelled):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    FIRST_REVIEW = "first_review"
    SIGN_OFF = "sign_off"
    CLOSED = "closed"


State.LABELS = {
    State.PENDING: "待整改", State.IN_PROGRESS: "整改中", State.FIRST_REVIEW: "待初审",
    State.SIGN_OFF: "待销号", State.CLOSED: "已销号",
}
OPEN_STATES = (State.PENDING, State.IN_PROGRESS, State.FIRST_REVIEW, State.SIGN_OFF)


class Source(Labelled):
    SELF_INSPECTION = "self_inspection"
    SUPERIOR = "superior"
    PUBLIC = "public"
    MEDIA = "media"
    INSPECTION = "inspection"
    OTHER = "other"


Source.LABELS = {
    Source.SELF_INSPECTION: "自查发现", Source.SUPERIOR: "上级通报", Source.PUBLIC: "群众反映",
    Source.MEDIA: "媒体曝光", Source.INSPECTION: "督查检查", Source.OTHER: "其他",
}


class RectifyType(Labelled):
    IMMEDIATE = "immediate"
    DEADLINE = "deadline"
    LONG_TERM = "long_term"


RectifyType.LABELS = {
    RectifyType.IMMEDIATE: "立行立改", RectifyType.DEADLINE: "限期整改", RectifyType.LONG_TERM: "长期坚持",
}

# 问题类别: the 五方面重点内容 of the campaign, and 其他.
CATEGORIES = ("思想认识", "工作效率", "纪律意识", "廉洁自律", "服务群众", "其他")


class Handling(Labelled):
    """How a discipline case was dealt with (发现一起，上报一起，查处一起)."""

    CRITICISM = "criticism"
    ADMONITION = "admonition"
    TRANSFER = "transfer"
    OTHER = "other"


Handling.LABELS = {
    Handling.CRITICISM: "通报批评", Handling.ADMONITION: "诫勉谈话", Handling.TRANSFER: "移交纪检监察",
    Handling.OTHER: "其他",
}


def item_code(unit_name: str, serial: int) -> str:
    return f"{unit_name}-{serial:03d}"


class LedgerItem(db.Model):
    __tablename__ = "ledger_item"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", "serial"),
        Index("ix_ledger_item_unit_state", "unit_id", "state"),
        Index("ix_ledger_item_campaign_state", "campaign_id", "state"),
        Index("ix_ledger_item_due_on", "due_on"),
        Index("ix_ledger_item_campaign_owner", "campaign_id", "owner_id", "state"),
        Index("ix_ledger_item_campaign_leader", "campaign_id", "leader_id", "state"),
        Index("ix_ledger_item_campaign_updated", "campaign_id", "updated_at", "id"),
        Index("ix_ledger_item_leader_unit", "leader_id", "unit_id"),
        # The list sorted by 整改时限 (queries.SORTS["due"]), read in order.
        Index("ix_ledger_item_campaign_due_sort", "campaign_id", text("(due_on IS NULL)"), "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    serial: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text)
    rectify_type: Mapped[str] = mapped_column(String(20))
    goal: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[str] = mapped_column(Text, default="")
    completion: Mapped[str] = mapped_column(Text, default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=State.PENDING, index=True)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    supervised: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    instruction: Mapped[str] = mapped_column(Text, default="")
    # Why the item was last returned (退回), while it is being reworked: '' once it moves on.
    return_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_discipline: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    handling: Mapped[str | None] = mapped_column(String(20))
    person_concerned: Mapped[str] = mapped_column(String(60), default="")
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatch.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: every UPDATE says WHERE version = <the version read>, so of two people acting
    # at once exactly one succeeds; the other's UPDATE matches no row and becomes a 409.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    events: Mapped[list["LedgerEvent"]] = relationship(
        back_populates="item", order_by="LedgerEvent.id", cascade="all, delete-orphan"
    )
    dispatch: Mapped["Dispatch | None"] = relationship(back_populates="items")

    @property
    def code(self) -> str:
        """序号 as units write it: the unit's name and a per-unit, per-campaign number."""
        return item_code(self.unit.name, self.serial)

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def source_label(self) -> str:
        return Source(self.source).label

    @property
    def rectify_type_label(self) -> str:
        return RectifyType(self.rectify_type).label

    @property
    def handling_label(self) -> str:
        return Handling(self.handling).label if self.handling else ""

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    def is_due_soon(self, today: date) -> bool:
        return (
            self.is_open and self.due_on is not None
            and today <= self.due_on <= today + timedelta(days=DUE_SOON_DAYS)
        )

    @property
    def needs_first_review(self) -> bool:
        """初审 is skipped when the responsible person is the unit head."""
        from app.org.models import Role

        return self.owner.role != Role.UNIT_HEAD


class EventKind(Labelled):
    CREATED = "created"
    EDITED = "edited"
    PROGRESS = "progress"
    SUBMITTED = "submitted"
    FIRST_REVIEW_PASSED = "first_review_passed"
    RETURNED = "returned"
    SIGNED_OFF = "signed_off"
    CLOSED_IMMEDIATELY = "closed_immediately"
    REOPENED = "reopened"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REFUSED = "extension_refused"
    SUPERVISED = "supervised"
    HANDLING_RECORDED = "handling_recorded"


EventKind.LABELS = {
    EventKind.CREATED: "登记问题", EventKind.EDITED: "修改内容", EventKind.PROGRESS: "情况反馈",
    EventKind.SUBMITTED: "提交审核", EventKind.FIRST_REVIEW_PASSED: "初审通过", EventKind.RETURNED: "退回",
    EventKind.SIGNED_OFF: "销号", EventKind.CLOSED_IMMEDIATELY: "立行立改销号", EventKind.REOPENED: "重新打开",
    EventKind.EXTENSION_REQUESTED: "申请延期", EventKind.EXTENSION_APPROVED: "同意延期",
    EventKind.EXTENSION_REFUSED: "不同意延期", EventKind.SUPERVISED: "督办批示",
    EventKind.HANDLING_RECORDED: "记录查处情况",
}


class LedgerEvent(db.Model):
    """One step in an item's timeline: who did what, when, with what note. Never edited."""

    __tablename__ = "ledger_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ledger_item.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[LedgerItem] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    evidence: Mapped[list["Evidence"]] = relationship(back_populates="event", order_by="Evidence.id")

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label


class Evidence(db.Model):
    """A 佐证材料 file, stored under a generated name outside static/."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ledger_item.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("ledger_event.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[LedgerItem] = relationship()
    event: Mapped[LedgerEvent] = relationship(back_populates="evidence")


class ExtensionState(Labelled):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


ExtensionState.LABELS = {
    ExtensionState.PENDING: "待审批", ExtensionState.APPROVED: "已同意", ExtensionState.REFUSED: "不同意",
}


class ExtensionRequest(db.Model):
    """申请延期: the responsible person asks for a later 整改时限; a leader decides."""

    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ledger_item.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    old_due_on: Mapped[date | None] = mapped_column(Date)
    new_due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=ExtensionState.PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[LedgerItem] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def state_label(self) -> str:
        return ExtensionState(self.state).label


class LedgerCounter(db.Model):
    """The last 序号 given in a unit for a campaign; its row lock serialises numbering."""

    __tablename__ = "ledger_counter"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer, default=0)


class Dispatch(db.Model):
    """上级通报: one finding sent to several units; each answers with its items or a 零报告."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where the finding came from: the issuing body and its document number (文号).
    source_unit: Mapped[str] = mapped_column(String(100), default="")
    document_number: Mapped[str] = mapped_column(String(60), default="")
    # The original document, stored like evidence files: outside static/, served through a view.
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_stored_name: Mapped[str] = mapped_column(String(80), default="")
    file_content_type: Mapped[str] = mapped_column(String(100), default="")
    file_size: Mapped[int] = mapped_column(Integer, default=0)
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    # Withdrawn by its sender before any unit answered: kept, shown as 已撤回, asks nobody anything.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdraw_reason: Mapped[str] = mapped_column(String(500), default="")

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    targets: Mapped[list["DispatchTarget"]] = relationship(
        back_populates="dispatch", cascade="all, delete-orphan", order_by="DispatchTarget.id"
    )
    items: Mapped[list[LedgerItem]] = relationship(back_populates="dispatch")


class DispatchTarget(db.Model):
    """One unit a dispatch was sent to, and how it answered."""

    __tablename__ = "dispatch_target"
    __table_args__ = (UniqueConstraint("dispatch_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatch.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    zero_report: Mapped[bool] = mapped_column(Boolean, default=False)
    zero_report_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    dispatch: Mapped[Dispatch] = relationship(back_populates="targets")
    unit: Mapped[Unit] = relationship()
    answered_by: Mapped[User | None] = relationship()
