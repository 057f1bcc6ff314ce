"""Admin views: units, users, the audit log. (Excel import lives in import_routes.py.)"""
from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app import audit, policy, xlsx
from app.admin import audit_log as audit_log_view
from app.admin import bp
from app.admin.audit_log import AuditFilterForm
from app.admin.forms import UnitForm, UserForm
from app.admin.services import save_unit, save_user
from app.extensions import db
from app.htmx import document
from app.org.models import ROLE_LABELS, Unit, User, units_in_order
from app.pagination import BoundedPage
from app.templating import today


@bp.route("/units")
@policy.requires("org.manage")
def units():
    """Units as a tree, with how many people each has."""
    member_counts = dict(
        db.session.execute(
            select(User.unit_id, func.count(User.id)).where(User.active.is_(True)).group_by(User.unit_id)
        ).all()
    )
    return render_template("admin/units.html", units=units_in_order(), member_counts=member_counts)


@bp.route("/units/new", methods=["GET", "POST"])
@policy.requires("org.manage")
def unit_create():
    """Add a unit."""
    form = UnitForm()
    if form.validate_on_submit():
        unit = save_unit(None, form)
        db.session.commit()
        flash(f"已新建单位「{unit.name}」。", "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=None), 422 if form.errors else 200


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@policy.requires("org.manage")
def unit_edit(unit_id: int):
    """Edit or deactivate a unit."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    form = UnitForm(unit)
    if form.validate_on_submit():
        save_unit(unit, form)
        db.session.commit()
        flash(f"已保存单位「{unit.name}」。", "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit), 422 if form.errors else 200


@bp.route("/users")
@policy.requires("org.manage")
def users():
    """People, filtered by unit, role, status and a name search."""
    query = select(User).options(selectinload(User.unit)).order_by(User.unit_id, User.id)
    unit_id = request.args.get("unit", type=int)
    role = request.args.get("role", "")
    q = request.args.get("q", "").strip()
    status = request.args.get("status", "active")
    if unit_id:
        query = query.where(User.unit_id == unit_id)
    if role in ROLE_LABELS:
        query = query.where(User.role == role)
    if q:
        pattern = f"%{q}%"
        query = query.where(or_(User.full_name.like(pattern), User.username.like(pattern)))
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    page = db.paginate(query, per_page=50, error_out=False)
    filters = {"unit": unit_id or "", "role": role, "q": q, "status": status}
    return render_template(
        "admin/users.html", page=page, filters=filters, units=units_in_order(), roles=ROLE_LABELS,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@policy.requires("org.manage")
def user_create():
    """Add a person; they set their own password at first login."""
    form = UserForm()
    if form.validate_on_submit():
        user = save_user(None, form)
        db.session.commit()
        flash(f"已新建用户 {user.username}，首次登录时需修改初始密码。", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@policy.requires("org.manage")
def user_edit(user_id: int):
    """Edit a person: unit, role, rank, portfolio; deactivate; reset the password."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(user)
    if form.validate_on_submit():
        save_user(user, form)
        db.session.commit()
        flash(f"已保存用户 {user.username}。", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/audit")
@policy.requires("audit.view")
def audit_log():
    """The audit log, newest first: filtered by action, person, unit and dates; each action in
    Chinese and each object by its own name, linked where the viewer may open it."""
    form = AuditFilterForm(units_in_order(), formdata=request.args)
    if not form.validate():  # 422: the form with its errors (htmx swaps it, as the report's)
        return render_template("admin/audit_log.html", form=form, page=None), 422
    filters = form.filters
    page = BoundedPage(audit_log_view.filtered(filters), audit.AuditLog.id, request.args.get("page", 1, type=int),
                       per_page=50)
    people, units = audit_log_view.people_and_units(page.items)
    return render_template(
        "admin/audit_log.html", form=form, page=page, args=filters.as_args(), people=people, units=units,
        shown=audit_log_view.shown_objects(current_user, page.items), action_label=audit.action_label,
        actor_name=audit_log_view.actor_name,
    )


@bp.route("/audit.xlsx")
@document
@policy.requires("audit.view")
def audit_export():
    """The filtered audit log in Excel (every row the filters keep, not only one page)."""
    form = AuditFilterForm(units_in_order(), formdata=request.args)
    if not form.validate():
        abort(400, f"{next(e for errors in form.errors.values() for e in errors)}请返回审计日志页面重新选择查询条件。")
    file = BytesIO()
    xlsx.write_sheets(file, [("审计日志", audit_log_view.EXPORT_COLUMNS,
                              audit_log_view.export_rows(current_user, audit_log_view.filtered(form.filters)))])
    response = current_app.response_class(file.getvalue(), mimetype=xlsx.XLSX_MIMETYPE)
    day = today()
    response.headers["Content-Disposition"] = xlsx.content_disposition(f"审计日志-{day:%Y-%m-%d}.xlsx",
                                                                       f"audit-log-{day:%Y-%m-%d}.xlsx")
    return response


@bp.route("/audit/verify")
@policy.requires("audit.view")
def audit_verify():
    """Recompute the audit chain and say whether it is intact."""
    result = audit.verify()
    return render_template("admin/audit_verify.html", result=result)
