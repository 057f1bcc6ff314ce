"""Login, logout and password change views; the session rules behind them."""
import re
import threading
import time
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash

from app import audit, policy
from app.auth import bp
from app.auth.forms import ChangePasswordForm, LoginForm
from app.database import utcnow
from app.extensions import db, limiter, login_manager
from app.htmx import is_htmx
from app.org.models import User

login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"
login_manager.session_protection = None  # sessions are ended by the version in the login id


@login_manager.user_loader
def load_user(login_id: str):
    """Accept the cookie only while its session version is the user's current one, and only
    within SESSION_MAX_HOURS of the login (kept alive by requests, a session still ends then)."""
    user_id, _, version = login_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    logged_in_at = session.get("logged_in_at")
    max_age = current_app.config["SESSION_MAX_HOURS"] * 3600
    if not isinstance(logged_in_at, int) or time.time() - logged_in_at > max_age:
        return None
    # With the unit: every page's header names it.
    user = db.session.get(User, int(user_id), options=[joinedload(User.unit)])
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if is_htmx():
        # A swap would put the login page inside the row; have htmx load it as a page instead.
        response = current_app.response_class(status=401)
        response.headers["HX-Redirect"] = target
        return response
    flash(login_manager.login_message, "info")
    return redirect(target)


# No address holds a control character; a CR/LF would break the Location header of the redirect.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BROKEN_NEXT = "返回地址无效（含有换行等字符）。请从系统页面上的链接重新打开后再操作。"


def refuse_broken_next():
    """A `next` (the address a form or the login goes back to) that cannot be an address is
    refused before any view acts: the action must not commit and then fail on its redirect."""
    if CONTROL.search(request.args.get("next", "")) or (
        request.method == "POST" and CONTROL.search(request.form.get("next", ""))
    ):
        abort(400, BROKEN_NEXT)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative //host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


def _login_failed(response) -> bool:
    """Only failed attempts count against the limits: a successful login redirects."""
    return response.status_code != 302


# scrypt, werkzeug's default, takes 32 MB for each check: a crowd logging in at once (the morning
# of a deadline) would take 32 MB per server thread. Two at a time keep a worker's memory flat;
# the others wait a few milliseconds for their turn.
_HASHING = threading.BoundedSemaphore(2)


def _password_matches(password_hash: str, password: str) -> bool:
    with _HASHING:
        return check_password_hash(password_hash, password)


@bp.route("/login", methods=["GET", "POST"])
@policy.public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_USER"],
    key_func=_username_key, methods=["POST"], deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_login_failed,
)
def login():
    """Log in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("overview.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        username = form.username.data.strip()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        password_hash = user.password_hash if user is not None else ""
        # The check hashes for a tenth of a second: not inside the transaction, which on SQLite holds
        # the write lock from a POST's first statement and would keep every other writer waiting.
        db.session.rollback()
        if user is None or not _password_matches(password_hash, form.password.data):
            form.password.errors.append("用户名或密码不正确。")
        elif not user.active:
            form.password.errors.append("该账号已停用，请联系专项办。")
        else:
            # A fresh session at every login, its CSRF token included: whoever knew the token of the
            # session before (a shared computer, a cookie planted from another intranet site) must
            # not know the logged-in one's. IE11 ignores SameSite, so the token is its only defence.
            # A 自查表 left open in another window comes back with everything typed and a new token.
            session.clear()
            session.permanent = True
            session["logged_in_at"] = int(time.time())
            login_user(user)
            user.last_login_at = utcnow()
            audit.record("auth.login", user, f"{user.full_name} 登录", actor=user)
            db.session.commit()
            if user.must_change_password:
                flash("首次登录请先修改初始密码。", "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data) or url_for("overview.home"))
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/logout", methods=["POST"])
@policy.public
def logout():
    """Log out here and everywhere else this account is logged in."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        user.end_all_sessions()
        audit.record("auth.logout", user, f"{user.full_name} 退出登录")
        db.session.commit()
        logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """Change one's own password; every other session of the account ends."""
    policy.require("account.change_password")
    user = current_user._get_current_object()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        user.set_password(form.new_password.data)
        user.must_change_password = False
        user.end_all_sessions()
        audit.record("auth.password_changed", user, f"{user.full_name} 修改了密码")
        db.session.commit()
        login_user(user)  # this session carries on under the new version
        flash("密码已修改，其他设备上的登录已失效。", "success")
        return redirect(url_for("overview.home"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/change_password.html", form=form), status


def enforce_password_change():
    """Until an imported or reset account sets its own password, it may do nothing else."""
    # The endpoint first: a static file is served without loading the user from the database.
    if (
        request.endpoint not in {"auth.change_password", "auth.logout", "static"}
        and current_user.is_authenticated
        and current_user.must_change_password
    ):
        if is_htmx():
            response = current_app.response_class(status=403)
            response.headers["HX-Redirect"] = url_for("auth.change_password")
            return response
        return redirect(url_for("auth.change_password"))
    return None
