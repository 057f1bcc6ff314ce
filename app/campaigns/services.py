"""Creating, editing and making current a campaign, with the audit trail."""
from sqlalchemy import update

from app import audit
from app.campaigns.models import PHASE_ORDER, Campaign, Phase
from app.extensions import db


def save_campaign(campaign: Campaign | None, form) -> Campaign:
    """Create (campaign=None) or update a campaign and its four phases from a valid form."""
    created = campaign is None
    if created:
        campaign = Campaign(phases=[Phase(kind=kind, sort_order=i) for i, kind in enumerate(PHASE_ORDER)])
        db.session.add(campaign)
    campaign.title = form.title.data.strip()
    campaign.year = form.year.data
    campaign.description = (form.description.data or "").strip()
    for phase in campaign.phases:
        phase.starts_on = form[f"{phase.kind}_starts_on"].data
        phase.ends_on = form[f"{phase.kind}_ends_on"].data
    db.session.flush()
    audit.record(
        "campaign.created" if created else "campaign.updated",
        campaign,
        f"{'新建' if created else '修改'}专项行动「{campaign.title}」",
        phases={p.kind: [p.starts_on.isoformat(), p.ends_on.isoformat()] for p in campaign.phases},
    )
    return campaign


def make_current(campaign: Campaign) -> None:
    """Exactly one campaign is current: this one."""
    db.session.execute(update(Campaign).where(Campaign.id != campaign.id).values(is_current=False))
    campaign.is_current = True
    audit.record("campaign.made_current", campaign, f"将「{campaign.title}」设为当前专项行动")
