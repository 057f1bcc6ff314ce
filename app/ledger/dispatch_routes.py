"""上级通报 views: file a finding to several units, see who has answered, answer for a unit."""
from collections import defaultdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app import policy
from app.campaigns.models import current_campaign
from app.extensions import db
from app.forms import Form, MultiCheckboxField, choices
from app.ledger import bp, dispatches, services
from app.ledger.forms import DATE_MESSAGE, LedgerItemForm
from app.ledger.models import CATEGORIES, Dispatch, DispatchTarget, LedgerItem, Source
from app.ledger.routes import _first_error, _item_form_choices
from app.org.models import Unit, UnitKind, units_in_order
from app.templating import today


class DispatchForm(Form):
    title = StringField("通报标题", validators=[DataRequired("请填写通报标题。"), Length(max=200)])
    description = TextAreaField("通报的问题", validators=[DataRequired("请填写通报的问题。"), Length(max=2000)])
    category = SelectField("问题类别", choices=choices((c, c) for c in CATEGORIES))
    due_on = DateField("答复时限", validators=[DataRequired(DATE_MESSAGE)], render_kw={"placeholder": "2026-11-26"})
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
            dispatch = dispatches.create_dispatch(
                current_user, campaign, form.title.data, form.description.data, form.category.data,
                form.due_on.data, form.chosen_unit_ids(),
            )
        except services.LedgerError as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return render_template("ledger/dispatches/form.html", form=form), refused.status
        db.session.commit()
        flash(f"已将上级通报「{dispatch.title}」下发至 {len(dispatch.targets)} 个单位。", "success")
        return redirect(_detail_url(dispatch.id))
    return render_template("ledger/dispatches/form.html", form=form), 422 if form.errors else 200


@bp.route("/dispatches/<int:dispatch_id>")
def dispatch_detail(dispatch_id: int):
    """One dispatch: the finding and each unit's answer, the units yet to answer first to see."""
    return _render_detail(_load_dispatch(dispatch_id))


def _render_detail(dispatch: Dispatch, error: str | None = None, status: int = 200,
                   zero_form: ZeroReportForm | None = None, zero_target_id: int | None = None):
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
        if target.answered_at is None and policy.can(current_user, "dispatch.zero_report", target):
            if zero_form is not None and target.id == zero_target_id:
                zero_form.version.data = target.version
                zero_forms[target.id] = zero_form
            else:
                zero_forms[target.id] = ZeroReportForm(formdata=None, version=target.version)
    # Whose answer this person may file items for (after a 零报告 only those allowed to correct one).
    fileable = {
        target.id for target in targets
        if policy.can(current_user, "dispatch.answer", target)
        and (not target.zero_report or policy.can(current_user, "dispatch.correct_zero_report", target))
    }
    response = render_template(
        "ledger/dispatches/detail.html", dispatch=dispatch, targets=targets, items=items, unanswered=unanswered,
        rows=unanswered if show_unanswered else targets, show_unanswered=show_unanswered, zero_forms=zero_forms,
        error=error, overdue=dispatch.due_on is not None and dispatch.due_on < today(), scoped=scope is not None,
        fileable=fileable,
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
