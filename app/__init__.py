"""Zuofeng (作风): the work-style rectification campaign, run on the intranet."""
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.config import BASE_DIR, INSTANCE_DIR, config_for


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config_for(config_name))
    app.config.update(overrides)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errors(app)
    register_templating(app)
    register_commands(app)
    if app.config.get("POLICY_ENFORCE_ASKED"):
        from app.policy import enforce_asked

        enforce_asked(app)
    return app


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        from flask import request

        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table known before anything queries)
    from app.database import configure_sqlite
    from app.extensions import compress, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    app.session_interface = SessionInterface()
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)


class RecordId(IntegerConverter):
    """<int:…> in every route: a number beyond any id (PostgreSQL's integer) is a 404 before a
    query sees it; SQLite cannot even bind one beyond 64 bits."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    from app import admin, auth, campaigns, checklists, commendations, commitments, ledger, overview, regulations, study

    app.url_map.converters["int"] = RecordId
    for module in (auth, overview, ledger, checklists, study, commitments, regulations, commendations, campaigns, admin):
        app.register_blueprint(module.bp)


def register_request_hooks(app: Flask) -> None:
    from app import assets, htmx, query_count
    from app.auth.routes import enforce_password_change, refuse_broken_next
    from app.security import set_security_headers

    query_count.register(app)
    assets.register(app)
    app.before_request(htmx.load_documents_in_full)
    app.before_request(refuse_broken_next)
    app.before_request(enforce_password_change)
    app.after_request(htmx.keep_address_after_post)
    app.after_request(set_security_headers)


def register_errors(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_templating(app: Flask) -> None:
    from app.templating import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)
