"""Reading the study records: who must attend or read, and the rates, in a bounded number of queries.

Who must attend a session (应到): every active person in an active unit whose rank level is one of
the session's target ranks (none chosen: every rank) and whose unit is one of its target units (none
chosen: every unit, the bureau itself included). Who must read an item of the reading list (应阅):
the same by rank level (a reading goes to every unit). Each rule is written in SQL (for lists and
figures) and in Python (for one person), side by side here so they stay the same. Figures are about
the people the rule names today: a person who left, or moved to a unit a session did not ask, no
longer counts (their records are kept).

Rates: 出勤率 = 出席 ÷ 应到. 请假 (excused, with a reason) is not attendance, so it lowers the rate
like 缺席 does; it is counted and shown apart, so that a unit where many were excused reads
differently from one where many stayed away. People with no record yet are 未登记. 阅读率 = 已阅 ÷
应阅. Rates are whole percentages rounded down (99.6% never shows as 100%). Rates across sessions
(per unit, per rank level) count person-sessions of the sessions whose figures are final: begun,
and their sign-in window closed, and not cancelled (StudySession.counted): a cancelled session
counts in no rate, figure or to-do.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, literal, or_, select, true, union_all
from sqlalchemy.orm import joinedload, selectinload

from app import policy
from app.extensions import db
from app.org.models import Rank, Unit, User
from app.study.models import (
    Attendance,
    AttendanceStatus,
    Reading,
    ReadingAck,
    Reflection,
    ReflectionState,
    StudySession,
    StudySessionUnit,
)

RANKS = list(Rank)  # 班子成员 → 中层干部 → 一般干部: the order of the 上热中温下冷 view


def _count_if(condition):
    return func.count(case((condition, 1)))


def rank_matches(ranks_column, rank):
    """SQL: `rank` is one of the comma-separated `ranks_column`, or that column is empty (all ranks)."""
    return or_(ranks_column == "", (literal(",") + ranks_column + literal(",")).contains(literal(",") + rank + literal(",")))


# -- Who must attend ------------------------------------------------------------------------------
def _session_unit_matches(unit_id):
    """SQL on StudySession: it names no units, or it names `unit_id`."""
    named = exists().where(StudySessionUnit.session_id == StudySession.id)
    this = exists().where(StudySessionUnit.session_id == StudySession.id, StudySessionUnit.unit_id == unit_id)
    return or_(~named, this)


def must_attend_condition():
    """SQL on StudySession × User (User joined with Unit): the person must attend the session."""
    return and_(User.active.is_(True), Unit.active.is_(True), rank_matches(StudySession.target_ranks, User.rank),
                _session_unit_matches(User.unit_id))


def sessions_for_person(user):
    """SQL on StudySession: the sessions `user` must attend (their values, not a join)."""
    return and_(rank_matches(StudySession.target_ranks, literal(user.rank)), _session_unit_matches(user.unit_id))


def attendee_condition(session: StudySession):
    """SQL on User (joined with Unit): must attend this one session."""
    conditions = [User.active.is_(True), Unit.active.is_(True)]
    if session.rank_list:
        conditions.append(User.rank.in_(session.rank_list))
    if session.target_units:
        conditions.append(User.unit_id.in_([unit.id for unit in session.target_units]))
    return and_(*conditions)


def must_attend(session: StudySession, user) -> bool:
    """Whether `user` must attend `session`: the same rule, for one person."""
    if not user.active or not user.unit.active:
        return False
    if session.rank_list and user.rank not in session.rank_list:
        return False
    unit_ids = {unit.id for unit in session.target_units}
    return not unit_ids or user.unit_id in unit_ids


def must_read(reading: Reading, user) -> bool:
    return bool(user.active) and (not reading.rank_list or user.rank in reading.rank_list)


def _scope(unit_ids):
    return true() if unit_ids is None else User.unit_id.in_(list(unit_ids))


# -- Figures --------------------------------------------------------------------------------------
@dataclass
class Tally:
    """应到 and what became of them (attendance), or 应阅 and 已阅 (readings: `present` is 已阅)."""

    required: int = 0
    present: int = 0
    leave: int = 0
    absent: int = 0

    @property
    def unrecorded(self) -> int:
        return self.required - self.present - self.leave - self.absent

    @property
    def unread(self) -> int:
        return self.required - self.present

    @property
    def rate(self) -> int | None:
        """Present (or read) as a whole percentage, rounded down; None when nobody was asked."""
        return self.present * 100 // self.required if self.required else None

    def add(self, other: "Tally") -> None:
        self.required += other.required
        self.present += other.present
        self.leave += other.leave
        self.absent += other.absent


@dataclass
class UnitFigures:
    unit: Unit
    total: Tally = field(default_factory=Tally)
    by_rank: dict[str, Tally] = field(default_factory=lambda: {rank: Tally() for rank in RANKS})


@dataclass
class Figures:
    """Rates per unit (with each unit's rank levels), per rank level, and in all."""

    units: list[UnitFigures]
    by_rank: dict[str, Tally]
    total: Tally


def _units(unit_ids) -> list[Unit]:
    query = select(Unit).where(Unit.active.is_(True)).order_by(Unit.sort_order, Unit.id)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(list(unit_ids)))
    return list(db.session.scalars(query))


def _figures(rows, unit_ids) -> Figures:
    """Rows of (unit id, rank, required, present, leave, absent) → Figures; units without anyone
    asked are left out."""
    units = {unit.id: UnitFigures(unit) for unit in _units(unit_ids)}
    by_rank = {rank: Tally() for rank in RANKS}
    total = Tally()
    for unit_id, rank, *counts in rows:
        tally = Tally(*counts)
        if unit_id in units:
            units[unit_id].total.add(tally)
            units[unit_id].by_rank[rank].add(tally)
        by_rank[rank].add(tally)
        total.add(tally)
    return Figures([row for row in units.values() if row.total.required], by_rank, total)


def _attendance_join():
    return and_(Attendance.session_id == StudySession.id, Attendance.user_id == User.id)


def _attendance_counts():
    return (
        func.count(User.id),
        _count_if(Attendance.status == AttendanceStatus.PRESENT),
        _count_if(Attendance.status == AttendanceStatus.LEAVE),
        _count_if(Attendance.status == AttendanceStatus.ABSENT),
    )


def _people_by_session():
    """StudySession × the people who must attend it, with their attendance (if any).

    The pairs are made from two sides: a session that names units with those units' people
    (through study_session_unit), a session that names none with everyone. Pairing every session
    with every person and filtering afterwards (as must_attend_condition reads) gives the same
    rows, but a province's thousand unit sessions × 30,000 people took seconds.
    """
    named = exists().where(StudySessionUnit.session_id == StudySession.id)
    pairs = union_all(
        select(StudySessionUnit.session_id.label("session_id"), User.id.label("user_id"))
        .join(User, User.unit_id == StudySessionUnit.unit_id),
        select(StudySession.id, User.id).select_from(StudySession).join(User, true()).where(~named),
    ).subquery("must_attend")
    return (
        select(StudySession.id).select_from(pairs)
        .join(StudySession, StudySession.id == pairs.c.session_id)
        .join(User, User.id == pairs.c.user_id).join(Unit, Unit.id == User.unit_id)
        .outerjoin(Attendance, _attendance_join())
        .where(User.active.is_(True), Unit.active.is_(True), rank_matches(StudySession.target_ranks, User.rank))
    )


def session_tallies(session_ids, unit_ids=None) -> dict[int, Tally]:
    """应到 / 出席 / 请假 / 缺席 of each session (among `unit_ids`' people; None: everyone): one query."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        _people_by_session().with_only_columns(StudySession.id, *_attendance_counts())
        .where(StudySession.id.in_(ids), _scope(unit_ids)).group_by(StudySession.id)
    )
    tallies = {session_id: Tally() for session_id in ids}
    for session_id, *counts in rows:
        tallies[session_id] = Tally(*counts)
    return tallies


def attendance_rows(campaign_id: int, now: datetime, unit_ids=None):
    """(unit, rank, 应到, 出席, 请假, 缺席) over the campaign's sessions whose figures are final (begun,
    sign-in closed): one query. Also the 工作概况 figures' source."""
    return db.session.execute(
        _people_by_session().with_only_columns(User.unit_id, User.rank, *_attendance_counts())
        .where(StudySession.campaign_id == campaign_id, StudySession.starts_at <= now,
               StudySession.signin_closes_at < now, StudySession.cancelled_at.is_(None), _scope(unit_ids))
        .group_by(User.unit_id, User.rank)
    ).all()


def attendance_figures(campaign_id: int, now: datetime, unit_ids=None) -> Figures:
    """Attendance per unit and rank level over the sessions whose figures are final: two queries."""
    return _figures(attendance_rows(campaign_id, now, unit_ids), unit_ids)


def attendance_sheet(session: StudySession, unit_ids=None) -> list[tuple[User, Attendance | None]]:
    """Everyone who must attend, in unit and rank order, with their record: one query."""
    rank_order = case({rank.value: i for i, rank in enumerate(RANKS)}, value=User.rank, else_=len(RANKS))
    rows = db.session.execute(
        select(User, Attendance).join(Unit, Unit.id == User.unit_id)
        .outerjoin(Attendance, and_(Attendance.session_id == session.id, Attendance.user_id == User.id))
        .where(attendee_condition(session), _scope(unit_ids))
        .options(joinedload(User.unit))
        .order_by(Unit.sort_order, Unit.id, rank_order, User.id)
    ).all()
    return [(user, attendance) for user, attendance in rows]


# -- Sessions one sees ----------------------------------------------------------------------------
def visible_sessions(user, campaign_id: int | None):
    """The campaign's sessions `user` may see, each with `user`'s own record: one query (plus one
    for the sessions' target units)."""
    if campaign_id is None:
        return []
    rows = db.session.execute(
        select(StudySession, Attendance)
        .outerjoin(Attendance, and_(Attendance.session_id == StudySession.id, Attendance.user_id == user.id))
        .where(StudySession.campaign_id == campaign_id, policy.study_session_scope(user))
        .options(selectinload(StudySession.target_units), joinedload(StudySession.organiser_unit),
                 joinedload(StudySession.organiser))
        .order_by(StudySession.starts_at.desc(), StudySession.id.desc())
    ).all()
    return [(session, attendance) for session, attendance in rows]


def exchange_candidates(session: StudySession) -> list[User]:
    """Who may be recorded as a 交流发言 speaker: the people asked to attend."""
    return [user for user, _record in attendance_sheet(session)]


# -- The reading list -----------------------------------------------------------------------------
def readings_for(user, campaign_id: int | None, everything: bool = False) -> list[tuple[Reading, ReadingAck | None]]:
    """The campaign's reading list with `user`'s 已阅 (one query): what `user` must read, or
    every item (`everything`, for those who manage the list)."""
    if campaign_id is None:
        return []
    query = (
        select(Reading, ReadingAck)
        .outerjoin(ReadingAck, and_(ReadingAck.reading_id == Reading.id, ReadingAck.user_id == user.id))
        .where(Reading.campaign_id == campaign_id)
        .order_by(Reading.sort_order, Reading.id)
    )
    if not everything:
        query = query.where(rank_matches(Reading.target_ranks, literal(user.rank)))
    return [(reading, ack) for reading, ack in db.session.execute(query)]


def _people_by_reading():
    return (
        select(Reading.id).select_from(Reading)
        .join(User, true()).join(Unit, Unit.id == User.unit_id)
        .outerjoin(ReadingAck, and_(ReadingAck.reading_id == Reading.id, ReadingAck.user_id == User.id))
        .where(User.active.is_(True), Unit.active.is_(True), rank_matches(Reading.target_ranks, User.rank))
    )


def _read_counts():
    return func.count(User.id), func.count(ReadingAck.id)


def reading_tallies(campaign_id: int, unit_ids=None) -> dict[int, Tally]:
    """应阅 / 已阅 of each item of the campaign's list (among `unit_ids`' people): one query."""
    rows = db.session.execute(
        _people_by_reading().with_only_columns(Reading.id, *_read_counts())
        .where(Reading.campaign_id == campaign_id, _scope(unit_ids)).group_by(Reading.id)
    )
    return {reading_id: Tally(required, read) for reading_id, required, read in rows}


def reading_rows(campaign_id: int, unit_ids=None, reading_id: int | None = None):
    """(unit, rank, 应阅, 已阅) over the whole list (or one item): one query. Also the 工作概况
    figures' source."""
    query = (
        _people_by_reading().with_only_columns(User.unit_id, User.rank, *_read_counts())
        .where(Reading.campaign_id == campaign_id, _scope(unit_ids)).group_by(User.unit_id, User.rank)
    )
    if reading_id is not None:
        query = query.where(Reading.id == reading_id)
    return db.session.execute(query).all()


def reading_figures(campaign_id: int, unit_ids=None, reading_id: int | None = None) -> Figures:
    """Read rates per unit and rank level over the whole list (or one item): two queries."""
    rows = reading_rows(campaign_id, unit_ids, reading_id)
    return _figures([(unit_id, rank, required, read, 0, 0) for unit_id, rank, required, read in rows], unit_ids)


def readers(campaign_id: int, unit_id: int, reading_id: int | None = None) -> list[tuple[User, Tally]]:
    """One unit's people with how much of the list (or of one item) each has read: one query."""
    query = (
        _people_by_reading().with_only_columns(User, *_read_counts())
        .where(Reading.campaign_id == campaign_id, User.unit_id == unit_id)
        .group_by(User.id).order_by(User.id)
    )
    if reading_id is not None:
        query = query.where(Reading.id == reading_id)
    return [(user, Tally(required, read)) for user, required, read in db.session.execute(query)]


def unread_titles(campaign_id: int, unit_id: int) -> dict[int, list[str]]:
    """What each of a unit's people has yet to read, by person: one query."""
    rows = db.session.execute(
        _people_by_reading().with_only_columns(User.id, Reading.title)
        .where(Reading.campaign_id == campaign_id, User.unit_id == unit_id, ReadingAck.id.is_(None))
        .order_by(User.id, Reading.sort_order, Reading.id)
    )
    titles: dict[int, list[str]] = {}
    for user_id, title in rows:
        titles.setdefault(user_id, []).append(title)
    return titles


# -- Reflections ----------------------------------------------------------------------------------
def my_reflections(user, campaign_id: int | None) -> list[Reflection]:
    if campaign_id is None:
        return []
    return list(db.session.scalars(
        select(Reflection).where(Reflection.user_id == user.id, Reflection.campaign_id == campaign_id)
        .options(joinedload(Reflection.session), joinedload(Reflection.reviewed_by))
        .order_by(Reflection.created_at.desc(), Reflection.id.desc())
    ))


def reflections_to_review(user, campaign_id: int | None, state: str = "") -> list[Reflection]:
    """Reflections `user` reviews (policy.reflection_review_scope), submitted ones first."""
    if campaign_id is None:
        return []
    query = (
        select(Reflection).join(User, User.id == Reflection.user_id)
        .where(Reflection.campaign_id == campaign_id, Reflection.state != ReflectionState.DRAFT,
               policy.reflection_review_scope(user))
        .options(joinedload(Reflection.user).joinedload(User.unit), joinedload(Reflection.session),
                 joinedload(Reflection.reviewed_by))
        .order_by(case((Reflection.state == ReflectionState.SUBMITTED, 0), else_=1), Reflection.submitted_at,
                  Reflection.id)
    )
    if state:
        query = query.where(Reflection.state == state)
    return list(db.session.scalars(query).unique())


# -- Home page to-dos -----------------------------------------------------------------------------
@dataclass
class TodoCounts:
    signin_open: int = 0  # sessions whose sign-in window is open now and I have not signed in
    upcoming: int = 0  # sessions I must attend starting within UPCOMING_DAYS
    attended: int = 0
    unread: int = 0
    reflections: int = 0
    drafts: int = 0
    returned: int = 0
    to_review: int = 0


SOON_DAYS = 7  # "7日内需参加的学习活动": sessions starting within this many days


def todo_counts(user, campaign_id: int, now: datetime, soon: datetime) -> TodoCounts:
    """What the study asks of `user` now, in three queries."""
    signin_open, upcoming, attended = db.session.execute(
        select(
            _count_if(and_(StudySession.signin_opens_at <= now, StudySession.signin_closes_at >= now,
                           Attendance.id.is_(None))),
            _count_if(and_(StudySession.starts_at > now, StudySession.starts_at <= soon,
                           StudySession.signin_opens_at > now)),
            _count_if(Attendance.status == AttendanceStatus.PRESENT),
        )
        .select_from(StudySession)
        .outerjoin(Attendance, and_(Attendance.session_id == StudySession.id, Attendance.user_id == user.id))
        .where(StudySession.campaign_id == campaign_id, StudySession.cancelled_at.is_(None), sessions_for_person(user))
    ).one()
    unread = db.session.scalar(
        select(func.count(Reading.id))
        .where(Reading.campaign_id == campaign_id, rank_matches(Reading.target_ranks, literal(user.rank)),
               ~exists().where(ReadingAck.reading_id == Reading.id, ReadingAck.user_id == user.id))
    )
    mine = Reflection.user_id == user.id
    reflections, drafts, returned, to_review = db.session.execute(
        select(
            _count_if(mine), _count_if(mine & (Reflection.state == ReflectionState.DRAFT)),
            _count_if(mine & (Reflection.state == ReflectionState.RETURNED)),
            _count_if((Reflection.state == ReflectionState.SUBMITTED) & policy.reflection_review_scope(user)),
        )
        .select_from(Reflection).join(User, User.id == Reflection.user_id)
        .where(Reflection.campaign_id == campaign_id)
    ).one()
    return TodoCounts(signin_open, upcoming, attended, unread, reflections, drafts, returned, to_review)
