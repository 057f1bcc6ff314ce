"""对账销号: a leader and a unit head walk the unit's ledger together and sign items off in turn."""
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException

from app import policy
from app.campaigns.models import current_campaign
from app.extensions import db
from app.htmx import document, is_htmx
from app.ledger import bp, figures
from app.ledger.models import LedgerItem, State
from app.ledger.queries import pending_extensions, unit_counts
from app.org.models import Unit, units_in_order
from app.templating import today

# The order a reconciliation walks through: what awaits a decision first.
SECTIONS = [State.SIGN_OFF, State.FIRST_REVIEW, State.IN_PROGRESS, State.PENDING, State.CLOSED]
# The figures of a unit's ledger the 对账 pages state, with their definitions beside them.
FIGURE_CONTEXT = {"ledger_figures": figures.FIGURES, "ledger_note": figures.note(*figures.FIGURES, rate=True)}


@bp.route("/reconcile")
def reconcile_units():
    """The units I may reconcile, with their figures; a unit head goes straight to their unit."""
    policy.require("ledger.reconcile")
    units = [u for u in units_in_order() if u.active and policy.can(current_user, "ledger.reconcile", u)]
    if len(units) == 1:
        return redirect(url_for("ledger.reconcile", unit_id=units[0].id))
    campaign = current_campaign()
    counts = unit_counts(current_user, [u.id for u in units], campaign.id if campaign else None, today())
    return render_template("ledger/reconcile_units.html", units=units, counts=counts, campaign=campaign,
                           **FIGURE_CONTEXT)


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
    counts = unit_counts(current_user, [unit.id], campaign.id if campaign else None, today())[unit.id]
    return unit, campaign, items, counts


@bp.route("/reconcile/<int:unit_id>")
def reconcile(unit_id: int):
    """One unit's ledger grouped by state, with 初审/销号/退回 on every row."""
    unit, campaign, items, counts = _unit_ledger(unit_id)
    sections = [(state, [item for item in items if item.state == state]) for state in SECTIONS]
    return render_template("ledger/reconcile.html", unit=unit, campaign=campaign, sections=sections,
                           counts=counts, row_extensions=pending_extensions([item.id for item in items]),
                           **FIGURE_CONTEXT)


@bp.route("/reconcile/<int:unit_id>/print")
@document
def reconcile_print(unit_id: int):
    """The printable 对账单 (A4), with signature boxes for both sides."""
    unit, campaign, items, counts = _unit_ledger(unit_id)
    return render_template("ledger/reconcile_print.html", unit=unit, campaign=campaign, items=items, counts=counts,
                           **FIGURE_CONTEXT)


@bp.after_request
def _summary_out_of_band(response):
    """An inline action on a row of the 对账 view (its `next` is that view) answers with the row;
    the view's figures come along out of band (hx-swap-oob), so they follow the 销号 at once.
    Without JavaScript the page reloads anyway."""
    unit_id = _reconciled_unit(request.form.get("next", "")) if request.method == "POST" and is_htmx() else None
    if unit_id is None or response.status_code >= 500 or response.mimetype != "text/html":
        return response
    unit = db.session.get(Unit, unit_id)
    if unit is None or not policy.can(current_user, "ledger.reconcile", unit):
        return response
    campaign = current_campaign()
    counts = unit_counts(current_user, [unit.id], campaign.id if campaign else None, today())[unit.id]
    summary = render_template("ledger/_reconcile_summary.html", counts=counts, oob=True, **FIGURE_CONTEXT)
    response.set_data(response.get_data(as_text=True) + summary)
    return response


def _reconciled_unit(next_url: str) -> int | None:
    """The unit whose 对账 view `next_url` is, or None."""
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(urlsplit(next_url).path)
    except HTTPException:  # not a page of ours (NotFound, a redirect): no 对账 view
        return None
    return args.get("unit_id") if endpoint == "ledger.reconcile" else None
