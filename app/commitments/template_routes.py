"""Letter templates (专项办): write a draft, publish it, revise a published letter as a new version."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app import policy
from app.campaigns.models import Campaign, current_campaign
from app.checklists.models import TemplateStatus
from app.commitments import bp, services
from app.commitments.forms import PLACEHOLDER_LIST, LetterTemplateForm
from app.commitments.models import LetterTemplate, Signature
from app.commitments.queries import must_sign_condition
from app.extensions import db
from app.forms import EmptyForm
from app.org.models import RANK_LABELS, User
from app.templating import today

NO_CAMPAIGN = "尚未设置当前专项行动，无法新建承诺书。请先在“专项行动”中设置当前专项行动。"


def _load(template_id: int) -> LetterTemplate:
    return db.session.get(LetterTemplate, template_id) or abort(404)


def _signature_counts() -> dict[int, int]:
    return dict(db.session.execute(
        select(Signature.template_id, func.count(Signature.id)).group_by(Signature.template_id)
    ).all())


@bp.app_template_global()
def letter_ranks(template: LetterTemplate) -> str:
    """Who must sign, in words."""
    if not template.rank_list:
        return "全体干部职工"
    return "、".join(RANK_LABELS[rank] for rank in template.rank_list if rank in RANK_LABELS)


@bp.route("/templates")
@policy.requires("letter.manage")
def templates():
    """Every letter with its versions: drafts to edit and publish, the current version, old ones."""
    rows = db.session.scalars(
        select(LetterTemplate).order_by(LetterTemplate.campaign_id.desc(), LetterTemplate.family_id.desc(),
                                        LetterTemplate.version.desc())
    ).all()
    campaigns = {c.id: c for c in db.session.scalars(select(Campaign))}
    return render_template("commitments/templates.html", templates=rows, campaigns=campaigns,
                           counts=_signature_counts(), campaign=current_campaign())


def _form_page(form, template, status: int = 200):
    return render_template("commitments/template_form.html", form=form, template=template,
                           placeholders=PLACEHOLDER_LIST), status


@bp.route("/templates/new", methods=["GET", "POST"])
@policy.requires("letter.manage")
def create_template():
    """A new letter, saved as a draft."""
    campaign = current_campaign()
    if campaign is None:
        abort(409, NO_CAMPAIGN)
    form = LetterTemplateForm()
    if not form.validate_on_submit():
        return _form_page(form, None, 422 if form.errors else 200)
    template = services.create_template(current_user, campaign, **form.template_fields())
    db.session.commit()
    flash(f"已保存《{template.title}》草稿。请预览无误后发布。", "success")
    return redirect(url_for("commitments.template_detail", template_id=template.id))


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@policy.requires("letter.manage")
def edit_template(template_id: int):
    """Edit a draft (a published letter is revised as a new version instead)."""
    template = _load(template_id)
    if template.status != TemplateStatus.DRAFT:
        flash(f"该承诺书{template.status_label}，不能直接修改。如需修改，请“修订”生成新版本。", "error")
        return redirect(url_for("commitments.template_detail", template_id=template.id))
    form = LetterTemplateForm(obj=template)
    if not form.is_submitted():
        form.target_ranks.data = template.rank_list
    if not form.validate_on_submit():
        return _form_page(form, template, 422 if form.errors else 200)
    services.edit_template(template, current_user, **form.template_fields())
    db.session.commit()
    flash("已保存。", "success")
    return redirect(url_for("commitments.template_detail", template_id=template.id))


@bp.route("/templates/<int:template_id>")
@policy.requires("letter.manage")
def template_detail(template_id: int):
    """A version previewed as one person will read it, its family's versions and the actions."""
    template = _load(template_id)
    versions = db.session.scalars(
        select(LetterTemplate).where(LetterTemplate.family_id == template.family_id)
        .order_by(LetterTemplate.version.desc())
    ).all()
    required = db.session.scalar(select(func.count(User.id)).where(must_sign_condition(template)))
    return render_template(
        "commitments/template_detail.html", template=template, versions=versions, counts=_signature_counts(),
        preview=services.render(template, current_user, today()), required=required, form=EmptyForm(),
    )


def _act(template_id: int, change, message: str, to_new: bool = False):
    template = _load(template_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        result = change(template)
        db.session.commit()
    except services.LetterError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("commitments.template_detail", template_id=template_id))
    flash(message.format(template=template, result=result), "success")
    target = result if to_new else template
    return redirect(url_for("commitments.template_detail", template_id=target.id))


@bp.route("/templates/<int:template_id>/publish", methods=["POST"])
@policy.requires("letter.manage")
def publish_template(template_id: int):
    """Publish a draft: it becomes the version everyone asked must sign."""
    return _act(template_id, lambda t: services.publish(t, current_user),
                "已发布《{template.title}》第 {template.version} 版，须签署的人员将在首页待办中看到。")


@bp.route("/templates/<int:template_id>/revise", methods=["POST"])
@policy.requires("letter.manage")
def revise_template(template_id: int):
    """Start a new version of a published letter, as a draft."""
    return _act(template_id, lambda t: services.revise(t, current_user),
                "已生成第 {result.version} 版草稿。发布后，所有人须重新签署；已签署的旧版本保留。", to_new=True)


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@policy.requires("letter.manage")
def delete_template(template_id: int):
    """Delete a draft that was never published."""
    template = _load(template_id)
    family_id, version, title = template.family_id, template.version, template.title
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.discard_draft(template, current_user)
        db.session.commit()
    except services.LetterError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("commitments.template_detail", template_id=template_id))
    flash(f"已删除《{title}》第 {version} 版草稿。", "success")
    remaining = services.current_version(family_id) if family_id != template_id else None
    if remaining is not None:
        return redirect(url_for("commitments.template_detail", template_id=remaining.id))
    return redirect(url_for("commitments.templates"))
