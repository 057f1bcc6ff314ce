"""Ledger views: the list with inline review buttons, an item's page and timeline, the actions."""
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.auth.routes import safe_next
from app.campaigns.models import current_campaign
from app.extensions import db
from app.htmx import document, is_htmx
from app.ledger import bp, evidence, services
from app.ledger.forms import (
    CloseNowForm,
    DecideExtensionForm,
    ExtensionForm,
    HandlingForm,
    LedgerItemForm,
    NoteForm,
    ProgressForm,
    ReasonForm,
    SubmitForm,
    SuperviseForm,
    active_leaders,
)
from app.ledger.models import (
    CATEGORIES,
    EventKind,
    Evidence,
    ExtensionRequest,
    LedgerEvent,
    LedgerItem,
    RectifyType,
    Source,
    State,
)
from app.ledger.queries import SORTS, LedgerFilters, ledger_query, pending_extensions
from app.org.models import Unit, User, units_in_order
from app.pagination import BoundedPage
from app.templating import today


@bp.app_template_global()
def ledger_actions(item: LedgerItem) -> set[str]:
    # The user itself, not the proxy: a list asks this for 50 rows, a dozen rules each.
    return services.available_actions(current_user._get_current_object(), item)


@bp.app_template_global()
def ledger_state_label(value: str) -> str:
    return State(value).label


# The list actions that go through a confirm step on the row: (endpoint, permission, the button's word).
CONFIRMED = {"first_review": ("ledger.first_review", "ledger.first_review", "初审通过"),
             "sign_off": ("ledger.sign_off", "ledger.sign_off", "销号"),
             "return": ("ledger.return_item", "ledger.return", "退回")}
CONFIRMED_BY_ENDPOINT = {endpoint: action for action, (endpoint, _permission, _label) in CONFIRMED.items()}
CONFIRM_ARGS = ("confirm", "do")


def _with_args(url: str, **args) -> str:
    """`url` with its confirm arguments replaced by `args` (none: taken away)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in CONFIRM_ARGS]
    query += [(k, str(v)) for k, v in args.items()]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


@bp.app_template_global()
def ledger_list_url() -> str:
    """This list page without its confirm step: where the row forms come back to."""
    return _with_args(request.full_path)


@bp.app_template_global()
def ledger_confirm_url(next_url: str | None, item: LedgerItem, action: str) -> str:
    """Without JavaScript, a row's 初审通过 / 销号 / 退回 is the list again with that row asking to confirm."""
    return _with_args(next_url or url_for("ledger.index"), confirm=item.id, do=action) + f"#ledger-item-{item.id}"


@bp.app_template_global()
def ledger_row_confirm(item: LedgerItem, actions: set[str], row_confirm: str | None = None) -> str:
    """The action this row is asking to confirm: from the htmx request, or the list's ?confirm=&do=."""
    if row_confirm is None and request.args.get("confirm", type=int) == item.id:
        row_confirm = request.args.get("do", "")
    return row_confirm if row_confirm in CONFIRMED and row_confirm in actions else ""


@bp.app_template_global()
def ledger_evidence(item: LedgerItem) -> list[Evidence]:
    """The item's 佐证材料, for the reviewer to open before confirming (one row at a time)."""
    return db.session.scalars(select(Evidence).where(Evidence.item_id == item.id).order_by(Evidence.id)).all()


# What a row and the policy read of an item, loaded with it in one query.
WITH_PEOPLE = (joinedload(LedgerItem.unit), joinedload(LedgerItem.owner), joinedload(LedgerItem.leader))


def _load(item_id: int) -> LedgerItem:
    """The item, or 404 when it does not exist or is not this person's to see."""
    item = db.session.get(LedgerItem, item_id, options=WITH_PEOPLE) or abort(404)
    policy.require("ledger.view", item, hide=True)
    return item


def _visible_units():
    scope = policy.visible_unit_ids(current_user)
    return [unit for unit in units_in_order() if scope is None or unit.id in scope]


@bp.route("/")
def index():
    """The ledger: filter, sort, page; 初审 / 销号 / 退回 right on the row."""
    policy.require("ledger.list")
    campaign = current_campaign()
    filters = LedgerFilters.from_args(request.args, campaign.id if campaign else None)
    page = BoundedPage(ledger_query(current_user, filters, today()), LedgerItem.id,
                       request.args.get("page", 1, type=int), per_page=50)
    return render_template(
        "ledger/index.html", page=page, filters=filters, units=_visible_units(), states=list(State),
        sources=list(Source), categories=CATEGORIES, rectify_types=list(RectifyType), sorts=SORTS,
        campaign=campaign, row_extensions=pending_extensions([item.id for item in page.items]),
    )


@bp.route("/<int:item_id>")
def detail(item_id: int):
    """One item: its columns, the whole timeline, and the actions open to me."""
    return _render_detail(_load(item_id))


def _render_detail(item: LedgerItem, error: str | None = None, status: int = 200, forms: dict | None = None):
    sees_handling = policy.can(current_user, "ledger.view_handling", item)
    events = db.session.scalars(
        select(LedgerEvent).where(LedgerEvent.item_id == item.id).order_by(LedgerEvent.id)
        .options(selectinload(LedgerEvent.actor), selectinload(LedgerEvent.evidence))
    ).all()
    if not sees_handling:  # the 查处 entry names the person concerned and how they were dealt with
        events = [event for event in events if event.kind != EventKind.HANDLING_RECORDED]
    extensions = db.session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.item_id == item.id).order_by(ExtensionRequest.id)
    ).all()
    blank = {
        "progress": ProgressForm(formdata=None), "submit": SubmitForm(formdata=None),
        "note": NoteForm(formdata=None), "reason": ReasonForm(formdata=None),
        "close_now": CloseNowForm(formdata=None), "supervise": SuperviseForm(formdata=None),
        "extension": ExtensionForm(formdata=None), "decide": DecideExtensionForm(formdata=None),
        "handling": HandlingForm(formdata=None, handling=item.handling),
    }
    blank.update(forms or {})
    return render_template(
        "ledger/detail.html", item=item, events=events, extensions=extensions, error=error, forms=blank,
        allowed_types=evidence.ALLOWED_LABEL, sees_handling=sees_handling,
    ), status


def _back_to(item: LedgerItem, next_url: str | None) -> str:
    target = safe_next(next_url)
    if target:
        return f"{target}#ledger-item-{item.id}"
    return url_for("ledger.detail", item_id=item.id)


def _respond(item: LedgerItem, form, message: str):
    """After a successful action: the new row for htmx, else back where the person was."""
    if is_htmx():
        # The commit expired the item: read it back with its people at once, not one by one.
        item = db.session.get(LedgerItem, inspect(item).identity, options=WITH_PEOPLE, populate_existing=True)
        return render_template("ledger/_row.html", item=item, row_message=message, next_url=form.next.data,
                               row_extensions=pending_extensions([item.id]))
    flash(message, "success")
    return redirect(_back_to(item, form.next.data))


def _refuse(item: LedgerItem, form, error: str, status: int):
    """A refused action: the row with the reason (htmx), or the item's page with it (no JS). A list
    row's confirm step stays on the list, still asking when the input was wrong (422)."""
    action = CONFIRMED_BY_ENDPOINT.get(request.endpoint)
    again = action if status == 422 else ""
    if is_htmx():
        return render_template("ledger/_row.html", item=item, row_error=error, next_url=form.next.data,
                               row_extensions=pending_extensions([item.id]), row_confirm=again), status
    back = safe_next(form.next.data)
    if action and back:
        flash(error, "error")
        args = {"confirm": item.id, "do": again} if again else {}
        return redirect(_with_args(back, **args) + f"#ledger-item-{item.id}")
    key = {ProgressForm: "progress", SubmitForm: "submit", CloseNowForm: "close_now", SuperviseForm: "supervise",
           ExtensionForm: "extension", HandlingForm: "handling", ReasonForm: "reason"}.get(type(form))
    return _render_detail(item, error=error, status=status, forms={key: form} if key else None)


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "提交的内容有误。"


def _perform(item_id: int, permission: str, form_class, change, message: str):
    """The shape of every item action: load, ask the policy, validate, change, commit, answer."""
    item = _load(item_id)
    policy.require(permission, item)
    form = form_class()
    if not form.validate_on_submit():
        return _refuse(item, form, _first_error(form), 422)
    try:
        change(item, form)
        db.session.commit()
    except services.LedgerError as refused:
        db.session.rollback()
        return _refuse(db.session.get(LedgerItem, item_id), form, str(refused), refused.status)
    except StaleDataError:  # someone else's change landed between our read and our write
        db.session.rollback()
        item = db.session.get(LedgerItem, item_id)
        return _refuse(item, form, f"该问题刚被他人处理过，当前状态为「{item.state_label}」。", 409)
    return _respond(item, form, message)


@bp.route("/<int:item_id>/row")
def row(item_id: int):
    """A list row (htmx): asking to confirm ?do=初审通过/销号/退回, with 完成情况 and 佐证材料, or as
    it was (取消). Without JavaScript the list page itself shows the row's confirm step."""
    item = _load(item_id)
    action = request.args.get("do", "")
    if action in CONFIRMED:
        policy.require(CONFIRMED[action][1], item)
    next_url = safe_next(request.args.get("next"))
    if next_url and ("\r" in next_url or "\n" in next_url):  # never into a Location header
        next_url = None
    if not is_htmx():
        target = _with_args(next_url, confirm=item.id, do=action) if next_url and action in CONFIRMED else next_url
        return redirect((target or url_for("ledger.detail", item_id=item.id)) + f"#ledger-item-{item.id}")
    error, status = None, 200
    if action in CONFIRMED and action not in services.available_actions(current_user, item):
        error, status = f"该问题当前状态为「{item.state_label}」，不能{CONFIRMED[action][2]}。", 409
    response = render_template("ledger/_row.html", item=item, next_url=next_url, row_confirm=action,
                               row_error=error, row_extensions=pending_extensions([item.id]))
    return response, status, {"Vary": "HX-Request"}


@bp.route("/<int:item_id>/first-review", methods=["POST"])
def first_review(item_id: int):
    """初审通过 (unit head): on to the leader for 销号."""
    return _perform(item_id, "ledger.first_review", NoteForm,
                    lambda item, f: services.pass_first_review(item, current_user, f.version.data, f.note.data or ""),
                    "初审通过，已转分管领导销号。")


@bp.route("/<int:item_id>/sign-off", methods=["POST"])
def sign_off(item_id: int):
    """销号 (responsible leader)."""
    return _perform(item_id, "ledger.sign_off", NoteForm,
                    lambda item, f: services.sign_off(item, current_user, f.version.data, f.note.data or ""),
                    "已销号。")


@bp.route("/<int:item_id>/return", methods=["POST"])
def return_item(item_id: int):
    """退回 with a reason, back to 整改中."""
    def change(item, form):
        services.return_item(
            item, current_user, form.version.data, form.reason.data or "",
            may_first_review=policy.can(current_user, "ledger.first_review", item),
            may_sign_off=policy.can(current_user, "ledger.sign_off", item),
        )

    return _perform(item_id, "ledger.return", ReasonForm, change, "已退回，责任人将继续整改。")


@bp.route("/<int:item_id>/submit", methods=["POST"])
def submit(item_id: int):
    """The responsible person reports the item done, for review."""
    return _perform(item_id, "ledger.submit", SubmitForm,
                    lambda item, f: services.submit(item, current_user, f.version.data, f.completion.data),
                    "已提交审核。")


@bp.route("/<int:item_id>/close-now", methods=["POST"])
def close_now(item_id: int):
    """立行立改: close in one step with a note."""
    return _perform(item_id, "ledger.close_now", CloseNowForm,
                    lambda item, f: services.close_now(item, current_user, f.version.data, f.note.data),
                    "已立行立改销号。")


@bp.route("/<int:item_id>/reopen", methods=["POST"])
def reopen(item_id: int):
    """Reopen a closed item: a new cycle, with a reason."""
    return _perform(item_id, "ledger.reopen", ReasonForm,
                    lambda item, f: services.reopen(item, current_user, f.version.data, f.reason.data or ""),
                    "已重新打开，进入新一轮整改。")


@bp.route("/<int:item_id>/supervise", methods=["POST"])
def supervise(item_id: int):
    """督办 with a 批示."""
    return _perform(item_id, "ledger.supervise", SuperviseForm,
                    lambda item, f: services.supervise(item, current_user, f.version.data, f.instruction.data),
                    "已督办。")


@bp.route("/<int:item_id>/extension", methods=["POST"])
def request_extension(item_id: int):
    """申请延期: a new date and a reason, for the leader to decide."""
    return _perform(item_id, "ledger.request_extension", ExtensionForm,
                    lambda item, f: services.request_extension(item, current_user, f.version.data, f.reason.data,
                                                               f.new_due_on.data, today()),
                    "延期申请已提交，等待分管领导审批。")


@bp.route("/<int:item_id>/handling", methods=["POST"])
def record_handling(item_id: int):
    """Record how a discipline case was dealt with (通报 / 移交 …)."""
    return _perform(item_id, "ledger.record_handling", HandlingForm,
                    lambda item, f: services.record_handling(item, current_user, f.version.data, f.handling.data,
                                                             f.person.data, f.note.data or ""),
                    "已记录查处情况。")


@bp.route("/extensions/<int:request_id>/decide", methods=["POST"])
def decide_extension(request_id: int):
    """The leader approves or refuses an extension request."""
    extension = db.session.get(ExtensionRequest, request_id) or abort(404)
    item = _load(extension.item_id)
    policy.require("ledger.decide_extension", item)
    form = DecideExtensionForm()
    if not form.validate_on_submit():
        return _render_detail(item, error=_first_error(form), status=422)
    approve = form.decision.data == "approve"
    try:
        services.decide_extension(extension, current_user, approve, form.note.data or "")
        db.session.commit()
    except (services.LedgerError, StaleDataError) as refused:
        db.session.rollback()
        if isinstance(refused, services.LedgerError):
            message, status = str(refused), refused.status
        else:
            message, status = "该申请刚被他人处理过。", 409
        return _render_detail(db.session.get(LedgerItem, item.id), error=message, status=status)
    if approve:
        flash(f"已同意延期，整改时限改为 {extension.new_due_on:%Y-%m-%d}。", "success")
    else:
        flash(f"已不同意延期，维持原整改时限 {extension.old_due_on:%Y-%m-%d}。", "success")
    return redirect(url_for("ledger.detail", item_id=item.id))


@bp.route("/<int:item_id>/progress", methods=["POST"])
def report_progress(item_id: int):
    """情况反馈 with 佐证材料 files."""
    item = _load(item_id)
    policy.require("ledger.report", item)
    form = ProgressForm()
    if not form.validate_on_submit():
        return _refuse(item, form, _first_error(form), 422)
    uploads = [f for f in request.files.getlist(form.files.name) if f and f.filename]
    if len(uploads) > evidence.MAX_FILES:
        return _refuse(item, form, f"一次最多上传 {evidence.MAX_FILES} 个文件。", 422)
    try:
        checked = [evidence.check(upload) for upload in uploads]
    except evidence.EvidenceRefused as refused:
        return _refuse(item, form, str(refused), 422)
    stored = []
    try:
        event = services.report_progress(item, current_user, form.version.data, form.text.data)
        db.session.flush()
        for file in checked:
            stored.append(evidence.store(file, item, event, current_user))
            db.session.add(stored[-1])
        if stored:
            from app import audit

            audit.record("ledger.evidence_uploaded", item, f"{item.code} 上传佐证材料 {len(stored)} 个",
                         files=[{"name": s.original_name, "sha256": s.sha256, "size": s.size} for s in stored])
        db.session.commit()
    except services.LedgerError as refused:
        db.session.rollback()
        evidence.discard(stored)
        return _refuse(db.session.get(LedgerItem, item_id), form, str(refused), refused.status)
    except StaleDataError:
        db.session.rollback()
        evidence.discard(stored)
        item = db.session.get(LedgerItem, item_id)
        return _refuse(item, form, f"该问题刚被他人处理过，当前状态为「{item.state_label}」。", 409)
    except Exception:
        # Nothing saved (a failed commit, a lost connection): no file stays on disk without its record.
        db.session.rollback()
        evidence.discard(stored)
        raise
    flash("情况反馈已保存。" + (f"上传佐证材料 {len(stored)} 个。" if stored else ""), "success")
    return redirect(url_for("ledger.detail", item_id=item.id))


@bp.route("/evidence/<int:evidence_id>")
@document
def download_evidence(evidence_id: int):
    """A 佐证材料 file, as an attachment, to those who may see its item."""
    record = db.session.get(Evidence, evidence_id) or abort(404)
    _load(record.item_id)
    path = evidence.path_of(record)
    if not path.exists():
        abort(404)
    return evidence.send_stored(path, record.content_type, record.original_name)


def _item_form_choices():
    units = [u for u in units_in_order() if u.active and policy.can(current_user, "ledger.create", u)]
    unit_ids = {u.id for u in units}
    people = db.session.scalars(
        select(User).where(User.unit_id.in_(unit_ids), User.active.is_(True))
        .options(selectinload(User.unit)).order_by(User.unit_id, User.id)
    ).all()
    return units, active_leaders(), people


@bp.route("/new", methods=["GET", "POST"])
def create():
    """登记问题: a new ledger item for a unit."""
    policy.require("ledger.create")
    campaign = current_campaign()
    if campaign is None:
        abort(409, "尚未设置当前专项行动，请先由专项办设置。")
    units, leaders, people = _item_form_choices()
    unit_leaders = services.default_leader_ids([u.id for u in units])
    form = LedgerItemForm(units, leaders, people, unit_leaders=unit_leaders)
    if request.method == "GET":
        unit_id = request.args.get("unit", type=int) or current_user.unit_id
        form.unit_id.data = unit_id if unit_id in {u.id for u in units} else (units[0].id if units else None)
        form.leader_id.data = unit_leaders.get(form.unit_id.data, 0)
        form.owner_id.data = 0  # to be chosen: the filer is not made responsible by default
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        policy.require("ledger.create", unit)
        item = services.create_item(current_user, campaign, **form.item_fields())
        db.session.commit()
        flash(f"已登记问题 {item.code}。", "success")
        return redirect(url_for("ledger.detail", item_id=item.id))
    return render_template("ledger/form.html", form=form, item=None), 422 if form.errors else 200


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
def edit(item_id: int):
    """Correct an item's columns while it is still being rectified."""
    item = _load(item_id)
    policy.require("ledger.edit", item)
    _units, leaders, people = _item_form_choices()
    units = [item.unit]
    people = [p for p in people if p.unit_id == item.unit_id] or [item.owner]
    form = LedgerItemForm(units, leaders, people, obj=item, unit_leaders=services.default_leader_ids([item.unit_id]))
    if not form.is_submitted():
        form.version.data = item.version
    if form.validate_on_submit():
        fields = form.item_fields()
        fields.pop("unit_id")
        try:
            services.edit_item(item, current_user, request.form.get("version", type=int), **fields)
            db.session.commit()
        except (services.LedgerError, StaleDataError) as refused:
            db.session.rollback()
            message = str(refused) if isinstance(refused, services.LedgerError) else "该问题刚被他人处理过。"
            flash(message, "error")
            return render_template("ledger/form.html", form=form, item=db.session.get(LedgerItem, item_id)), 409
        flash("已保存。", "success")
        return redirect(url_for("ledger.detail", item_id=item.id))
    return render_template("ledger/form.html", form=form, item=item), 422 if form.errors else 200
