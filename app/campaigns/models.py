"""A campaign with its four phases (时间节点)."""
from datetime import date, datetime
from enum import StrEnum

from flask import g, has_request_context
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db


class PhaseKind(StrEnum):
    STUDY = "study"
    WARNING = "warning"
    RECTIFY = "rectify"
    INSTITUTION = "institution"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_LABELS = {
    PhaseKind.STUDY: "学习教育",
    PhaseKind.WARNING: "警示教育",
    PhaseKind.RECTIFY: "自查整改",
    PhaseKind.INSTITUTION: "制度建设",
}
PHASE_ORDER = list(PhaseKind)


class Campaign(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    phases: Mapped[list["Phase"]] = relationship(
        back_populates="campaign", order_by="Phase.sort_order", cascade="all, delete-orphan"
    )

    @property
    def starts_on(self) -> date | None:
        return self.phases[0].starts_on if self.phases else None

    @property
    def ends_on(self) -> date | None:
        return self.phases[-1].ends_on if self.phases else None

    def phase_on(self, day: date) -> "Phase | None":
        """The phase running on `day`; between two phases, the one that started last."""
        started = [phase for phase in self.phases if phase.starts_on <= day]
        return started[-1] if started else None


class Phase(db.Model):
    __table_args__ = (UniqueConstraint("campaign_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    sort_order: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    campaign: Mapped[Campaign] = relationship(back_populates="phases")

    @property
    def label(self) -> str:
        return PhaseKind(self.kind).label

    def days_left(self, today: date) -> int:
        return (self.ends_on - today).days


def current_campaign() -> Campaign | None:
    """The current campaign; looked up once per request (the layout and the view both need it)."""
    # With its phases: every page's header shows the current one.
    query = select(Campaign).where(Campaign.is_current.is_(True)).options(joinedload(Campaign.phases))
    if not has_request_context():
        return db.session.scalars(query).unique().first()
    if "current_campaign" not in g:
        g.current_campaign = db.session.scalars(query).unique().first()
    return g.current_campaign
