"""Configuration, every setting readable from the environment (see README, 配置)."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))

HTMX_VERSION = "1.9.12"
HTMX_DEFAULT_CDN = f"https://unpkg.com/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
# Subresource integrity of the official htmx 1.9.12 htmx.min.js; the vendored copy is the same file.
HTMX_INTEGRITY = "sha384-ujb1lZYygJmzgSwoxRggbCHcjc0rB2XoQrxeTUQyRjrOnlCoYta87iKBWq3EsdM2"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str]:
    """A comma-separated environment variable as a list, blanks left out."""
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def normalise_database_url(url: str) -> str:
    """Accept the URL forms hosting tools print and pin PostgreSQL to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret(name: str) -> str:
    """A random key generated once and kept under instance/, for development and the demo."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / name
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="ascii")
        try:
            path.chmod(0o600)
        except OSError:  # Windows file systems
            pass
    return path.read_text(encoding="ascii").strip()


class Config:
    ENV_NAME = "development"
    TESTING = False

    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'zuofeng.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # How long a SQLite writer waits for the lock before giving up, in milliseconds.
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)

    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    MAX_CONTENT_LENGTH = _env_int("MAX_UPLOAD_MB", 20) * 1024 * 1024

    HTMX_CDN_URL = os.environ.get("HTMX_CDN_URL", HTMX_DEFAULT_CDN)
    HTMX_INTEGRITY = HTMX_INTEGRITY

    # Sessions end after this long without a request (the cookie is re-issued on every request).
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 120))
    # However busy, a login ends this long after it began (the 自查表's autosave keeps sessions alive).
    SESSION_MAX_HOURS = _env_int("SESSION_MAX_HOURS", 12)
    SESSION_COOKIE_NAME = "zuofeng_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure is also set automatically on any request that arrived over HTTPS.
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE")
    # The CSRF token lives as long as the session, so a long form still submits after an hour.
    WTF_CSRF_TIME_LIMIT = None
    # A 自查表 open in the browser saves its draft this often while there are changes (keeping the login alive).
    CHECKLIST_AUTOSAVE_SECONDS = _env_int("CHECKLIST_AUTOSAVE_SECONDS", 120)
    # 上热中温下冷: warn when a level's rate trails the level above by more than this many points
    GAUGE_GAP_POINTS = _env_int("GAUGE_GAP_POINTS", 15)
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    # Built-in form messages come from WTForms' own Chinese catalogue (see app.forms.Form).
    WTF_I18N_ENABLED = False

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_USER = os.environ.get("LOGIN_LIMIT_PER_USER", "5 per 5 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 5 minutes")

    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 8)
    TIMEZONE = "Asia/Shanghai"
    PAGE_SIZE = 50

    # Pages, fragments, CSS and JavaScript go out gzipped (old intranet links are slow).
    COMPRESS_ALGORITHM = "gzip"
    # Static files leave as a stream (a file wrapper under gunicorn); they are gzipped as well.
    COMPRESS_ALGORITHM_STREAMING = "gzip"
    COMPRESS_LEVEL = 6
    # The benchmark's X-Query-Count and Server-Timing headers (app/query_count.py); off in production.
    BENCH_QUERY_COUNT = _env_bool("BENCH_QUERY_COUNT")

    # Key rotation (README, Security): earlier keys, oldest first, comma-separated. Sessions signed
    # with a previous SECRET_KEY stay valid (Flask's SECRET_KEY_FALLBACKS); audit rows signed with a
    # retired AUDIT_KEY still verify, but only before the first row signed with a later key.
    SECRET_KEY_FALLBACKS = _env_list("SECRET_KEY_FALLBACKS")
    AUDIT_KEYS_RETIRED = _env_list("AUDIT_KEYS_RETIRED")

    @property
    def SECRET_KEY(self) -> str:  # noqa: N802 - Flask reads it under this name
        return os.environ.get("SECRET_KEY") or instance_secret("secret_key")

    @property
    def AUDIT_KEY(self) -> str:  # noqa: N802
        return os.environ.get("AUDIT_KEY") or instance_secret("audit_key")


class ProductionConfig(Config):
    ENV_NAME = "production"

    @property
    def SECRET_KEY(self) -> str:  # noqa: N802
        return _required("SECRET_KEY")

    @property
    def AUDIT_KEY(self) -> str:  # noqa: N802
        return _required("AUDIT_KEY")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # nosec B105  # the test configuration only
    AUDIT_KEY = "test-audit-key"
    WTF_CSRF_ENABLED = False
    HTMX_CDN_URL = ""
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_MIN_LENGTH = 8
    # Fail loudly in tests when a view answers without ever asking app/policy.py.
    POLICY_ENFORCE_ASKED = True


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} must be set in production (ZUOFENG_ENV=production)")
    return value


CONFIGS = {"development": Config, "production": ProductionConfig, "test": TestConfig}


def config_for(name: str | None):
    return CONFIGS[name or os.environ.get("ZUOFENG_ENV", "development")]()
