"""学习教育 and 警示教育: sessions, attendance, the reading list, reflections."""
from flask import Blueprint

bp = Blueprint("study", __name__, url_prefix="/study")

from app.study import reading_routes, reflection_routes, routes  # noqa: E402,F401  (registers the views on bp)
