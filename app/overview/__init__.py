"""The home page (timeline, to-dos) and 工作概况: progress by unit, the 上热中温下冷 gauge, rankings,
and the reports sent upward. Every figure comes from app.overview.figures (and the reports' lists
from app.overview.reports), shared by the pages and the exports."""
from flask import Blueprint

bp = Blueprint("overview", __name__)

from app.overview import report_routes, routes  # noqa: E402,F401  (registers the views on bp)
