"""上级通报 views: file a finding to several units, see who has answered, answer for a unit; the
sender corrects or withdraws it until a unit answers."""
from collections import defaultdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app import policy
from app.campaigns.models import current_campaign
from app.extensions import db
from app.forms import DATE_MESSAGE, DeadlineField, Form, MultiCheckboxField, choices
from app.htmx import document
from app.ledger import bp, dispatches, evidence, services
from app.ledger.forms import LedgerItemForm
from app.ledger.models import CATEGORIES, Dispatch, DispatchTarget, LedgerItem, Source
from app.ledger.routes import _first_error, _item_form_choices
from app.org.models import Unit, UnitKind, units_in_order
from app.templating import today


class DispatchTextForm(Form):
    """What a dispatch says and where it came from: filed with it, corrected by its sender."""

    title = StringField("通报标题", validators=[DataRequired("请填写通报标题。"), Length(max=200)])
    source_unit = StringField("来文单位", validators=[Optional(), Length(max=100)],
                              render_kw={"placeholder": "如：县纪委监委"})
    document_number = StringField("文号", validators=[Optional(), Length(max=60)],
                                  render_kw={"placeholder": "如：青纪通〔2026〕8号"})
    description = TextAreaField("通报的问题", validators=[DataRequired("请填写通报的问题。"), Length(max=2000)])
    due_on = DeadlineField("答复时限", validators=[DataRequired(DATE_MESSAGE)])
    document = FileField("通报原件")

    def text_fields(self) -> dict:
        return {"title": self.title.data, "description": self.description.data, "due_on": self.due_on.data,
                "source_unit": self.source_unit.data or "", "document_number": self.document_number.data or ""}


def _checked_document(form: DispatchTextForm) -> evidence.CheckedFile | None:
    """The uploaded original, checked as 制度文件 are; None when no file was chosen."""
    upload = request.files.get(form.document.name)
    if not upload or not upload.filename:
        return None
    return evidence.check(upload, dispatches.DOCUMENT_KINDS, dispatches.DOCUMENT_LABEL)


class DispatchForm(DispatchTextForm):
    category = SelectField("问题类别", choices=choices((c, c) for c in CATEGORIES))
    all_units = BooleanField("全部单位")
    unit_ids = MultiCheckboxField("下发单位", coerce=int)
    submit = SubmitField("下发")

    def __init__(self, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_ids.choices = choices((u.id, u.name) for u in units)

    def validate_unit_ids(self, field):
        if not self.all_units.data and not field.data:
            raise ValidationError("请选择下发单位，或勾选“全部单位”。")

    def chosen_unit_ids(self) -> list[int]:
        """The units ticked; every unit offered when 全部单位 is ticked (no script needed)."""
        if self.all_units.data:
            return [choice.value for choice in self.unit_ids.choices]
        return list(self.unit_ids.data)


class WithdrawForm(Form):
    reason = TextAreaField("撤回原因", validators=[DataRequired("请填写撤回原因。"),
                                               Length(max=dispatches.MAX_WITHDRAW_REASON)], render_kw={"rows": 2})


class ZeroReportForm(Form):
    confirm = BooleanField(dispatches.ZERO_REPORT_STATEMENT, validators=[
        DataRequired(f"请勾选“{dispatches.ZERO_REPORT_STATEMENT}”以确认零报告。")])
    note = TextAreaField("自查情况说明", validators=[DataRequired("请简要说明自查情况。"), Length(max=1000)],
                         render_kw={"placeholder": "如：对照通报问题逐项自查了本单位的窗口办件记录，未发现同类问题。"})
    version = IntegerField(validators=[InputRequired("页面已过期，请刷新后重试。")])


def _load_dispatch(dispatch_id: int) -> Dispatch:
    """The dispatch, or 404 when it does not exist or was sent to none of this person's units."""
    dispatch = db.session.get(Dispatch, dispatch_id) or abort(404)
    policy.require("dispatch.view", dispatch, hide=True)
    return dispatch


def _load_target(dispatch: Dispatch, target_id: int) -> DispatchTarget:
    """One unit's target of the dispatch, or 404 (also for a unit this person may not see)."""
    target = db.session.get(DispatchTarget, target_id)
    if target is None or target.dispatch_id != dispatch.id:
        abort(404)
    policy.require("dispatch.view_target", target, hide=True)
    return target


def _target_units():
    """The units a finding can be sent to: every active unit but the bureau itself."""
    return [u for u in units_in_order() if u.active and u.kind != UnitKind.BUREAU]


def _detail_url(dispatch_id: int, target_id: int | None = None) -> str:
    url = url_for("ledger.dispatch_detail", dispatch_id=dispatch_id)
    return f"{url}#dispatch-target-{target_id}" if target_id else url


@bp.route("/dispatches", endpoint="dispatches")
def list_dispatches():
    """上级通报: the findings sent down, and how many units have answered each."""
    policy.require("dispatch.list")
    scope = policy.visible_unit_ids(current_user)
    pending = request.args.get("pending") == "1"
    campaign = current_campaign()
    query = select(Dispatch)
    if campaign:
        query = query.where(Dispatch.campaign_id == campaign.id)
    if scope is not None or pending:
        targets = select(DispatchTarget.dispatch_id)
        if scope is not None:
            targets = targets.where(DispatchTarget.unit_id.in_(scope))
        if pending:
            targets = targets.where(DispatchTarget.answered_at.is_(None))
            query = query.where(Dispatch.withdrawn_at.is_(None))
        query = query.where(Dispatch.id.in_(targets))
    page = db.paginate(query.order_by(Dispatch.created_at.desc(), Dispatch.id.desc()), per_page=50,
                       error_out=False)
    ids = [d.id for d in page.items]
    counts_query = (
        select(DispatchTarget.dispatch_id, func.count(DispatchTarget.id), func.count(DispatchTarget.answered_at))
        .where(DispatchTarget.dispatch_id.in_(ids)).group_by(DispatchTarget.dispatch_id)
    )
    if scope is not None:
        counts_query = counts_query.where(DispatchTarget.unit_id.in_(scope))
    counts = {dispatch_id: (total, answered) for dispatch_id, total, answered in db.session.execute(counts_query)}
    # Unit heads and leaders see their own units' answers on the list itself.
    mine = defaultdict(list)
    if scope is not None and ids:
        for target in db.session.scalars(
            select(DispatchTarget).where(DispatchTarget.dispatch_id.in_(ids), DispatchTarget.unit_id.in_(scope))
            .options(selectinload(DispatchTarget.unit)).join(Unit).order_by(Unit.sort_order, Unit.id)
        ):
            mine[target.dispatch_id].append(target)
    return render_template("ledger/dispatches/index.html", page=page, counts=counts, mine=mine, pending=pending,
                           scoped=scope is not None, campaign=campaign)


@bp.route("/dispatches/new", methods=["GET", "POST"])
def dispatch_create():
    """下发上级通报: one finding to several units at once."""
    policy.require("dispatch.create")
    campaign = current_campaign()
    if campaign is None:
        abort(409, "尚未设置当前专项行动，请先由专项办设置。")
    form = DispatchForm(_target_units())
    if form.validate_on_submit():
        try:
            document = _checked_document(form)
        except evidence.EvidenceRefused as refused:
            form.document.errors = [str(refused)]
            return _render_form(form), 422
        dispatch = None
        try:
            dispatch = dispatches.create_dispatch(
                current_user, campaign, form.title.data, form.description.data, form.category.data,
                form.due_on.data, form.chosen_unit_ids(), source_unit=form.source_unit.data,
                document_number=form.document_number.data, document=document,
            )
            db.session.commit()
        except services.LedgerError as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return _render_form(form), refused.status
        except Exception:
            # Nothing saved (a failed commit): no file stays on disk without its record.
            stored = dispatch.file_stored_name if dispatch is not None else ""
            db.session.rollback()
            if stored:
                dispatches.discard_document(stored)
            raise
        flash(f"已将上级通报「{dispatch.title}」下发至 {len(dispatch.targets)} 个单位。", "success")
        return redirect(_detail_url(dispatch.id))
    return _render_form(form), 422 if form.errors else 200


@bp.route("/dispatches/<int:dispatch_id>/edit", methods=["GET", "POST"])
def dispatch_edit(dispatch_id: int):
    """更正上级通报: its sender corrects the deadline, text, source or original until a unit answers."""
    dispatch = _load_dispatch(dispatch_id)
    policy.require("dispatch.correct", dispatch)
    try:
        dispatches.check_changeable(dispatch, "更正")
    except services.LedgerError as refused:
        return _render_detail(dispatch, str(refused), refused.status)
    form = DispatchTextForm(obj=dispatch)
    if not form.validate_on_submit():
        return _render_edit(dispatch, form, 422 if form.errors else 200)
    try:
        document = _checked_document(form)
    except evidence.EvidenceRefused as refused:
        form.document.errors = [str(refused)]
        return _render_edit(dispatch, form, 422)
    kept = dispatch.file_stored_name
    try:
        changes = dispatches.correct_dispatch(dispatch, current_user, document=document, **form.text_fields())
        db.session.commit()
    except (services.LedgerError, StaleDataError) as refused:
        _roll_back(dispatch, kept)
        dispatch = db.session.get(Dispatch, dispatch_id)
        if isinstance(refused, StaleDataError):
            return _render_detail(dispatch, "刚有单位答复了该通报，不能再更正。", 409)
        if refused.status == 422:
            return _render_edit(dispatch, form, 422, str(refused))
        return _render_detail(dispatch, str(refused), refused.status)
    except Exception:
        _roll_back(dispatch, kept)
        raise
    flash(f"已更正上级通报「{dispatch.title}」：{'、'.join(changes)}。", "success")
    return redirect(_detail_url(dispatch_id))


def _roll_back(dispatch: Dispatch, kept: str) -> None:
    """Undo a correction: the original stored for it, if any, goes too (the record keeps `kept`)."""
    stored = dispatch.file_stored_name
    db.session.rollback()
    if stored and stored != kept:
        dispatches.discard_document(stored)


def _render_form(form: DispatchForm) -> str:
    return render_template("ledger/dispatches/form.html", form=form, dispatch=None,
                           document_label=dispatches.DOCUMENT_LABEL)


def _render_edit(dispatch: Dispatch, form: DispatchTextForm, status: int, error: str | None = None):
    return render_template("ledger/dispatches/edit.html", dispatch=dispatch, form=form, error=error,
                           document_label=dispatches.DOCUMENT_LABEL), status


@bp.route("/dispatches/<int:dispatch_id>/withdraw", methods=["POST"])
def dispatch_withdraw(dispatch_id: int):
    """撤回上级通报, with a reason: until a unit answers; kept, marked 已撤回, asks nobody anything."""
    dispatch = _load_dispatch(dispatch_id)
    policy.require("dispatch.correct", dispatch)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_detail(dispatch, _first_error(form), 422, withdraw_form=form)
    try:
        dispatches.withdraw_dispatch(dispatch, current_user, form.reason.data)
        db.session.commit()
    except (services.LedgerError, StaleDataError) as refused:
        db.session.rollback()
        dispatch = db.session.get(Dispatch, dispatch_id)
        if isinstance(refused, StaleDataError):
            return _render_detail(dispatch, "刚有单位答复了该通报，不能再撤回。", 409)
        return _render_detail(dispatch, str(refused), refused.status,
                              withdraw_form=form if refused.status == 422 else None)
    flash(f"已撤回上级通报「{dispatch.title}」。", "success")
    return redirect(_detail_url(dispatch_id))


@bp.route("/dispatches/<int:dispatch_id>/document")
@document
def dispatch_document(dispatch_id: int):
    """The dispatch's original document, as an attachment, to whoever may see the dispatch."""
    dispatch = _load_dispatch(dispatch_id)
    if not dispatch.file_stored_name:
        abort(404)
    path = dispatches.document_path(dispatch)
    if not path.exists():
        abort(404)
    return evidence.send_stored(path, dispatch.file_content_type, dispatch.file_name)


@bp.route("/dispatches/<int:dispatch_id>")
def dispatch_detail(dispatch_id: int):
    """One dispatch: the finding and each unit's answer, the units yet to answer first to see."""
    return _render_detail(_load_dispatch(dispatch_id))


def _render_detail(dispatch: Dispatch, error: str | None = None, status: int = 200,
                   zero_form: ZeroReportForm | None = None, zero_target_id: int | None = None,
                   withdraw_form: WithdrawForm | None = None):
    scope = policy.visible_unit_ids(current_user)
    query = (
        select(DispatchTarget).join(Unit).where(DispatchTarget.dispatch_id == dispatch.id)
        .options(selectinload(DispatchTarget.unit), selectinload(DispatchTarget.answered_by))
        .order_by(Unit.sort_order, Unit.id)
    )
    if scope is not None:
        query = query.where(DispatchTarget.unit_id.in_(scope))
    targets = db.session.scalars(query).all()
    items = defaultdict(list)
    for item in db.session.scalars(
        select(LedgerItem).where(LedgerItem.dispatch_id == dispatch.id, policy.ledger_scope(current_user))
        .options(selectinload(LedgerItem.unit), selectinload(LedgerItem.owner)).order_by(LedgerItem.serial)
    ):
        items[item.unit_id].append(item)
    unanswered = [t for t in targets if t.answered_at is None]
    show_unanswered = request.args.get("show") == "unanswered"
    # The answer forms: a unit head has one target; each gets its own blank form and version.
    zero_forms = {}
    for target in targets:
        if dispatch.withdrawn_at is None and target.answered_at is None and policy.can(current_user, "dispatch.zero_report", target):
            if zero_form is not None and target.id == zero_target_id:
                zero_form.version.data = target.version
                zero_forms[target.id] = zero_form
            else:
                zero_forms[target.id] = ZeroReportForm(formdata=None, version=target.version)
    # Whose answer this person may file items for (after a 零报告 only those allowed to correct one).
    fileable = {
        target.id for target in targets
        if dispatch.withdrawn_at is None and policy.can(current_user, "dispatch.answer", target)
        and (not target.zero_report or policy.can(current_user, "dispatch.correct_zero_report", target))
    }
    # The sender's 更正 / 撤回, while no unit has answered (all targets count, seen or not).
    changeable = (policy.can(current_user, "dispatch.correct", dispatch) and dispatch.withdrawn_at is None
                  and all(target.answered_at is None for target in dispatch.targets))
    if changeable and withdraw_form is None:
        withdraw_form = WithdrawForm(formdata=None)
    response = render_template(
        "ledger/dispatches/detail.html", dispatch=dispatch, targets=targets, items=items, unanswered=unanswered,
        rows=unanswered if show_unanswered else targets, show_unanswered=show_unanswered, zero_forms=zero_forms,
        error=error, overdue=dispatch.due_on is not None and dispatch.due_on < today() and not dispatch.withdrawn_at,
        scoped=scope is not None, fileable=fileable, changeable=changeable,
        withdraw_form=withdraw_form if changeable else None,
    )
    # A refused boosted POST shows this page: keep the address bar on the page, not the POST URL.
    headers = {"HX-Replace-Url": url_for("ledger.dispatch_detail", dispatch_id=dispatch.id)} if status != 200 else {}
    return response, status, headers


@bp.route("/dispatches/<int:dispatch_id>/answer/<int:target_id>/zero", methods=["POST"])
def dispatch_zero_report(dispatch_id: int, target_id: int):
    """零报告: the unit head signs that the unit, having checked, does not have this problem."""
    dispatch = _load_dispatch(dispatch_id)
    target = _load_target(dispatch, target_id)
    policy.require("dispatch.zero_report", target)
    form = ZeroReportForm()
    if not form.validate_on_submit():
        return _render_detail(dispatch, _first_error(form), 422, form, target.id)
    try:
        dispatches.zero_report(target, current_user, form.version.data, form.confirm.data, form.note.data)
        db.session.commit()
    except (services.LedgerError, StaleDataError) as refused:
        db.session.rollback()
        return _refuse_answer(dispatch_id, target_id, refused, form)
    flash(f"已提交零报告：{dispatches.ZERO_REPORT_STATEMENT}。", "success")
    return redirect(_detail_url(dispatch_id, target_id))


def _refuse_answer(dispatch_id: int, target_id: int, refused: Exception, form=None):
    """The detail page again, saying why (409: someone else answered first; 422: invalid)."""
    dispatch = db.session.get(Dispatch, dispatch_id)
    if isinstance(refused, StaleDataError):
        target = db.session.get(DispatchTarget, target_id)
        message, status = f"本单位对该通报的答复刚被他人更新：{dispatches.describe_answer(target)}。", 409
    else:
        message, status = str(refused), refused.status
    return _render_detail(dispatch, message, status, form if status == 422 else None, target_id)


@bp.route("/dispatches/<int:dispatch_id>/answer/<int:target_id>/item", methods=["GET", "POST"])
def dispatch_answer_item(dispatch_id: int, target_id: int):
    """Answer with a ledger item of the unit, prefilled from the dispatch (source 上级通报)."""
    dispatch = _load_dispatch(dispatch_id)
    target = _load_target(dispatch, target_id)
    policy.require("dispatch.answer", target)
    may_correct = policy.can(current_user, "dispatch.correct_zero_report", target)
    if target.zero_report and not may_correct:
        return _render_detail(dispatch, f"{dispatches.describe_answer(target)}，不能再以登记问题答复。"
                                        "如经核实确有此问题，请联系专项办。", 409)
    _units, leaders, people = _item_form_choices()
    people = [p for p in people if p.unit_id == target.unit_id]
    form = LedgerItemForm([target.unit], leaders, people)
    form.source.choices = choices([(Source.SUPERIOR.value, Source.SUPERIOR.label)])
    if not form.is_submitted():
        form.unit_id.data = target.unit_id
        form.source.data = Source.SUPERIOR.value
        form.category.data = dispatch.category
        form.description.data = dispatch.description
        form.leader_id.data = services.default_leader_id(target.unit)
        form.version.data = target.version
    if form.validate_on_submit():
        fields = form.item_fields()
        for name in ("unit_id", "source"):
            fields.pop(name)
        try:
            item = dispatches.answer_with_item(target, current_user, request.form.get("version", type=int),
                                               may_correct_zero_report=may_correct, **fields)
            db.session.commit()
        except (services.LedgerError, StaleDataError) as refused:
            db.session.rollback()
            target = db.session.get(DispatchTarget, target_id)
            if isinstance(refused, StaleDataError):
                message, status = f"本单位对该通报的答复刚被他人更新：{dispatches.describe_answer(target)}。", 409
            else:
                message, status = str(refused), refused.status
            if status == 409 and not target.zero_report:
                # The form now carries what the person has just been told: sending it again adds the item.
                form.version.data = target.version
                message += "如仍需补充登记此问题，请核对后再次提交。"
            return _render_answer_form(form, target, message, status)
        flash(f"已登记问题 {item.code}，本单位对上级通报的答复已记录。", "success")
        return redirect(_detail_url(dispatch_id, target_id))
    return _render_answer_form(form, target, None, 422 if form.errors else 200)


def _render_answer_form(form, target: DispatchTarget, error: str | None, status: int):
    return render_template("ledger/dispatches/answer_item.html", form=form, dispatch=target.dispatch, target=target,
                           answer=dispatches.describe_answer(target), error=error), status
