"""Self-inspection checklists (自查清单): templates with sections and items, and each person's 自查表."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.ledger.models import Labelled
from app.org.models import Rank, Unit, User


class TemplateStatus(Labelled):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


TemplateStatus.LABELS = {
    TemplateStatus.DRAFT: "草稿", TemplateStatus.PUBLISHED: "已发布", TemplateStatus.SUPERSEDED: "已被新版本替代",
}


class ChecklistTemplate(db.Model):
    """One version of a checklist. Revising a published template makes a new version of the same
    family; the self-inspections already given keep the version they answered."""

    __tablename__ = "checklist_template"
    __table_args__ = (UniqueConstraint("family_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)  # id of the first version
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(120))
    instructions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=TemplateStatus.DRAFT)
    due_on: Mapped[date | None] = mapped_column(Date)
    # Who must fill it: rank levels (comma-separated Rank values; empty = every rank) and units
    # (ChecklistTemplateUnit rows; none = every unit).
    target_ranks: Mapped[str] = mapped_column(String(100), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sections: Mapped[list["ChecklistSection"]] = relationship(
        back_populates="template", order_by="ChecklistSection.sort_order", cascade="all, delete-orphan"
    )
    target_units: Mapped[list[Unit]] = relationship(secondary="checklist_template_unit")

    @property
    def status_label(self) -> str:
        return TemplateStatus(self.status).label

    @property
    def rank_list(self) -> list[str]:
        return [rank for rank in self.target_ranks.split(",") if rank]

    @property
    def rank_labels(self) -> list[str]:
        return [Rank(rank).label for rank in self.rank_list]

    @property
    def label(self) -> str:
        """The title with its version, as lists and the history name it."""
        return f"{self.title}（第{self.version}版）"

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


class ChecklistTemplateUnit(db.Model):
    __tablename__ = "checklist_template_unit"

    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id", ondelete="CASCADE"),
                                             primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)


class ChecklistSection(db.Model):
    """A 方面 of the checklist, e.g. 思想认识 or 服务群众."""

    __tablename__ = "checklist_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    template: Mapped[ChecklistTemplate] = relationship(back_populates="sections")
    items: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="section", order_by="ChecklistItem.sort_order", cascade="all, delete-orphan"
    )


class ChecklistItem(db.Model):
    """One question, e.g. 是否存在效率低下、推诿扯皮的问题."""

    __tablename__ = "checklist_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("checklist_section.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    section: Mapped[ChecklistSection] = relationship(back_populates="items")


class InspectionState(Labelled):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PASSED = "passed"


InspectionState.LABELS = {
    InspectionState.DRAFT: "草稿", InspectionState.SUBMITTED: "已提交", InspectionState.RETURNED: "已退回",
    InspectionState.PASSED: "已通过",
}


class SelfInspection(db.Model):
    """A person's 自查表 against one template version."""

    __tablename__ = "self_inspection"
    __table_args__ = (UniqueConstraint("template_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=InspectionState.DRAFT, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    return_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    template: Mapped[ChecklistTemplate] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit] = relationship()
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    answers: Mapped[list["SelfInspectionAnswer"]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )
    events: Mapped[list["SelfInspectionEvent"]] = relationship(
        back_populates="inspection", order_by="SelfInspectionEvent.id", cascade="all, delete-orphan"
    )

    @property
    def state_label(self) -> str:
        return InspectionState(self.state).label


class SelfInspectionAnswer(db.Model):
    """存在问题 是/否, and for 是: 具体表现, 整改措施, planned date; the ledger item it became."""

    __tablename__ = "self_inspection_answer"
    __table_args__ = (UniqueConstraint("inspection_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("self_inspection.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_item.id"))
    has_problem: Mapped[bool | None] = mapped_column(Boolean)
    manifestation: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    planned_on: Mapped[date | None] = mapped_column(Date)
    ledger_item_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_item.id"), unique=True)

    inspection: Mapped[SelfInspection] = relationship(back_populates="answers")
    item: Mapped[ChecklistItem] = relationship()

    @property
    def locked(self) -> bool:
        """Once in the ledger, a problem is followed up there: the answer is no longer edited."""
        return self.ledger_item_id is not None


class InspectionEventKind(Labelled):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PASSED = "passed"
    MOVED = "moved"


InspectionEventKind.LABELS = {
    InspectionEventKind.SUBMITTED: "提交", InspectionEventKind.RETURNED: "退回",
    InspectionEventKind.PASSED: "审核通过", InspectionEventKind.MOVED: "转到新版本清单",
}


class SelfInspectionEvent(db.Model):
    """History of a 自查表: submitted, returned (with the reason), passed."""

    __tablename__ = "self_inspection_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("self_inspection.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    inspection: Mapped[SelfInspection] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return InspectionEventKind(self.kind).label
