"""对账销号: a leader and a unit head walk the unit's ledger together and sign items off in turn."""
from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy
from app.campaigns.models import current_campaign
from app.extensions import db
from app.ledger import bp
from app.ledger.models import LedgerItem, State
from app.ledger.queries import pending_extensions, unit_counts
from app.org.models import Unit, units_in_order
from app.templating import today

# The order a reconciliation walks through: what awaits a decision first.
SECTIONS = [State.SIGN_OFF, State.FIRST_REVIEW, State.IN_PROGRESS, State.PENDING, State.CLOSED]


@bp.route("/reconcile")
def reconcile_units():
    """The units I may reconcile, with their figures; a unit head goes straight to their unit."""
    policy.require("ledger.reconcile")
    units = [u for u in units_in_order() if u.active and policy.can(current_user, "ledger.reconcile", u)]
    if len(units) == 1:
        return redirect(url_for("ledger.reconcile", unit_id=units[0].id))
    campaign = current_campaign()
    counts = unit_counts([u.id for u in units], campaign.id if campaign else None, today())
    return render_template("ledger/reconcile_units.html", units=units, counts=counts, campaign=campaign)


def _unit_ledger(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    # The unit's own people are told no (403); another unit is not confirmed to exist (404).
    policy.require("ledger.reconcile", unit, hide=not policy.can(current_user, "unit.view", unit))
    campaign = current_campaign()
    query = (
        select(LedgerItem)
        .where(LedgerItem.unit_id == unit.id, policy.ledger_scope(current_user))
        .options(joinedload(LedgerItem.unit), joinedload(LedgerItem.owner), joinedload(LedgerItem.leader),
                 joinedload(LedgerItem.closed_by))
        .order_by(LedgerItem.serial)
    )
    if campaign:
        query = query.where(LedgerItem.campaign_id == campaign.id)
    items = db.session.scalars(query).all()
    counts = unit_counts([unit.id], campaign.id if campaign else None, today())[unit.id]
    return unit, campaign, items, counts


@bp.route("/reconcile/<int:unit_id>")
def reconcile(unit_id: int):
    """One unit's ledger grouped by state, with 初审/销号/退回 on every row."""
    unit, campaign, items, counts = _unit_ledger(unit_id)
    sections = [(state, [item for item in items if item.state == state]) for state in SECTIONS]
    return render_template("ledger/reconcile.html", unit=unit, campaign=campaign, sections=sections,
                           counts=counts, row_extensions=pending_extensions([item.id for item in items]))


@bp.route("/reconcile/<int:unit_id>/print")
def reconcile_print(unit_id: int):
    """The printable 对账单 (A4), with signature boxes for both sides."""
    unit, campaign, items, counts = _unit_ledger(unit_id)
    return render_template("ledger/reconcile_print.html", unit=unit, campaign=campaign, items=items, counts=counts)
