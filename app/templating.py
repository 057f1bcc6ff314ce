"""Template filters and globals: dates in Asia/Shanghai, the current campaign, the policy."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_login import current_user

from app import policy
from app.campaigns.models import current_campaign


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def today() -> date:
    """Today in the bureau's time zone (Asia/Shanghai), whatever the server's clock zone."""
    return datetime.now(local_zone()).date()


def format_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(local_zone()).date()
    return value.strftime("%Y-%m-%d")


def format_datetime(value) -> str:
    if value is None:
        return ""
    return value.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M")


def campaign_for_layout():
    """The current campaign for the page header (none before login)."""
    return current_campaign() if current_user.is_authenticated else None


def register(app) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.globals.update(
        can=lambda action, obj=None: policy.can(current_user, action, obj),
        current_campaign=campaign_for_layout,
        today=today,
    )
