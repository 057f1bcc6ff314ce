"""Units, users and leaders' portfolios (分管单位)."""
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.database import UTCDateTime, utcnow
from app.extensions import db


class UnitKind(StrEnum):
    BUREAU = "bureau"
    OFFICE = "office"
    SERVICE_CENTER = "service_center"
    SUBORDINATE = "subordinate"

    @property
    def label(self) -> str:
        return UNIT_KIND_LABELS[self]


UNIT_KIND_LABELS = {
    UnitKind.BUREAU: "局",
    UnitKind.OFFICE: "机关股室",
    UnitKind.SERVICE_CENTER: "政务服务中心",
    UnitKind.SUBORDINATE: "二级单位",
}


class Role(StrEnum):
    STAFF = "staff"
    UNIT_HEAD = "unit_head"
    LEADER = "leader"
    INSPECTOR = "inspector"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STAFF: "干部职工",
    Role.UNIT_HEAD: "股室负责人",
    Role.LEADER: "班子成员",
    Role.INSPECTOR: "督查/纪检",
    Role.ADMIN: "专项办",
}


class Rank(StrEnum):
    """Rank level, kept apart from role: it drives the 上热中温下冷 view."""

    LEADERSHIP = "leadership"
    MIDDLE = "middle"
    GENERAL = "general"

    @property
    def label(self) -> str:
        return RANK_LABELS[self]


RANK_LABELS = {
    Rank.LEADERSHIP: "班子成员",
    Rank.MIDDLE: "中层干部",
    Rank.GENERAL: "一般干部",
}


portfolio = Table(
    "portfolio",
    db.metadata,
    Column("leader_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(db.Model):
    __table_args__ = (Index("ix_unit_sort_order_id", "sort_order", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=UnitKind.OFFICE)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(
        back_populates="parent", order_by="Unit.sort_order, Unit.id"
    )
    members: Mapped[list["User"]] = relationship(back_populates="unit")

    @property
    def kind_label(self) -> str:
        return UnitKind(self.kind).label

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name}>"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=Role.STAFF)
    rank: Mapped[str] = mapped_column(String(20), default=Rank.GENERAL)
    title: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Part of the login id kept in the session cookie: raising it ends every session of the user.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship(back_populates="members")
    portfolio_units: Mapped[list[Unit]] = relationship(
        secondary=portfolio, order_by="Unit.sort_order, Unit.id"
    )

    # Flask-Login: the login id carries the session version, so old cookies stop working.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        self.session_version = (self.session_version or 0) + 1

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def rank_label(self) -> str:
        return Rank(self.rank).label

    @property
    def portfolio_unit_ids(self) -> frozenset[int]:
        return frozenset(unit.id for unit in self.portfolio_units)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


def units_in_order():
    """All units, bureau first, then by kind order and sort order: the order every list uses."""
    return db.session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id)).all()

