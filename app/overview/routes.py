"""Home page."""
from flask import render_template
from flask_login import current_user

from app import policy
from app.overview import bp
from app.overview.todos import todos_for
from app.templating import campaign_for_layout, today


@bp.route("/")
def home():
    """The campaign timeline and my to-dos."""
    policy.require("home.view")
    campaign = campaign_for_layout()
    return render_template(
        "overview/home.html",
        todos=todos_for(current_user),
        campaign=campaign,
        current_phase=campaign.phase_on(today()) if campaign else None,
    )
