"""表彰: commendations and recommendations for promotion."""
from flask import Blueprint

bp = Blueprint("commendations", __name__, url_prefix="/commendations")

from app.commendations import routes  # noqa: E402,F401  (registers the views on bp)
