"""Commitment letters (承诺书): versioned templates and the signatures on the text each person saw."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.checklists.models import TemplateStatus
from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.org.models import Unit, User

PLACEHOLDERS = ("姓名", "单位", "职务", "职级", "日期")


class LetterTemplate(db.Model):
    """One version of a commitment letter; a new version asks everyone to sign again."""

    __tablename__ = "letter_template"
    __table_args__ = (UniqueConstraint("family_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(120))
    # Body text with placeholders in braces: {姓名} {单位} {职务} {职级} {日期}.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=TemplateStatus.DRAFT)
    target_ranks: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_label(self) -> str:
        return TemplateStatus(self.status).label

    @property
    def rank_list(self) -> list[str]:
        return [rank for rank in self.target_ranks.split(",") if rank]


class Signature(db.Model):
    """What one person signed: the rendered text and its hash, the typed name, when and from where.
    Editing or replacing the template later never changes it."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("template_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("letter_template.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    rendered_text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    typed_name: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str] = mapped_column(String(64), default="")

    template: Mapped[LetterTemplate] = relationship()
    user: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
