"""Study sessions: the list with 签到 on the row, a session's page, scheduling, the organiser's
attendance sheet, 交流发言 speakers, and the attendance rates."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import policy
from app.auth.routes import safe_next
from app.campaigns.models import current_campaign
from app.database import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import document, is_htmx
from app.ledger import evidence
from app.org.models import RANK_LABELS, Unit, User, units_in_order
from app.study import bp, queries, services
from app.study.forms import CancelSessionForm, SessionForm, SpeakerForm
from app.study.models import (
    Attendance,
    AttendanceStatus,
    Reflection,
    SessionFile,
    SessionKind,
    SessionSpeaker,
    StudySession,
)
from app.study.queries import RANKS, Tally, must_attend
from app.templating import local_zone


# -- Shared by the study pages --------------------------------------------------------------------
@bp.app_template_filter("materials")
def render_materials(text: str) -> Markup:
    """Materials, one per line; a line ending in an http(s) address links to it (nothing else does)."""
    lines = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        label, _, last = line.rpartition(" ")
        address = last if last.startswith(("http://", "https://")) else ""
        if address:
            shown = escape(label.strip() or address)
            lines.append(Markup('<li><a href="{}" target="_blank" rel="noopener noreferrer">{}</a></li>').format(
                address, shown))
        else:
            lines.append(Markup("<li>{}</li>").format(line))
    return Markup('<ul class="materials">') + Markup("").join(lines) + Markup("</ul>") if lines else Markup("")


@bp.app_template_global()
def study_ranks(rank_list) -> str:
    return "、".join(RANK_LABELS[rank] for rank in rank_list) if rank_list else "全体人员"


def required_campaign():
    campaign = current_campaign()
    if campaign is None:
        abort(409, "尚未设置当前专项行动，请先由专项办设置。")
    return campaign


def first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "提交的内容有误。"


def _load(session_id: int) -> StudySession:
    """The session, or 404 when it does not exist or is not this person's to see."""
    session = db.session.get(StudySession, session_id) or abort(404)
    policy.require("study.view_session", session, hide=True)
    return session


@dataclass
class SessionEntry:
    """One line of the session list: the session, my record, whether I must attend, the figures
    (for those who may see the attendance)."""

    session: StudySession
    record: Attendance | None
    required: bool
    tally: Tally | None = None


def _entry(session: StudySession) -> SessionEntry:
    record = db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id, Attendance.user_id == current_user.id)
    )
    tally = None
    if policy.can(current_user, "study.view_attendance", session):
        tally = queries.session_tallies([session.id], policy.visible_unit_ids(current_user))[session.id]
    return SessionEntry(session, record, must_attend(session, current_user), tally)


def _partial(session: StudySession, scope) -> bool:
    """Whether `scope` (the units one may see; None: all) leaves out some of the session's people."""
    return scope is not None and (not session.target_units or any(u.id not in scope for u in session.target_units))


# What the home page's study to-dos count (app/study/queries.py todo_counts), row by row.
SESSION_FILTERS = {
    "signin": lambda entry, now: entry.session.signin_open(now) and entry.record is None,
    "soon": lambda entry, now: (now < entry.session.starts_at <= now + timedelta(days=queries.SOON_DAYS)
                                and entry.session.signin_opens_at > now),
}


# -- The list -------------------------------------------------------------------------------------
@bp.route("/")
def index():
    """学习活动: sessions I must attend or may see, upcoming first, with 签到 on the row."""
    policy.require("study.view")
    campaign = current_campaign()
    mine = request.args.get("mine") == "1"
    show = request.args.get("show", "")
    show = show if show in SESSION_FILTERS else ""
    now = utcnow()
    entries = [
        SessionEntry(session, record, must_attend(session, current_user))
        for session, record in queries.visible_sessions(current_user, campaign.id if campaign else None)
    ]
    if mine:
        entries = [entry for entry in entries if entry.required or entry.record is not None]
    if show:  # the home page's 待办 link here: the list shows what its figure counts
        entries = [entry for entry in entries if SESSION_FILTERS[show](entry, now)]
    watched = [entry.session.id for entry in entries
               if policy.can(current_user, "study.view_attendance", entry.session)]
    tallies = queries.session_tallies(watched, policy.visible_unit_ids(current_user))
    for entry in entries:
        entry.tally = tallies.get(entry.session.id)
    coming = sorted((e for e in entries if e.session.ends_at >= now or e.session.signin_open(now)),
                    key=lambda e: e.session.starts_at)
    past = [e for e in entries if e not in coming]
    return render_template("study/index.html", campaign=campaign, coming=coming, past=past, mine=mine, now=now,
                           scope_all=policy.visible_unit_ids(current_user) is None, show=show)


# -- One session ----------------------------------------------------------------------------------
@bp.route("/sessions/<int:session_id>")
def detail(session_id: int):
    """A session: time, place, who attends, materials, speakers, my 签到, the figures."""
    return _render_detail(_load(session_id))


def _render_detail(session: StudySession, error: str | None = None, status: int = 200, speaker_form=None,
                   cancel_form=None):
    entry = _entry(session)
    my_reflection = db.session.scalar(
        select(Reflection).where(Reflection.session_id == session.id, Reflection.user_id == current_user.id)
    )
    manage = policy.can(current_user, "study.manage_session", session)
    if speaker_form is None and manage and session.kind == SessionKind.EXCHANGE:
        speaker_form = SpeakerForm(formdata=None)
    if speaker_form is not None:
        taken = {speaker.user_id for speaker in session.speakers}
        speaker_form.user_id.choices = [(0, "（请选择）")] + [
            (user.id, f"{user.unit.name} · {user.full_name}") for user in queries.exchange_candidates(session)
            if user.id not in taken
        ]
    if cancel_form is None and manage and not session.cancelled:
        cancel_form = CancelSessionForm(formdata=None)
    return render_template("study/detail.html", session=session, entry=entry, now=utcnow(), error=error,
                           partial=_partial(session, policy.visible_unit_ids(current_user)),
                           my_reflection=my_reflection, manage=manage, speaker_form=speaker_form,
                           cancel_form=cancel_form), status


@bp.route("/sessions/<int:session_id>/sign-in", methods=["POST"])
def sign_in(session_id: int):
    """签到: only while the session's sign-in window is open."""
    session = _load(session_id)
    policy.require("study.sign_in", session)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _signed_in(session, error=first_error(form), status=422)
    try:
        services.sign_in(session, current_user)
        db.session.commit()
    except services.StudyError as refused:
        db.session.rollback()
        return _signed_in(session, error=str(refused), status=refused.status)
    except IntegrityError:  # the same person signing in twice at once: the other request won
        db.session.rollback()
        return _signed_in(session, error="您已签到，无需重复签到。", status=409)
    return _signed_in(session, message="签到成功。")


def _signed_in(session: StudySession, message: str | None = None, error: str | None = None, status: int = 200):
    """The answer to 签到: the row of the list or the panel of the session's page (htmx), else back
    to where the person was (or the session's page with the reason it was refused)."""
    if is_htmx():
        entry = _entry(session)
        template = "study/_session_row.html" if request.form.get("view") == "row" else "study/_signin.html"
        return render_template(template, entry=entry, now=utcnow(), row_message=message, row_error=error,
                               next_url=request.form.get("next")), status
    if error:
        return _render_detail(session, error=error, status=status)
    flash(message, "success")
    target = safe_next(request.form.get("next"))
    return redirect(f"{target}#study-session-{session.id}" if target else url_for("study.detail", session_id=session.id))


# -- Scheduling -----------------------------------------------------------------------------------
def _unit_choices():
    """Units a person may name as attending; None for a unit head (their own unit, no choice)."""
    if current_user.role == "admin":
        return [unit for unit in units_in_order() if unit.active]
    return None


def _session_fields(form: SessionForm) -> dict:
    zone = local_zone()

    def at(moment):
        return datetime.combine(form.day.data, moment, zone)

    if form.target_units is not None:
        ids = form.target_units.data or []
        units = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.sort_order))) if ids else []
    else:
        units = [current_user.unit]
    return {
        "kind": form.kind.data, "title": form.title.data, "starts_at": at(form.starts.data),
        "ends_at": at(form.ends.data), "place": form.place.data or "", "signin_opens_at": at(form.signin_opens.data),
        "signin_closes_at": at(form.signin_closes.data), "target_ranks": form.target_ranks.data or [],
        "target_units": units, "materials": form.materials.data or "",
    }


@bp.route("/sessions/new", methods=["GET", "POST"])
def create_session():
    """安排学习活动: a unit head for the unit, 专项办 for any units."""
    policy.require("study.schedule")
    campaign = required_campaign()
    form = SessionForm(_unit_choices())
    if request.method == "GET":
        form.day.data = datetime.now(local_zone()).date() + timedelta(days=1)
        if request.args.get("kind") in {kind.value for kind in SessionKind}:
            form.kind.data = request.args["kind"]
    error = None
    if form.validate_on_submit():
        try:
            session = services.schedule_session(current_user, campaign, **_session_fields(form))
            db.session.commit()
        except services.StudyError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            flash(f"已安排{session.kind_label}「{session.title}」。", "success")
            return redirect(url_for("study.detail", session_id=session.id))
    status = 422 if form.errors or error else 200
    return render_template("study/session_form.html", form=form, session=None, error=error), status


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int):
    """Correct a session's time, place, attendees or materials."""
    session = _load(session_id)
    policy.require("study.manage_session", session)
    units = _unit_choices()
    form = SessionForm(units)
    if request.method == "GET":
        zone = local_zone()
        form.kind.data, form.title.data, form.place.data = session.kind, session.title, session.place
        form.day.data = session.starts_at.astimezone(zone).date()
        form.starts.data = session.starts_at.astimezone(zone).time()
        form.ends.data = session.ends_at.astimezone(zone).time()
        form.signin_opens.data = session.signin_opens_at.astimezone(zone).time()
        form.signin_closes.data = session.signin_closes_at.astimezone(zone).time()
        form.target_ranks.data = session.rank_list
        form.materials.data = session.materials
        if units is not None:
            form.target_units.data = [unit.id for unit in session.target_units]
    error = None
    if form.validate_on_submit():
        fields = _session_fields(form)
        if units is None:  # a unit head's session stays with the unit it was for
            fields["target_units"] = list(session.target_units) or [current_user.unit]
        try:
            services.edit_session(session, current_user, **fields)
            db.session.commit()
        except services.StudyError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            flash("已保存。", "success")
            return redirect(url_for("study.detail", session_id=session.id))
    status = 422 if form.errors or error else 200
    return render_template("study/session_form.html", form=form, session=session, error=error), status


# -- Attendance -----------------------------------------------------------------------------------
@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
def attendance(session_id: int):
    """考勤登记: everyone who must attend, 出席 / 请假 (with a reason) / 缺席, saved in one go."""
    session = _load(session_id)
    policy.require("study.view_attendance", session)
    form = EmptyForm()
    scope = policy.visible_unit_ids(current_user)
    error, posted, status = None, None, 200
    if request.method == "POST":
        policy.require("study.record_attendance", session)
        sheet = queries.attendance_sheet(session, scope)
        posted = {user.id: (request.form.get(f"status-{user.id}", ""), request.form.get(f"reason-{user.id}", ""))
                  for user, _record in sheet if f"status-{user.id}" in request.form}
        if not form.validate_on_submit():
            error, status = first_error(form), 422
        else:
            try:
                changed = services.record_attendance(session, current_user, posted, scope)
                db.session.commit()
            except services.StudyError as refused:
                db.session.rollback()
                error, status = str(refused), refused.status
            else:
                flash(f"出勤登记已保存（{changed} 人有变化）。" if changed else "出勤情况没有变化。", "success")
                return redirect(url_for("study.attendance", session_id=session.id))
    rows = queries.attendance_sheet(session, scope)
    tally = queries.session_tallies([session.id], scope)[session.id]
    record = policy.can(current_user, "study.record_attendance", session)
    return render_template("study/attendance.html", session=session, rows=rows, tally=tally, form=form,
                           manage=record, error=error, partial=_partial(session, scope), posted=posted or {},
                           statuses=list(AttendanceStatus), now=utcnow()), status


# -- 交流发言 speakers --------------------------------------------------------------------------------
@bp.route("/sessions/<int:session_id>/speakers", methods=["POST"])
def add_speaker(session_id: int):
    """Record a 交流发言 speaker and their topic."""
    session = _load(session_id)
    policy.require("study.manage_session", session)
    form = SpeakerForm()
    if not form.validate_on_submit():
        return _render_detail(session, error=first_error(form), status=422, speaker_form=form)
    speaker = db.session.get(User, form.user_id.data) if form.user_id.data else None
    try:
        if speaker is None:
            raise services.Invalid("请选择发言人。")
        services.add_speaker(session, current_user, speaker, form.topic.data)
        db.session.commit()
    except services.StudyError as refused:
        db.session.rollback()
        return _render_detail(db.session.get(StudySession, session_id), error=str(refused), status=refused.status,
                              speaker_form=form)
    flash(f"已登记发言人 {speaker.full_name}。", "success")
    return redirect(url_for("study.detail", session_id=session.id) + "#speakers")


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
def cancel_session(session_id: int):
    """取消学习活动, with a reason: kept and shown as 已取消; its attendance no longer counts."""
    session = _load(session_id)
    policy.require("study.manage_session", session)
    form = CancelSessionForm()
    if not form.validate_on_submit():
        return _render_detail(session, error=first_error(form), status=422, cancel_form=form)
    try:
        services.cancel_session(session, current_user, form.reason.data)
        db.session.commit()
    except services.StudyError as refused:
        db.session.rollback()
        return _render_detail(db.session.get(StudySession, session_id), error=str(refused), status=refused.status)
    flash(f"已取消{session.kind_label}「{session.title}」。", "success")
    return redirect(url_for("study.detail", session_id=session.id))


@bp.route("/speakers/<int:speaker_id>/delete", methods=["POST"])
def remove_speaker(speaker_id: int):
    """Remove a speaker recorded by mistake."""
    speaker = db.session.get(SessionSpeaker, speaker_id) or abort(404)
    session = _load(speaker.session_id)
    policy.require("study.manage_session", session)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _render_detail(session, error=first_error(form), status=422)
    name = speaker.user.full_name
    services.remove_speaker(speaker, current_user)
    db.session.commit()
    flash(f"已删除发言人 {name}。", "success")
    return redirect(url_for("study.detail", session_id=session.id) + "#speakers")


# -- Rates ----------------------------------------------------------------------------------------
@bp.route("/rates")
def rates():
    """出勤统计: 应到, 出席, 请假, 缺席 and 出勤率 per session, per unit and per rank level."""
    policy.require("study.rates")
    campaign = current_campaign()
    scope = policy.visible_unit_ids(current_user)
    now = utcnow()
    rows, figures = [], None
    if campaign is not None:
        sessions = db.session.scalars(
            select(StudySession).where(StudySession.campaign_id == campaign.id)
            .options(selectinload(StudySession.target_units))
            .order_by(StudySession.starts_at, StudySession.id)
        ).all()
        tallies = queries.session_tallies([s.id for s in sessions], scope)
        rows = [(s, tallies[s.id]) for s in sessions if tallies[s.id].required]
        figures = queries.attendance_figures(campaign.id, now, scope)
    return render_template("study/rates.html", campaign=campaign, rows=rows, figures=figures, ranks=RANKS, now=now,
                           scope_all=scope is None)


# -- Material files -------------------------------------------------------------------------------
MATERIAL_KINDS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png")


@bp.route("/sessions/<int:session_id>/files", methods=["POST"])
def attach_files(session_id: int):
    """Attach material files (讲稿, 文件, 案例汇编) to a session; checked like ledger evidence."""
    session = _load(session_id)
    policy.require("study.manage_session", session)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _render_detail(session, error=first_error(form), status=422)
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if not uploads:
        return _render_detail(session, error="请选择要上传的文件。", status=422)
    if len(uploads) > evidence.MAX_FILES:
        return _render_detail(session, error=f"一次最多上传 {evidence.MAX_FILES} 个文件。", status=422)
    try:
        checked = [evidence.check(upload, MATERIAL_KINDS) for upload in uploads]
    except evidence.EvidenceRefused as refused:
        return _render_detail(session, error=str(refused), status=422)
    records = []
    try:
        for file in checked:
            records.append(services.attach_file(session, current_user, file))
        db.session.commit()
    except Exception:
        db.session.rollback()
        for record in records:
            evidence.remove(record.stored_name, services.FILES_FOLDER)
        raise
    flash(f"已上传学习材料 {len(records)} 个。", "success")
    return redirect(url_for("study.detail", session_id=session.id) + "#materials")


@bp.route("/files/<int:file_id>")
@document
def download_file(file_id: int):
    """A material file, as an attachment, to those who may see its session."""
    record = db.session.get(SessionFile, file_id) or abort(404)
    _load(record.session_id)
    path = evidence.stored_path(record.stored_name, services.FILES_FOLDER)
    if not path.exists():
        abort(404)
    return evidence.send_stored(path, record.content_type, record.original_name)


@bp.route("/files/<int:file_id>/delete", methods=["POST"])
def remove_file(file_id: int):
    """Take a material file off the session."""
    record = db.session.get(SessionFile, file_id) or abort(404)
    session = _load(record.session_id)
    policy.require("study.manage_session", session)
    if not EmptyForm().validate_on_submit():
        return _render_detail(session, error="页面已过期，请刷新后重试。", status=422)
    stored_name, name = record.stored_name, record.original_name
    services.remove_file(record, current_user)
    db.session.commit()
    evidence.remove(stored_name, services.FILES_FOLDER)
    flash(f"已删除学习材料「{name}」。", "success")
    return redirect(url_for("study.detail", session_id=session.id) + "#materials")
