"""Views of 表彰: the list of commended people and units, the 推荐对象 list, both in Excel; 专项办
records, corrects and deletes commendations."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import policy, xlsx
from app.campaigns.models import current_campaign
from app.commendations import bp, excel, queries, services
from app.commendations.forms import PERSON, UNIT, CommendationForm
from app.commendations.models import Commendation, Recommendation
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import document
from app.org.models import Unit, User, units_in_order
from app.templating import today

NO_CAMPAIGN = "尚未设置当前专项行动，无法登记表彰。请先由专项办在“专项行动”中设置当前专项行动。"


def _load(commendation_id: int) -> Commendation:
    commendation = db.session.get(Commendation, commendation_id) or abort(404)
    policy.require("commendation.view", commendation, hide=True)
    return commendation


def _filters() -> queries.CommendationFilters:
    return queries.CommendationFilters.from_args(
        request.args, policy.can(current_user, "commendation.recommendations"))


@bp.route("/")
def index():
    """表彰名单: commended people and units (filter by 推荐情况, 个人/集体, unit)."""
    policy.require("commendation.list")
    filters = _filters()
    page = db.paginate(queries.commendations_query(current_user, filters), per_page=50, error_out=False)
    return render_template("commendations/index.html", page=page, filters=filters, units=units_in_order(),
                           recommendations=list(Recommendation), any_recommendation=queries.ANY)


@bp.route("/recommendations")
def recommendations():
    """推荐对象: people marked 推荐提拔使用 or 职级晋升推荐."""
    policy.require("commendation.recommendations")
    rows = db.session.scalars(queries.recommendations_query(current_user)).all()
    return render_template("commendations/recommendations.html", rows=rows)


def _workbook_response(data: bytes, names: tuple[str, str]):
    response = current_app.response_class(data, mimetype=xlsx.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = xlsx.content_disposition(*names)
    return response


@bp.route("/export.xlsx")
@document
def export():
    """表彰名单 as filtered on the list page, as an Excel workbook."""
    policy.require("commendation.list")
    rows = db.session.scalars(queries.commendations_query(current_user, _filters())).all()
    data = excel.list_workbook(rows, policy.can(current_user, "commendation.recommendations"))
    return _workbook_response(data, excel.filenames("表彰名单", "commendations", today()))


@bp.route("/recommendations.xlsx")
@document
def export_recommendations():
    """推荐对象名单 as an Excel workbook."""
    policy.require("commendation.recommendations")
    rows = db.session.scalars(queries.recommendations_query(current_user)).all()
    return _workbook_response(excel.recommendations_workbook(rows),
                              excel.filenames("推荐对象名单", "recommendations", today()))


def _form(obj: Commendation | None = None) -> CommendationForm:
    people = db.session.scalars(
        select(User).join(Unit, User.unit_id == Unit.id).where(User.active.is_(True))
        .options(selectinload(User.unit)).order_by(Unit.sort_order, User.unit_id, User.id)
    ).all()
    if obj is not None and obj.user is not None and obj.user not in people:
        people = [obj.user] + list(people)  # a person since deactivated stays choosable on their record
    form = CommendationForm(people, units_in_order(), obj=obj)
    if obj is not None and not form.is_submitted():
        form.kind.data = PERSON if obj.user_id else UNIT
        form.user_id.data = obj.user_id or 0
    return form


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "提交的内容有误。"


@bp.route("/new", methods=["GET", "POST"])
def create():
    """登记表彰: a person or a unit, the honour, reason, date, issuer and any recommendation."""
    policy.require("commendation.manage")
    campaign = current_campaign()
    if campaign is None:
        abort(409, NO_CAMPAIGN)
    form = _form()
    if request.method == "GET":
        form.awarded_on.data = today()
        form.issuer.data = "局党组"
    if form.validate_on_submit():
        try:
            commendation = services.create(current_user, campaign, **form.values())
            db.session.commit()
        except services.CommendationError as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return render_template("commendations/form.html", form=form, commendation=None), refused.status
        flash(f"已登记表彰：{services.describe(commendation)}。", "success")
        return redirect(url_for("commendations.index"))
    return render_template("commendations/form.html", form=form, commendation=None), 422 if form.errors else 200


@bp.route("/<int:commendation_id>/edit", methods=["GET", "POST"])
def edit(commendation_id: int):
    """Correct a commendation."""
    commendation = _load(commendation_id)
    policy.require("commendation.manage", commendation)
    form = _form(commendation)
    if form.validate_on_submit():
        try:
            services.edit(commendation, current_user, **form.values())
            db.session.commit()
        except services.CommendationError as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return render_template("commendations/form.html", form=form,
                                   commendation=db.session.get(Commendation, commendation_id)), refused.status
        flash("已保存。", "success")
        return redirect(url_for("commendations.index"))
    return render_template("commendations/form.html", form=form, commendation=commendation), \
        422 if form.errors else 200


@bp.route("/<int:commendation_id>/delete", methods=["GET", "POST"])
def delete(commendation_id: int):
    """Delete a commendation recorded by mistake, after a confirmation; the audit log keeps it."""
    commendation = _load(commendation_id)
    policy.require("commendation.manage", commendation)
    form = EmptyForm()
    if form.validate_on_submit():
        described = services.describe(commendation)
        try:
            services.delete(commendation, current_user)
            db.session.commit()
        except StaleDataError:  # deleted in another window a moment ago
            db.session.rollback()
            abort(409, "该表彰记录刚被他人删除。")
        flash(f"已删除表彰：{described}。", "success")
        return redirect(url_for("commendations.index"))
    status = 422 if form.errors else 200
    return render_template("commendations/delete.html", commendation=commendation, form=form), status
