"""The home page: the campaign timeline and each person's to-dos (待办)."""
from flask import Blueprint

bp = Blueprint("overview", __name__)

from app.overview import routes  # noqa: E402,F401  (registers the views on bp)
