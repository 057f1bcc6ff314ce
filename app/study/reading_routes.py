"""The reading list (警示教育书录 and 学习资料): 已阅 on the row, 专项办 keeps the list, read rates."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import policy
from app.auth.routes import safe_next
from app.campaigns.models import current_campaign
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import is_htmx
from app.org.models import Unit
from app.study import bp, queries, services
from app.study.forms import ReadingForm
from app.study.models import Reading, ReadingAck, ReadingKind
from app.study.queries import RANKS, must_read
from app.study.routes import first_error, required_campaign


def _load(reading_id: int) -> Reading:
    reading = db.session.get(Reading, reading_id) or abort(404)
    policy.require("study.view")
    return reading


@bp.route("/readings")
def readings():
    """学习资料与警示教育书录: what I must read, with 已阅 on each row."""
    policy.require("study.view")
    campaign = current_campaign()
    kind = request.args.get("kind", "")
    kind = kind if kind in {k.value for k in ReadingKind} else ""
    manage = policy.can(current_user, "reading.manage")
    rows = queries.readings_for(current_user, campaign.id if campaign else None, everything=manage)
    rows = [(reading, ack, must_read(reading, current_user)) for reading, ack in rows]
    total = sum(1 for _reading, _ack, mine in rows if mine)
    read = sum(1 for _reading, ack, mine in rows if mine and ack is not None)
    if kind:
        rows = [row for row in rows if row[0].kind == kind]
    unread = request.args.get("unread") == "1"  # the home page's 待办: what I must read and have not
    if unread:
        rows = [row for row in rows if row[2] and row[1] is None]
    return render_template("study/readings.html", campaign=campaign, rows=rows, kind=kind, kinds=list(ReadingKind),
                           unread=unread,
                           manage=manage, total=total, read=read, next_url=request.full_path)


@bp.route("/readings/count")
def reading_count():
    """我应阅读 … 已阅 …: the line above the list, refreshed (htmx) after an inline 已阅."""
    policy.require("study.view")
    campaign = current_campaign()
    mine = queries.readings_for(current_user, campaign.id if campaign else None)
    return render_template("study/_reading_count.html", total=len(mine),
                           read=sum(1 for _reading, ack in mine if ack is not None))


@bp.route("/readings/<int:reading_id>/read", methods=["POST"])
def acknowledge(reading_id: int):
    """已阅: the row comes back marked (htmx), or the list again (no JS)."""
    reading = _load(reading_id)
    policy.require("reading.read", reading)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _answer(reading, None, error=first_error(form), status=422)
    try:
        ack, new = services.acknowledge(reading, current_user)
        db.session.commit()
    except services.StudyError as refused:
        db.session.rollback()
        return _answer(reading, None, error=str(refused), status=refused.status)
    except IntegrityError:  # the unique (reading, person) pair: a second click raced the first
        db.session.rollback()
        ack, new = db.session.scalar(
            select(ReadingAck).where(ReadingAck.reading_id == reading_id, ReadingAck.user_id == current_user.id)
        ), False
    return _answer(reading, ack, message="已标记为已阅。" if new else "您此前已阅。")


def _answer(reading: Reading, ack, message: str | None = None, error: str | None = None, status: int = 200):
    next_url = request.form.get("next")
    if is_htmx():
        response = make_response(render_template(
            "study/_reading_row.html", reading=reading, ack=ack, row_message=message, row_error=error,
            next_url=next_url, mine=must_read(reading, current_user)), status)
        if ack is not None:
            response.headers["HX-Trigger"] = "reading-read"  # the count above the list refreshes itself
        return response
    flash(error or message, "error" if error else "success")
    target = safe_next(next_url) or url_for("study.readings")
    return redirect(f"{target}#reading-{reading.id}")


@bp.route("/readings/new", methods=["GET", "POST"])
def create_reading():
    """专项办 adds an item to the reading list."""
    policy.require("reading.manage")
    campaign = required_campaign()
    form = ReadingForm()
    if request.method == "GET" and request.args.get("kind") in {k.value for k in ReadingKind}:
        form.kind.data = request.args["kind"]
    error = None
    if form.validate_on_submit():
        try:
            reading = services.create_reading(current_user, campaign, **form.reading_fields())
            db.session.commit()
        except services.StudyError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            flash(f"已添加「{reading.title}」。", "success")
            return redirect(url_for("study.readings") + f"#reading-{reading.id}")
    return render_template("study/reading_form.html", form=form, reading=None, error=error), \
        422 if form.errors or error else 200


@bp.route("/readings/<int:reading_id>/edit", methods=["GET", "POST"])
def edit_reading(reading_id: int):
    """Correct an item of the reading list."""
    reading = _load(reading_id)
    policy.require("reading.manage")
    form = ReadingForm(obj=reading if request.method == "GET" else None, due_on=reading.due_on)
    if request.method == "GET":
        form.target_ranks.data = reading.rank_list
    error = None
    if form.validate_on_submit():
        try:
            services.edit_reading(reading, current_user, **form.reading_fields())
            db.session.commit()
        except services.StudyError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            flash("已保存。", "success")
            return redirect(url_for("study.readings") + f"#reading-{reading.id}")
    return render_template("study/reading_form.html", form=form, reading=reading, error=error), \
        422 if form.errors or error else 200


@bp.route("/readings/rates")
def reading_rates():
    """阅读统计: 应阅, 已阅 and 阅读率 per item, per unit and per rank level; one unit's people."""
    policy.require("study.rates")
    campaign = current_campaign()
    scope = policy.visible_unit_ids(current_user)
    unit = None
    unit_id = request.args.get("unit", type=int)
    if unit_id:
        unit = db.session.get(Unit, unit_id) or abort(404)
        policy.require("study.rates", unit)
    readings, tallies, figures, people, unread = [], {}, None, [], {}
    if campaign is not None:
        readings = db.session.scalars(
            select(Reading).where(Reading.campaign_id == campaign.id).order_by(Reading.sort_order, Reading.id)
        ).all()
        tallies = queries.reading_tallies(campaign.id, scope)
        figures = queries.reading_figures(campaign.id, scope)
        if unit is not None:
            people = queries.readers(campaign.id, unit.id)
            unread = queries.unread_titles(campaign.id, unit.id)
    return render_template("study/reading_rates.html", campaign=campaign, readings=readings, tallies=tallies,
                           figures=figures, ranks=RANKS, unit=unit, people=people, unread=unread,
                           scope_all=scope is None)
