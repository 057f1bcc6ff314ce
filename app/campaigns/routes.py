"""Campaign administration (专项办): list, create, edit, make current."""
from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from app import policy
from app.campaigns import bp
from app.campaigns.forms import CampaignForm
from app.campaigns.models import Campaign
from app.campaigns.services import make_current, save_campaign
from app.extensions import db
from app.forms import EmptyForm


@bp.route("/")
@policy.requires("campaign.manage")
def index():
    """All campaigns, the current one marked."""
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    return render_template("campaigns/index.html", campaigns=campaigns, form=EmptyForm())


@bp.route("/new", methods=["GET", "POST"])
@policy.requires("campaign.manage")
def create():
    """Create a campaign with its four phases."""
    form = CampaignForm()
    if form.validate_on_submit():
        campaign = save_campaign(None, form)
        db.session.commit()
        flash(f"已新建专项行动「{campaign.title}」。", "success")
        return redirect(url_for("campaigns.index"))
    return render_template("campaigns/form.html", form=form, campaign=None), 422 if form.errors else 200


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@policy.requires("campaign.manage")
def edit(campaign_id: int):
    """Edit a campaign's title, year and phase dates."""
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    form = CampaignForm(obj=campaign)
    if not form.is_submitted():
        for phase in campaign.phases:
            form[f"{phase.kind}_starts_on"].data = phase.starts_on
            form[f"{phase.kind}_ends_on"].data = phase.ends_on
    if form.validate_on_submit():
        save_campaign(campaign, form)
        db.session.commit()
        flash("已保存。", "success")
        return redirect(url_for("campaigns.index"))
    return render_template("campaigns/form.html", form=form, campaign=campaign), 422 if form.errors else 200


@bp.route("/<int:campaign_id>/make-current", methods=["POST"])
@policy.requires("campaign.manage")
def set_current(campaign_id: int):
    """Make this the current campaign."""
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    if EmptyForm().validate_on_submit() and not campaign.is_current:
        make_current(campaign)
        db.session.commit()
        flash(f"「{campaign.title}」已设为当前专项行动。", "success")
    return redirect(url_for("campaigns.index"))
