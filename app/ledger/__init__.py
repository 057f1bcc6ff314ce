"""The problem ledger (问题台账): finding → rectification → report → review → sign-off."""
from flask import Blueprint

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

from app.ledger import dispatch_routes, excel_routes, reconcile_routes, routes  # noqa: E402,F401  (registers the views on bp)
