"""制度建设: the register of rules."""
from flask import Blueprint

bp = Blueprint("regulations", __name__, url_prefix="/regulations")

from app.regulations import routes  # noqa: E402,F401  (registers the views on bp)
