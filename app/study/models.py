"""学习教育 and 警示教育: sessions with attendance, a reading list with 已阅, reflections (学习心得)."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, utcnow
from app.extensions import db
from app.ledger.models import Labelled
from app.org.models import Unit, User


class SessionKind(Labelled):
    CENTRAL = "central"
    GROUP = "group"
    EXCHANGE = "exchange"
    PARTY = "party"
    WARNING_FILM = "warning_film"


SessionKind.LABELS = {
    SessionKind.CENTRAL: "集中学习", SessionKind.GROUP: "分组讨论", SessionKind.EXCHANGE: "交流发言",
    SessionKind.PARTY: "三会一课", SessionKind.WARNING_FILM: "观看警示教育片",
}


class StudySession(db.Model):
    """A study or warning-education session people must attend."""

    __tablename__ = "study_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(100), default="")
    # People sign themselves in only between these two moments.
    signin_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signin_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who must attend: rank levels (comma-separated; empty = all) and units (none = every unit).
    target_ranks: Mapped[str] = mapped_column(String(100), default="")
    materials: Mapped[str] = mapped_column(Text, default="")  # text and links, one per line
    organiser_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organiser_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Cancelled (with the reason shown): nobody signs in, and its attendance counts nowhere.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")

    organiser: Mapped[User] = relationship(foreign_keys=[organiser_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    organiser_unit: Mapped[Unit] = relationship(foreign_keys=[organiser_unit_id])
    target_units: Mapped[list[Unit]] = relationship(secondary="study_session_unit")
    speakers: Mapped[list["SessionSpeaker"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionSpeaker.id"
    )
    files: Mapped[list["SessionFile"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionFile.id"
    )

    @property
    def kind_label(self) -> str:
        return SessionKind(self.kind).label

    @property
    def rank_list(self) -> list[str]:
        return [rank for rank in self.target_ranks.split(",") if rank]

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def signin_open(self, now: datetime) -> bool:
        """Whether people may sign themselves in at `now` (the window's ends included)."""
        return not self.cancelled and self.signin_opens_at <= now <= self.signin_closes_at

    def counted(self, now: datetime) -> bool:
        """Begun and its sign-in over, not cancelled: its attendance is final and counts in the rates."""
        return not self.cancelled and self.starts_at <= now and self.signin_closes_at < now

    @property
    def organiser_label(self) -> str:
        """Who organises it, as people know them: 专项办 for the bureau's office of the campaign."""
        return "专项办" if self.organiser.role == "admin" else self.organiser_unit.name

    def stage(self, now: datetime) -> str:
        """cancelled / upcoming / signin (window open) / ongoing / ended, for the label shown on lists."""
        if self.cancelled:
            return "cancelled"
        if self.signin_open(now):
            return "signin"
        if now < self.starts_at:
            return "upcoming"
        return "ongoing" if now <= self.ends_at else "ended"

    def stage_label(self, now: datetime) -> str:
        return SESSION_STAGES[self.stage(now)]


SESSION_STAGES = {"cancelled": "已取消", "upcoming": "未开始", "signin": "签到中", "ongoing": "进行中", "ended": "已结束"}


class StudySessionUnit(db.Model):
    __tablename__ = "study_session_unit"

    session_id: Mapped[int] = mapped_column(ForeignKey("study_session.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)


class SessionSpeaker(db.Model):
    """A 交流发言 speaker and their topic."""

    __tablename__ = "session_speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    topic: Mapped[str] = mapped_column(String(200), default="")

    session: Mapped[StudySession] = relationship(back_populates="speakers")
    user: Mapped[User] = relationship()


class AttendanceStatus(Labelled):
    PRESENT = "present"
    LEAVE = "leave"
    ABSENT = "absent"


AttendanceStatus.LABELS = {
    AttendanceStatus.PRESENT: "出席", AttendanceStatus.LEAVE: "请假", AttendanceStatus.ABSENT: "缺席",
}


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200), default="")
    signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set when people sign in themselves
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[StudySession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def status_label(self) -> str:
        return AttendanceStatus(self.status).label


class ReadingKind(Labelled):
    WARNING_CASE = "warning_case"
    MATERIAL = "material"


ReadingKind.LABELS = {ReadingKind.WARNING_CASE: "警示教育书录", ReadingKind.MATERIAL: "学习资料"}


class Reading(db.Model):
    """Something people must read: a warning case (警示教育书录) or a study material."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    target_ranks: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return ReadingKind(self.kind).label

    @property
    def rank_list(self) -> list[str]:
        return [rank for rank in self.target_ranks.split(",") if rank]

    @property
    def web_link(self) -> str:
        """The link to show, only when it is a web address: the form checks it, and what reached
        the database some other way (a restored backup, a hand edit) never becomes a javascript: link."""
        return self.link if self.link.startswith(("http://", "https://")) else ""


class ReadingAck(db.Model):
    """已阅: who read what, when."""

    __tablename__ = "reading_ack"
    __table_args__ = (UniqueConstraint("reading_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reading_id: Mapped[int] = mapped_column(ForeignKey("reading.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReflectionState(Labelled):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PASSED = "passed"


ReflectionState.LABELS = {
    ReflectionState.DRAFT: "草稿", ReflectionState.SUBMITTED: "待审阅", ReflectionState.RETURNED: "退回修改",
    ReflectionState.PASSED: "合格",
}


class Reflection(db.Model):
    """学习心得, for a session or for the campaign as a whole; the unit head reviews it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("study_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=ReflectionState.DRAFT, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    session: Mapped[StudySession | None] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit] = relationship()
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def state_label(self) -> str:
        return ReflectionState(self.state).label


class SessionFile(db.Model):
    """A study material file (讲稿, 文件, 案例汇编) attached to a session; stored like evidence."""

    __tablename__ = "session_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_session.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[StudySession] = relationship(back_populates="files")
