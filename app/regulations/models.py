"""制度建设: the register of rules, kept under review (动态调整) and linked to the ledger items they answer."""
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.ledger.models import Labelled, LedgerItem
from app.org.models import Unit


class RuleAction(Labelled):
    NEW = "new"
    REVISE = "revise"
    ABOLISH = "abolish"


RuleAction.LABELS = {RuleAction.NEW: "新建", RuleAction.REVISE: "修订", RuleAction.ABOLISH: "废止"}


class RuleStatus(Labelled):
    DRAFTING = "drafting"
    ISSUED = "issued"
    ABOLISHED = "abolished"


RuleStatus.LABELS = {RuleStatus.DRAFTING: "起草中", RuleStatus.ISSUED: "已印发", RuleStatus.ABOLISHED: "已废止"}

regulation_ledger_item = Table(
    "regulation_ledger_item",
    db.metadata,
    Column("regulation_id", Integer, ForeignKey("regulation.id", ondelete="CASCADE"), primary_key=True),
    Column("ledger_item_id", Integer, ForeignKey("ledger_item.id", ondelete="CASCADE"), primary_key=True),
)


class Regulation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    document_number: Mapped[str] = mapped_column(String(60), default="")  # 文号, e.g. 青建发〔2026〕12号
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=RuleStatus.DRAFTING, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The document itself, stored like evidence files: outside static/, served through a view.
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_stored_name: Mapped[str] = mapped_column(String(80), default="")
    file_content_type: Mapped[str] = mapped_column(String(100), default="")
    file_size: Mapped[int] = mapped_column(Integer, default=0)
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    owner_unit: Mapped[Unit] = relationship()
    ledger_items: Mapped[list[LedgerItem]] = relationship(secondary=regulation_ledger_item,
                                                          order_by=LedgerItem.id)

    @property
    def action_label(self) -> str:
        return RuleAction(self.action).label

    @property
    def status_label(self) -> str:
        return RuleStatus(self.status).label

    def review_due(self, today: date) -> bool:
        """动态调整: an issued rule past its next review date."""
        return self.status == RuleStatus.ISSUED and self.next_review_on is not None and self.next_review_on < today
