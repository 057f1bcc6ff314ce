"""清单管理 (专项办): checklist templates — new, edit while a draft, publish, revise as a new version."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app import policy
from app.campaigns.models import Campaign, current_campaign
from app.checklists import bp, services
from app.checklists.forms import TemplateForm
from app.checklists.models import ChecklistTemplate, SelfInspection, TemplateStatus
from app.extensions import db
from app.forms import EmptyForm
from app.org.models import units_in_order

DEFAULT_SECTIONS = ("思想认识", "工作效率", "纪律意识", "廉洁自律", "服务群众")


def _template(template_id: int) -> ChecklistTemplate:
    return db.session.get(ChecklistTemplate, template_id) or abort(404)


def _units():
    return [unit for unit in units_in_order() if unit.active]


@bp.route("/templates")
@policy.requires("checklist.manage")
def templates():
    """Every checklist, version by version, with how many 自查表 each version holds."""
    rows = db.session.scalars(
        select(ChecklistTemplate).join(Campaign, Campaign.id == ChecklistTemplate.campaign_id)
        .order_by(Campaign.year.desc(), Campaign.id.desc(), ChecklistTemplate.family_id, ChecklistTemplate.version.desc())
    ).all()
    filled = dict(db.session.execute(
        select(SelfInspection.template_id, func.count()).group_by(SelfInspection.template_id)).all())
    return render_template("checklists/templates.html", rows=rows, filled=filled, form=EmptyForm(),
                           campaign=current_campaign())


@bp.route("/templates/new", methods=["GET", "POST"])
@policy.requires("checklist.manage")
def template_create():
    """A new checklist for the current campaign, as a draft."""
    campaign = current_campaign()
    if campaign is None:
        abort(409, "尚未设置当前专项行动，请先在“专项行动”中设置。")
    form = TemplateForm(_units())
    if not form.is_submitted():
        form.show_sections([(title, "") for title in DEFAULT_SECTIONS])
    return _save(form, None, campaign)


@bp.route("/templates/<int:template_id>")
@policy.requires("checklist.manage")
def template_detail(template_id: int):
    """A checklist as people see it, with its versions and what may be done with it."""
    template = _template(template_id)
    versions = db.session.scalars(
        select(ChecklistTemplate).where(ChecklistTemplate.family_id == template.family_id)
        .order_by(ChecklistTemplate.version.desc())
    ).all()
    filled = db.session.scalar(select(func.count()).where(SelfInspection.template_id == template.id))
    return render_template("checklists/template_detail.html", template=template, versions=versions, filled=filled,
                           form=EmptyForm())


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@policy.requires("checklist.manage")
def template_edit(template_id: int):
    """Change a draft: name, instructions, who fills it, due date, 方面 and items."""
    template = _template(template_id)
    if template.status != TemplateStatus.DRAFT:
        flash("已发布的清单不能直接修改，请“修订为新版本”。", "warning")
        return redirect(url_for("checklists.template_detail", template_id=template.id))
    form = TemplateForm(_units(), obj=template)
    if not form.is_submitted():
        form.ranks.data = template.rank_list
        form.unit_ids.data = [unit.id for unit in template.target_units]
        form.show_sections([(s.title, "\n".join(item.text for item in s.items)) for s in template.sections])
    campaign = db.session.get(Campaign, template.campaign_id)
    return _save(form, template, campaign)


def _save(form: TemplateForm, template: ChecklistTemplate | None, campaign: Campaign):
    if form.validate_on_submit():
        try:
            template = services.save_template(template, current_user, campaign, **form.template_fields())
            db.session.commit()
        except services.ChecklistError as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return render_template("checklists/template_form.html", form=form, template=template), refused.status
        flash(f"已保存「{template.label}」（草稿）。确认无误后点击“发布”。", "success")
        return redirect(url_for("checklists.template_detail", template_id=template.id))
    status = 422 if form.errors else 200
    return render_template("checklists/template_form.html", form=form, template=template), status


def _act(template_id: int, change, message: str, to_result: bool = False):
    template = _template(template_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        result = change(template)
        db.session.commit()
    except services.ChecklistError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("checklists.template_detail", template_id=template_id))
    flash(message, "success")
    if result is None:
        return redirect(url_for("checklists.templates"))
    return redirect(url_for("checklists.template_edit" if to_result else "checklists.template_detail",
                            template_id=result.id))


@bp.route("/templates/<int:template_id>/publish", methods=["POST"])
@policy.requires("checklist.manage")
def template_publish(template_id: int):
    """发布: put the draft in use; the version in use before it is superseded."""
    def change(template):
        services.publish(template, current_user)
        return template

    return _act(template_id, change, "已发布。需要填报的人员在“自查清单”中即可看到。")


@bp.route("/templates/<int:template_id>/revise", methods=["POST"])
@policy.requires("checklist.manage")
def template_revise(template_id: int):
    """修订为新版本: a draft copy to change; the version in use stays until the copy is published."""
    return _act(template_id, lambda template: services.revise(template, current_user),
                "已生成新版本草稿。修改后发布，即替代当前版本；已提交的自查表保留在原版本上。", to_result=True)


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@policy.requires("checklist.manage")
def template_delete(template_id: int):
    """Delete a draft that was never published."""
    return _act(template_id, lambda template: services.delete_draft(template, current_user), "已删除草稿。")
