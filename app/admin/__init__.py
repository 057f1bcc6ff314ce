"""专项办 administration: units, users, imports and the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import import_routes, routes  # noqa: E402,F401  (registers the views on bp)
