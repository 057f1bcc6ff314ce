"""表彰: exemplary people and units, and recommendations for promotion (列为提拔使用和职级晋升推荐对象)."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.ledger.models import Labelled
from app.org.models import Unit, User


class Recommendation(Labelled):
    NONE = "none"
    PROMOTION = "promotion"
    RANK = "rank"


Recommendation.LABELS = {
    Recommendation.NONE: "无", Recommendation.PROMOTION: "推荐提拔使用", Recommendation.RANK: "职级晋升推荐",
}


class Commendation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    # A person (user_id set) or a whole unit (user_id empty).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    honour: Mapped[str] = mapped_column(String(100))  # 称号, e.g. 作风建设先进个人
    reason: Mapped[str] = mapped_column(Text)
    awarded_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(100))  # e.g. 局党组
    recommendation: Mapped[str] = mapped_column(String(20), default=Recommendation.NONE, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit] = relationship()

    @property
    def recommendation_label(self) -> str:
        return Recommendation(self.recommendation).label
