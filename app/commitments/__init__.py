"""Commitment letters (承诺书): templates, signing, printing, progress."""
from flask import Blueprint

bp = Blueprint("commitments", __name__, url_prefix="/commitments")

from app.commitments import routes, template_routes  # noqa: E402,F401  (registers the views on bp)
