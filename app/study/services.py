"""Every change to the study records, under their rules.

Sessions are scheduled by a unit head (for their own unit) or 专项办 (for any units); people sign
themselves in only while the session's sign-in window is open, or the organiser records attendance
(出席 / 请假 with a reason / 缺席) on the sheet. The reading list is 专项办's; everyone it asks marks
each item 已阅 once. A reflection (学习心得) is a draft until submitted (at least
MIN_REFLECTION_LENGTH characters); the reviewer passes it (合格) or returns it (退回修改, with a
comment), and a returned one is edited and submitted again. Reflections carry a version: a form
made from an older version is refused (Conflict), so two reviewers, or an author and a reviewer,
cannot overwrite each other.

Each function checks, changes, writes an audit row naming its actor, and leaves the commit to the
route.
"""
from datetime import datetime

from sqlalchemy import select

from app import audit, policy
from app.database import utcnow
from app.extensions import db
from app.ledger import evidence
from app.org.models import Rank, Role, Unit, User
from app.study.models import (
    Attendance,
    AttendanceStatus,
    Reading,
    ReadingAck,
    ReadingKind,
    Reflection,
    ReflectionState,
    SessionFile,
    SessionKind,
    SessionSpeaker,
    StudySession,
)
from app.study.queries import attendance_sheet, must_attend, must_read
from app.templating import format_datetime

MIN_REFLECTION_LENGTH = 200  # characters, not counting spaces and line breaks
MAX_REASON = 200  # 请假事由 on the attendance sheet, as the column holds
MAX_CANCEL_REASON = 500


class StudyError(Exception):
    """A refused change, with the Chinese message to show."""

    status = 422


class Conflict(StudyError):
    """Not now (outside the sign-in window), already done, or someone else acted first."""

    status = 409


class Invalid(StudyError):
    status = 422


def _ranks(ranks) -> str:
    """Rank levels in their fixed order, comma-separated (empty: every rank level)."""
    chosen = set(ranks or ())
    return ",".join(rank.value for rank in Rank if rank.value in chosen)


# -- Sessions -------------------------------------------------------------------------------------
def _check_times(starts_at: datetime, ends_at: datetime, opens_at: datetime, closes_at: datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid("结束时间应晚于开始时间。")
    if closes_at <= opens_at:
        raise Invalid("签到截止时间应晚于签到开始时间。")
    if closes_at < starts_at:
        raise Invalid("签到截止时间不应早于活动开始时间。")


def _check_units(actor, units: list[Unit]) -> None:
    """No units means every unit: only 专项办 schedules for the whole bureau."""
    allowed = all(policy.can(actor, "study.schedule", unit) for unit in units) if units else actor.role == Role.ADMIN
    if not allowed:
        raise Invalid("股室负责人只能为本单位安排学习活动。")


def schedule_session(actor, campaign, *, kind: str, title: str, starts_at: datetime, ends_at: datetime,
                     place: str, signin_opens_at: datetime, signin_closes_at: datetime, target_ranks,
                     target_units: list[Unit], materials: str) -> StudySession:
    """A new session of the campaign, organised by the actor's unit."""
    _check_times(starts_at, ends_at, signin_opens_at, signin_closes_at)
    _check_units(actor, target_units)
    session = StudySession(
        campaign_id=campaign.id, kind=SessionKind(kind).value, title=title.strip(), starts_at=starts_at,
        ends_at=ends_at, place=place.strip(), signin_opens_at=signin_opens_at, signin_closes_at=signin_closes_at,
        target_ranks=_ranks(target_ranks), target_units=list(target_units), materials=materials.strip(),
        organiser_id=actor.id, organiser_unit_id=actor.unit_id,
    )
    db.session.add(session)
    db.session.flush()
    audit.record("study.session_scheduled", session,
                 f"安排{session.kind_label}「{session.title}」（{format_datetime(starts_at)}）",
                 units=[unit.id for unit in target_units], ranks=session.target_ranks, actor=actor)
    return session


SESSION_FIELDS = {
    "kind": "类型", "title": "主题", "starts_at": "开始时间", "ends_at": "结束时间", "place": "地点",
    "signin_opens_at": "签到开始", "signin_closes_at": "签到截止", "target_ranks": "参加人员层级",
    "target_units": "参加单位", "materials": "学习材料",
}


def edit_session(session: StudySession, actor, **fields) -> None:
    """Correct a session; the audit row names what changed."""
    _check_not_cancelled(session, "修改")
    fields["target_ranks"] = _ranks(fields.get("target_ranks"))
    fields["title"] = fields["title"].strip()
    fields["place"] = fields["place"].strip()
    fields["materials"] = fields["materials"].strip()
    _check_times(fields["starts_at"], fields["ends_at"], fields["signin_opens_at"], fields["signin_closes_at"])
    _check_units(actor, fields["target_units"])
    changed = []
    for name, value in fields.items():
        current = getattr(session, name)
        if name == "target_units":
            if {unit.id for unit in current} != {unit.id for unit in value}:
                session.target_units = list(value)
                changed.append(name)
        elif current != value:
            setattr(session, name, value)
            changed.append(name)
    if changed:
        audit.record("study.session_edited", session, f"修改学习活动「{session.title}」",
                     fields=[SESSION_FIELDS[name] for name in changed], actor=actor)


def _check_not_cancelled(session: StudySession, doing: str) -> None:
    if session.cancelled:
        raise Conflict(f"该学习活动已于 {format_datetime(session.cancelled_at)} 取消（{session.cancel_reason}），不能再{doing}。")


def cancel_session(session: StudySession, actor, reason: str, now: datetime | None = None) -> None:
    """取消学习活动: kept with its reason; nobody signs in, and its attendance counts nowhere."""
    _check_not_cancelled(session, "取消")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("请填写取消原因。")
    if len(reason) > MAX_CANCEL_REASON:
        raise Invalid(f"取消原因不超过 {MAX_CANCEL_REASON} 字（现有 {len(reason)} 字），请精简后再提交。")
    session.cancelled_at = now or utcnow()
    session.cancelled_by_id = actor.id
    session.cancel_reason = reason
    db.session.flush()
    audit.record("study.session_cancelled", session, f"取消{session.kind_label}「{session.title}」：{reason}",
                 reason=reason, starts_at=session.starts_at.isoformat(), actor=actor)


def _window(session: StudySession) -> str:
    return f"{format_datetime(session.signin_opens_at)} 至 {format_datetime(session.signin_closes_at)}"


def sign_in(session: StudySession, user, now: datetime | None = None) -> Attendance:
    """签到: the person records their own presence, only while the window is open."""
    now = now or utcnow()
    _check_not_cancelled(session, "签到")
    if not must_attend(session, user):
        raise Conflict("您不在本次学习活动的参加范围内，无需签到。")
    if now < session.signin_opens_at:
        raise Conflict(f"签到尚未开始。签到时间：{_window(session)}。")
    if now > session.signin_closes_at:
        raise Conflict(f"签到已结束（签到时间：{_window(session)}）。如确已参加，请联系组织者登记出席。")
    record = _record_of(session, user)
    if record is not None and record.status == AttendanceStatus.PRESENT:
        raise Conflict(f"您已于 {format_datetime(record.signed_in_at or record.recorded_at)} 签到，无需重复签到。")
    if record is None:
        record = Attendance(session_id=session.id, user_id=user.id)
        db.session.add(record)
    before = record.status
    record.status = AttendanceStatus.PRESENT
    record.reason = ""
    record.signed_in_at = now
    record.recorded_by_id = user.id
    record.recorded_at = now
    db.session.flush()
    audit.record("study.signed_in", session, f"{user.full_name} 签到「{session.title}」", user_id=user.id,
                 previous=before, actor=user)
    return record


def _record_of(session: StudySession, user) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == user.id)
    )


def record_attendance(session: StudySession, actor, entries: dict[int, tuple[str, str]], unit_ids=None,
                      now: datetime | None = None) -> int:
    """The attendance sheet: `entries` maps a person's id to (status, reason); an empty status
    leaves that person as they are. 请假 needs a reason. Only people of `unit_ids` (None: everyone)
    may be named: a unit head records their own unit's people. Returns how many people changed;
    one audit row lists them."""
    now = now or utcnow()
    _check_not_cancelled(session, "登记考勤")
    sheet = {user.id: (user, record) for user, record in attendance_sheet(session, unit_ids)}
    missing_reason, changes = [], []
    for user_id, (status, reason) in entries.items():
        if user_id not in sheet:
            raise Conflict("参加人员名单已变化，请刷新页面后重新登记。")
        if not status:
            continue
        if status not in set(AttendanceStatus):
            raise Invalid("出勤情况只能是出席、请假或缺席。")
        reason = (reason or "").strip()
        user, record = sheet[user_id]
        if len(reason) > MAX_REASON:
            raise Invalid(f"{user.full_name}的请假事由不超过 {MAX_REASON} 字（现有 {len(reason)} 字），请精简后再保存。")
        if status == AttendanceStatus.LEAVE and not reason:
            missing_reason.append(user.full_name)
            continue
        if record is not None and record.status == status and record.reason == reason:
            continue
        if record is None:
            record = Attendance(session_id=session.id, user_id=user_id)
            db.session.add(record)
        changes.append({"user_id": user_id, "name": user.full_name, "from": record.status, "to": status,
                        "reason": reason})
        if status != AttendanceStatus.PRESENT:
            record.signed_in_at = None
        record.status = status
        record.reason = reason
        record.recorded_by_id = actor.id
        record.recorded_at = now
    if missing_reason:
        raise Invalid("请假须填写事由：" + "、".join(missing_reason) + "。")
    if changes:
        db.session.flush()
        audit.record("study.attendance_recorded", session, f"登记「{session.title}」出勤情况 {len(changes)} 人",
                     changes=changes, actor=actor)
    return len(changes)


def add_speaker(session: StudySession, actor, user: User, topic: str) -> SessionSpeaker:
    """交流发言: who spoke, on what."""
    if session.kind != SessionKind.EXCHANGE:
        raise Invalid("只有交流发言活动需要登记发言人。")
    topic = topic.strip()
    if not topic:
        raise Invalid("请填写发言题目。")
    if not must_attend(session, user):
        raise Invalid("发言人须是本次活动的参加人员。")
    if any(speaker.user_id == user.id for speaker in session.speakers):
        raise Conflict(f"{user.full_name}已登记为发言人。")
    speaker = SessionSpeaker(session=session, user_id=user.id, topic=topic)
    db.session.add(speaker)
    db.session.flush()
    audit.record("study.speaker_added", session, f"「{session.title}」登记发言人 {user.full_name}：{topic}",
                 user_id=user.id, topic=topic, actor=actor)
    return speaker


def remove_speaker(speaker: SessionSpeaker, actor) -> None:
    session = speaker.session
    audit.record("study.speaker_removed", session, f"「{session.title}」删除发言人 {speaker.user.full_name}",
                 user_id=speaker.user_id, topic=speaker.topic, actor=actor)
    session.speakers.remove(speaker)


# -- The reading list -----------------------------------------------------------------------------
READING_FIELDS = {"kind": "类别", "title": "标题", "summary": "内容摘要", "link": "链接", "target_ranks": "阅读范围",
                  "due_on": "阅读期限", "sort_order": "排序"}


def _reading_fields(fields: dict) -> dict:
    fields = dict(fields)
    fields["kind"] = ReadingKind(fields["kind"]).value
    fields["title"] = fields["title"].strip()
    fields["summary"] = (fields.get("summary") or "").strip()
    fields["link"] = (fields.get("link") or "").strip()
    if fields["link"] and not fields["link"].startswith(("http://", "https://")):
        raise Invalid("链接须以 http:// 或 https:// 开头。")
    fields["target_ranks"] = _ranks(fields.get("target_ranks"))
    return fields


def create_reading(actor, campaign, **fields) -> Reading:
    reading = Reading(campaign_id=campaign.id, created_by_id=actor.id, **_reading_fields(fields))
    db.session.add(reading)
    db.session.flush()
    audit.record("study.reading_created", reading, f"{reading.kind_label}新增「{reading.title}」", actor=actor)
    return reading


def edit_reading(reading: Reading, actor, **fields) -> None:
    values = _reading_fields(fields)
    changed = [name for name, value in values.items() if getattr(reading, name) != value]
    for name in changed:
        setattr(reading, name, values[name])
    if changed:
        audit.record("study.reading_edited", reading, f"修改{reading.kind_label}「{reading.title}」",
                     fields=[READING_FIELDS[name] for name in changed], actor=actor)


def acknowledge(reading: Reading, user, now: datetime | None = None) -> tuple[ReadingAck, bool]:
    """已阅, once; a second click (a double click, a stale page) keeps the first. Returns the
    record and whether it is new."""
    if not must_read(reading, user):
        raise Conflict("该材料不在您的阅读范围内。")
    ack = db.session.scalar(
        select(ReadingAck).where(ReadingAck.reading_id == reading.id, ReadingAck.user_id == user.id)
    )
    if ack is not None:
        return ack, False
    ack = ReadingAck(reading_id=reading.id, user_id=user.id, read_at=now or utcnow())
    db.session.add(ack)
    db.session.flush()
    audit.record("study.reading_read", reading, f"{user.full_name} 已阅「{reading.title}」", actor=user)
    return ack, True


# -- Reflections ----------------------------------------------------------------------------------
def reflection_length(body: str) -> int:
    """The length that counts: characters other than spaces and line breaks."""
    return sum(1 for ch in body or "" if not ch.isspace())


def _check_version(reflection: Reflection, version: int | None, doing: str) -> None:
    if version is None:
        raise Conflict("页面已过期，请刷新后重试。")
    if version != reflection.version:
        raise Conflict(f"该心得刚被修改或审阅过，当前状态为「{reflection.state_label}」。请查看最新内容后再{doing}。")


def reflection_sessions(user, campaign_id: int, now: datetime | None = None) -> list[StudySession]:
    """The sessions `user` may write a reflection on: those they must attend or attended, once
    they have begun (a reflection on a session that has not happened yet is no reflection)."""
    from app.study.queries import visible_sessions

    now = now or utcnow()
    return [
        session for session, record in visible_sessions(user, campaign_id)
        if not session.cancelled and session.starts_at <= now and (record is not None or must_attend(session, user))
    ]


def write_reflection(actor, campaign, session: StudySession | None, title: str, body: str,
                     submit: bool, now: datetime | None = None) -> Reflection:
    """A new reflection, on a session or on the campaign as a whole; a draft unless `submit`."""
    if session is not None:
        if session.campaign_id != campaign.id or session not in reflection_sessions(actor, campaign.id, now):
            if session.cancelled:
                raise Invalid("该学习活动已取消，不能就其撰写心得。")
            if session.starts_at > (now or utcnow()):
                raise Invalid(f"该学习活动尚未开始（{format_datetime(session.starts_at)} 开始），开始后才能撰写心得。")
            raise Invalid("只能就本人参加的学习活动撰写心得。")
        taken = db.session.scalar(
            select(Reflection.id).where(Reflection.user_id == actor.id, Reflection.session_id == session.id)
        )
        if taken is not None:
            raise Conflict("您已就该学习活动写过心得，请在「我的学习心得」中修改。")
    reflection = Reflection(
        campaign_id=campaign.id, session_id=session.id if session else None, user_id=actor.id,
        unit_id=actor.unit_id, title=title.strip(), body=body.strip(), state=ReflectionState.DRAFT,
    )
    if submit:
        _submit(reflection, now)
    db.session.add(reflection)
    db.session.flush()
    audit.record("study.reflection_submitted" if submit else "study.reflection_drafted", reflection,
                 f"{'提交' if submit else '保存'}学习心得「{reflection.title}」", length=reflection_length(body),
                 actor=actor)
    return reflection


def _submit(reflection: Reflection, now: datetime | None) -> None:
    length = reflection_length(reflection.body)
    if length < MIN_REFLECTION_LENGTH:
        raise Invalid(f"学习心得不少于 {MIN_REFLECTION_LENGTH} 字，目前 {length} 字。可先保存草稿，写完再提交。")
    reflection.state = ReflectionState.SUBMITTED
    reflection.submitted_at = now or utcnow()


def edit_reflection(reflection: Reflection, actor, version: int | None, title: str, body: str, submit: bool,
                    now: datetime | None = None) -> None:
    """Save (and maybe submit) a draft or a returned reflection."""
    _check_version(reflection, version, "修改")
    if reflection.state not in (ReflectionState.DRAFT, ReflectionState.RETURNED):
        raise Conflict(f"该心得当前状态为「{reflection.state_label}」，不能修改。")
    was = reflection.state
    reflection.title = title.strip()
    reflection.body = body.strip()
    reflection.updated_at = utcnow()  # a save with nothing changed still moves the version on
    if submit:
        _submit(reflection, now)
    action = ("study.reflection_resubmitted" if was == ReflectionState.RETURNED else "study.reflection_submitted") \
        if submit else "study.reflection_saved"
    audit.record(action, reflection, f"{'提交' if submit else '保存'}学习心得「{reflection.title}」",
                 length=reflection_length(reflection.body), actor=actor)


def review_reflection(reflection: Reflection, actor, version: int | None, passed: bool, comment: str,
                      now: datetime | None = None) -> None:
    """合格, or 退回修改 with a comment."""
    _check_version(reflection, version, "审阅")
    if reflection.state != ReflectionState.SUBMITTED:
        raise Conflict(f"该心得当前状态为「{reflection.state_label}」，不能审阅。")
    comment = (comment or "").strip()
    if not passed and not comment:
        raise Invalid("退回修改时请填写修改意见。")
    reflection.state = ReflectionState.PASSED if passed else ReflectionState.RETURNED
    reflection.reviewed_by_id = actor.id
    reflection.reviewed_at = now or utcnow()
    reflection.review_comment = comment
    audit.record("study.reflection_passed" if passed else "study.reflection_returned", reflection,
                 f"学习心得「{reflection.title}」（{reflection.user.full_name}）{reflection.state_label}",
                 comment=comment, actor=actor)


FILES_FOLDER = "study"


def attach_file(session: StudySession, actor, checked) -> SessionFile:
    """Store a checked material file (see app.ledger.evidence.check) and record it on the session."""
    stored_name, sha256 = evidence.save(checked, FILES_FOLDER)
    record = SessionFile(session=session, original_name=checked.original_name, stored_name=stored_name,
                         content_type=checked.content_type, size=len(checked.data), sha256=sha256,
                         uploaded_by_id=actor.id)
    db.session.add(record)
    db.session.flush()
    audit.record("study.file_attached", session, f"为「{session.title}」上传学习材料「{record.original_name}」",
                 actor=actor, file_id=record.id, sha256=sha256, size=record.size)
    return record


def remove_file(record: SessionFile, actor) -> None:
    """Take a material file off the session; the stored file goes once the change is committed."""
    session = record.session
    audit.record("study.file_removed", session, f"删除「{session.title}」的学习材料「{record.original_name}」",
                 actor=actor, file_id=record.id, sha256=record.sha256)
    db.session.delete(record)
