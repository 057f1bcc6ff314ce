"""Self-inspection checklists (自查清单): templates, filling, review, problems into the ledger."""
from flask import Blueprint

bp = Blueprint("checklists", __name__, url_prefix="/checklists")

from app.checklists import admin_routes, routes  # noqa: E402,F401  (registers the views on bp)
