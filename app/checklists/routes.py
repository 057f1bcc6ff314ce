"""自查清单 views: my 自查表 (fill, save, submit), its page and history, the review list with inline
通过 / 退回, and the progress figures.

Filling a long form must not lose what was typed, and must never turn a forged post into the
person's own. The page posts as a plain form (also with JavaScript: no boost), so a refused post
comes back as the same page with every value. While there are changes, the page saves the draft
in the background every few minutes (which also keeps the login alive). A post that fails the
CSRF check (the login ended, or a forged cross-site post: IE11 ignores SameSite) is never shown
back as a form: it answers 400, the form has expired, with a link to open it afresh, which shows
the draft as last saved. A post from someone not logged in gets the login page, like any route;
the background save gets a status line only.
"""
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app import policy
from app.auth.routes import safe_next
from app.campaigns.models import current_campaign
from app.checklists import bp, queries, services
from app.checklists.forms import AnswerValues, InspectionForm, ReviewForm, read_answers
from app.checklists.models import (
    ChecklistSection,
    ChecklistTemplate,
    InspectionState,
    SelfInspection,
    SelfInspectionEvent,
    TemplateStatus,
)
from app.database import utcnow
from app.errors import CSRF_MESSAGE, render_error
from app.extensions import db
from app.htmx import is_htmx
from app.ledger.models import LedgerItem
from app.org.models import Rank, Unit, units_in_order
from app.templating import format_datetime, today

SESSION_ENDED = "登录已超时，本次保存没有成功，但您填写的内容都还在本页。"
FORM_EXPIRED = ("表单已过期或来源不明（安全令牌失效），本次提交的内容没有保存，也不会显示。"
                "您此前保存（含自动保存）的草稿仍在：请重新打开自查表，核对后再保存或提交。")
AUTOSAVE_LOGGED_IN_AGAIN = "您已重新登录，本次未能自动保存；稍后将再次自动保存，也可点击“保存草稿”。"


@bp.route("/")
def index():
    """自查清单: the checklists I must fill and my 自查表 for each; links to review and progress."""
    policy.require("checklist.list")
    campaign = current_campaign()
    mine = queries.my_checklists(current_user, campaign.id if campaign else None)
    waiting = queries.waiting_count(current_user, campaign.id) if campaign and policy.can(
        current_user, "checklist.review") else 0
    return render_template("checklists/index.html", campaign=campaign, mine=mine, waiting=waiting)


# -- Filling --------------------------------------------------------------------------------------
def _template(template_id: int) -> ChecklistTemplate:
    # Its sections and their items in two more queries, not one per section.
    template = db.session.get(ChecklistTemplate, template_id, options=[
        selectinload(ChecklistTemplate.sections).selectinload(ChecklistSection.items)])
    if template is None or template.status == TemplateStatus.DRAFT:
        abort(404)
    return template


class SessionEnded(Exception):
    """The background save posted after the login ended: answered with a status line."""


def _ask(action: str, obj) -> None:
    """policy.require, except that the background save of someone no longer logged in gets a
    status line saying so, not the login page inside the form's status."""
    try:
        policy.require(action, obj)
    except HTTPException:
        if request.endpoint == "checklists.autosave" and not current_user.is_authenticated:
            raise SessionEnded() from None
        raise


def _resolve(template: ChecklistTemplate, moving: bool) -> tuple[ChecklistTemplate, SelfInspection | None]:
    """The 自查表 this person fills for the checklist (None: not started) and the version it is on.

    A draft left on a version no longer in use moves to the one in use (when `moving`: on opening
    the page, so the person sees the new version before typing on).
    """
    if not current_user.is_authenticated:
        _ask("checklist.start", template)  # raises: login or SessionEnded
    inspection = queries.inspection_of(current_user.id, template.family_id)
    if inspection is None:
        _ask("checklist.start", template)
        current = template if template.status == TemplateStatus.PUBLISHED else queries.published_version(
            template.family_id)
        if current is None:
            abort(404)
        return current, None
    _ask("checklist.fill", inspection)
    current = inspection.template
    if moving and inspection.state == InspectionState.DRAFT and current.status != TemplateStatus.PUBLISHED:
        newer = queries.published_version(template.family_id)
        if newer is not None:
            carried = services.move_to(inspection, newer, current_user)
            db.session.commit()
            flash(f"清单已修订为{newer.label}，您已填写的 {carried} 项已带入新版本，请核对后继续填写。", "info")
            current = newer
    return current, inspection


def _values_from(inspection: SelfInspection | None) -> dict[int, AnswerValues]:
    if inspection is None:
        return {}
    return {answer.item_id: AnswerValues.from_answer(answer) for answer in inspection.answers}


def _linked_items(inspection: SelfInspection | None) -> dict[int, LedgerItem]:
    """The ledger items the 自查表's answers became, by id (one query)."""
    ids = [answer.ledger_item_id for answer in inspection.answers if answer.ledger_item_id] if inspection else []
    if not ids:
        return {}
    return {item.id: item for item in db.session.scalars(
        select(LedgerItem).where(LedgerItem.id.in_(ids)).options(selectinload(LedgerItem.unit)))}


def _render_fill(template: ChecklistTemplate, inspection: SelfInspection | None, values: dict, errors=None,
                 message: str | None = None, status: int = 200):
    """The 自查表 page, with `values` as saved or as posted by the person (never after a failed CSRF check)."""
    linked = _linked_items(inspection)
    locked = {answer.item_id: linked.get(answer.ledger_item_id)
              for answer in (inspection.answers if inspection else []) if answer.locked}
    return render_template(
        "checklists/fill.html", template=template, inspection=inspection, values=values, errors=errors or {},
        locked=locked, message=message, version=inspection.version if inspection is not None else None,
        autosave_seconds=current_app.config["CHECKLIST_AUTOSAVE_SECONDS"], max_text=services.MAX_TEXT,
    ), status


def _to_save(template: ChecklistTemplate, inspection: SelfInspection | None, form: InspectionForm):
    """The 自查表 to save into (begun now on the first save) and the version the page was showing."""
    if inspection is None:
        inspection = services.start(template, current_user)
        return inspection, inspection.version
    return inspection, form.version.data


@bp.route("/fill/<int:template_id>", methods=["GET", "POST"])
def fill(template_id: int):
    """My 自查表: every item on one page; 保存草稿 any number of times, 提交 once."""
    template = _template(template_id)
    shown, inspection = _resolve(template, moving=request.method == "GET")
    if inspection is not None and inspection.state not in services.EDITABLE:
        if request.method == "GET":
            return redirect(url_for("checklists.detail", inspection_id=inspection.id))
        return _render_fill(shown, inspection, _values_from(inspection),
                            message=f"该自查表当前状态为「{inspection.state_label}」，不能再修改。", status=409)
    if shown.id != template.id:
        if request.method == "GET":
            return redirect(url_for("checklists.fill", template_id=shown.id))
        # posted against another version than the person's 自查表 is on: the items do not match
        values, _answers, _errors = read_answers(request.form, services.template_items(template))
        return _render_fill(template, inspection, values, status=409,
                            message="清单已更新为新版本，本页内容未能保存。请把需要保留的文字复制下来，再刷新页面。")
    if request.method == "GET":
        return _render_fill(shown, inspection, _values_from(inspection))

    form = InspectionForm()
    form.validate_on_submit()  # only the CSRF token (checked before the view) and an optional version
    values, answers, unreadable = read_answers(request.form, services.template_items(shown))
    if unreadable:
        return _render_fill(shown, inspection, values, unreadable, "有内容无法保存，请按提示修改后重试。", 422)
    submitting = request.form.get("action") == "submit"
    try:
        inspection, version = _to_save(shown, inspection, form)
        if submitting:
            try:
                services.submit(inspection, current_user, version, answers, today())
            except services.Invalid as refused:
                # Not complete: keep what was typed as a draft, and say what is missing.
                services.save_draft(inspection, current_user, version, answers)
                db.session.commit()
                return _render_fill(shown, inspection, values, refused.errors,
                                    f"未提交：{refused}已填写的内容已保存为草稿。", 422)
        else:
            services.save_draft(inspection, current_user, version, answers)
        db.session.commit()
    except (services.ChecklistError, StaleDataError, IntegrityError) as refused:
        # Saved meanwhile from another window (or handed in, or reviewed): the page keeps what was typed.
        db.session.rollback()
        inspection = queries.inspection_of(current_user.id, template.family_id)
        if inspection is not None and inspection.state in services.EDITABLE:
            message = ("该自查表刚在别的页面保存过，本页内容还没有保存。核对无误后再点击“保存草稿”或“提交”，"
                       "将以本页内容为准。")
        else:
            message = str(refused) if isinstance(refused, services.ChecklistError) else "该自查表刚被他人处理过。"
        return _render_fill(shown, inspection, values, message=message, status=409)
    if submitting:
        flash("自查表已提交，等待审核。", "success")
        return redirect(url_for("checklists.detail", inspection_id=inspection.id))
    flash(f"草稿已保存（{format_datetime(utcnow())}）。可以随时回来继续填写，填好后点击“提交”。", "success")
    return redirect(url_for("checklists.fill", template_id=shown.id, _anchor=_saved_at(shown)))


def _saved_at(template: ChecklistTemplate) -> str:
    """Where the page opens again after 保存草稿: the part whose button was pressed (its `at`
    value, one of this checklist's parts), else the buttons at the bottom."""
    sections = {f"section-{section.id}" for section in template.sections}
    at = request.form.get("at", "")
    return at if at in sections else "checklist-actions"


@bp.route("/fill/<int:template_id>/autosave", methods=["POST"])
def autosave(template_id: int):
    """Save the draft in the background: the page's script posts it every few minutes while there
    are changes (which also keeps the login alive). Answers with a one-line status."""
    template = _template(template_id)
    shown, inspection = _resolve(template, moving=False)
    if shown.id != template.id or (inspection is not None and inspection.state not in services.EDITABLE):
        return _autosaved("清单或自查表已在别处更新，自动保存已停止，请刷新页面。", 409)
    form = InspectionForm()
    form.validate_on_submit()
    _values, answers, unreadable = read_answers(request.form, services.template_items(shown))
    if unreadable:
        return _autosaved("有日期格式不对或文字过长，暂未自动保存；点击“保存草稿”可看到具体提示。", 422)
    try:
        inspection, version = _to_save(shown, inspection, form)
        services.save_draft(inspection, current_user, version, answers)
        db.session.commit()
    except (services.ChecklistError, StaleDataError, IntegrityError):
        db.session.rollback()
        return _autosaved("该自查表已在别的页面保存过，自动保存已停止；点击“保存草稿”将以本页内容为准。", 409)
    return _autosaved(f"已自动保存草稿（{format_datetime(utcnow())[-5:]}）", 200, inspection.version)


def _autosaved(message: str, status: int, version: int | None = None, session_ended: bool = False):
    response = render_template("checklists/_autosave.html", message=message, status=status,
                               session_ended=session_ended)
    headers = {"X-CSRF-Token": generate_csrf()}
    if version is not None:
        headers["X-Inspection-Version"] = str(version)
    return response, status, headers


@bp.errorhandler(SessionEnded)
def session_ended(_error):
    return _autosaved(SESSION_ENDED, 401, session_ended=True)


@bp.errorhandler(CSRFError)
def csrf_refused(_error):
    """The token is checked before any view. The 自查表's answer never shows what was posted: it
    may be a forged post, which a page with the answers and a fresh token would turn into a
    one-click submission under the person's name."""
    if request.method == "POST" and request.endpoint == "checklists.autosave":
        if current_user.is_authenticated:  # logged in again in another window: the next save works
            return _autosaved(AUTOSAVE_LOGGED_IN_AGAIN, 400)
        return _autosaved(SESSION_ENDED, 400, session_ended=True)
    if request.method == "POST" and request.endpoint == "checklists.fill":
        fresh = url_for("checklists.fill", template_id=request.view_args["template_id"])
        return render_error(400, FORM_EXPIRED, again=(fresh, "重新打开自查表"))
    return render_error(400, CSRF_MESSAGE)


# -- One 自查表: answers, history, review -----------------------------------------------------------
def _load(inspection_id: int) -> SelfInspection:
    inspection = db.session.get(SelfInspection, inspection_id) or abort(404)
    policy.require("checklist.view", inspection, hide=True)
    return inspection


@bp.route("/<int:inspection_id>")
def detail(inspection_id: int):
    """A 自查表: every answer, the problems that went into the ledger, its history, and 通过 / 退回."""
    return _render_detail(_load(inspection_id))


def _render_detail(inspection: SelfInspection, error: str | None = None, status: int = 200, form=None):
    events = db.session.scalars(
        select(SelfInspectionEvent).where(SelfInspectionEvent.inspection_id == inspection.id)
        .order_by(SelfInspectionEvent.id).options(selectinload(SelfInspectionEvent.actor))
    ).all()
    linked = _linked_items(inspection)
    answers = {answer.item_id: answer for answer in inspection.answers}
    return render_template(
        "checklists/detail.html", inspection=inspection, template=inspection.template, answers=answers,
        linked=linked, events=events, error=error, form=form or ReviewForm(formdata=None),
        problems=sum(1 for a in inspection.answers if a.has_problem),
    ), status


def _respond(inspection: SelfInspection, form: ReviewForm, message: str):
    """After 通过 / 退回: the new row for htmx, else back where the person was."""
    if is_htmx():
        return render_template("checklists/_row.html", row=queries.person_row(inspection), row_message=message,
                               next_url=form.next.data)
    flash(message, "success")
    target = safe_next(form.next.data)
    if target:
        return redirect(_at_row(target, inspection.user_id))
    return redirect(url_for("checklists.detail", inspection_id=inspection.id))


def _at_row(target: str, user_id: int) -> str:
    """Back to the list the person came from, at the row acted on, shown even when the list's
    filter (say 待审核) no longer matches it."""
    parts = urlsplit(target)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "shown"] + [("shown", str(user_id))]
    return urlunsplit(parts._replace(query=urlencode(query), fragment=f"checklist-person-{user_id}"))


def _refuse(inspection: SelfInspection, form: ReviewForm, error: str, status: int):
    if is_htmx():
        return render_template("checklists/_row.html", row=queries.person_row(inspection), row_error=error,
                               next_url=form.next.data), status
    return _render_detail(inspection, error, status, form)


def _perform(inspection_id: int, change, message):
    """Load, ask the policy, validate, change, commit, answer: the shape of 通过 and 退回."""
    inspection = _load(inspection_id)
    policy.require("checklist.review", inspection)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _refuse(inspection, form, next(iter(form.errors.values()))[0], 422)
    try:
        result = change(inspection, form)
        db.session.commit()
    except services.ChecklistError as refused:
        db.session.rollback()
        return _refuse(db.session.get(SelfInspection, inspection_id), form, str(refused), refused.status)
    except StaleDataError:
        db.session.rollback()
        inspection = db.session.get(SelfInspection, inspection_id)
        return _refuse(inspection, form, f"该自查表刚被他人处理过，当前状态为「{inspection.state_label}」。", 409)
    return _respond(inspection, form, message(result) if callable(message) else message)


@bp.route("/<int:inspection_id>/pass", methods=["POST"])
def pass_(inspection_id: int):
    """审核通过: each problem (是) becomes a ledger item of the author."""
    return _perform(
        inspection_id,
        lambda inspection, f: services.pass_(inspection, current_user, f.version.data, f.note.data or ""),
        lambda items: "已审核通过。" + (f"{len(items)} 个问题已登记进入问题台账。" if items else ""),
    )


@bp.route("/<int:inspection_id>/return", methods=["POST"])
def return_(inspection_id: int):
    """退回 with a reason: the author edits the 自查表 and submits it again."""
    return _perform(
        inspection_id,
        lambda inspection, f: services.return_(inspection, current_user, f.version.data, f.reason.data or ""),
        "已退回，填报人修改后将重新提交。",
    )


# -- Review list and progress ---------------------------------------------------------------------
def _chosen_template() -> tuple[list[ChecklistTemplate], ChecklistTemplate | None]:
    campaign = current_campaign()
    templates = queries.published_templates(campaign.id if campaign else None)
    wanted = request.args.get("template", type=int)
    chosen = next((t for t in templates if wanted in (t.id, t.family_id)), templates[0] if templates else None)
    return templates, chosen


def _scope_units(permission: str) -> tuple[list[Unit], Unit | None]:
    """The units the person follows, and the one chosen with ?unit= (None: all of them)."""
    units = [u for u in units_in_order() if u.active and policy.can(current_user, permission, u)]
    unit_id = request.args.get("unit", type=int)
    chosen = next((u for u in units if u.id == unit_id), None)
    if unit_id and chosen is None:
        abort(404)
    if chosen is None and len(units) == 1:
        chosen = units[0]
    return units, chosen


@bp.route("/review")
def review():
    """审核自查表: a unit's people and their 自查表, with 通过 / 退回 on each handed-in row."""
    policy.require("checklist.progress")
    templates, template = _chosen_template()
    units, unit = _scope_units("checklist.progress")
    state = request.args.get("state", "")
    state = state if state in queries.STATE_LABELS or state == "mine" else ""
    rows = queries.person_rows(template, [unit.id] if unit else [u.id for u in units]) if template else []
    shown = request.args.get("shown", type=int)  # the row just acted on stays in view
    if state == "mine":  # handed in and mine to review
        rows = [row for row in rows if row.person.id == shown or (
            row.state == InspectionState.SUBMITTED and policy.can(current_user, "checklist.review", row.inspection))]
    elif state:
        rows = [row for row in rows if row.state == state or row.person.id == shown]
    return render_template(
        "checklists/review.html", templates=templates, template=template, units=units, unit=unit, rows=rows,
        state=state,
    )


@bp.route("/progress")
def progress():
    """填报进度: per unit and per rank level, who has handed in and who has been passed; whom to remind."""
    policy.require("checklist.progress")
    templates, template = _chosen_template()
    units, unit = _scope_units("checklist.progress")
    unit_ids = [unit.id] if unit else [u.id for u in units]
    report = queries.progress(template, unit_ids) if template else None
    reminders = queries.reminders(template, [unit.id]) if template and unit else None
    return render_template(
        "checklists/progress.html", templates=templates, template=template, units=units, unit=unit,
        report=report, reminders=reminders, ranks=list(Rank),
    )
