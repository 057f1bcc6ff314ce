"""Campaigns (专项行动) and their four phases; admin pages to edit them."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

from app.campaigns import routes  # noqa: E402,F401  (registers the views on bp)
