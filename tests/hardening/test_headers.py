"""Every GET route answers with the security headers: the CSP, nosniff, the referrer policy, no
caching of anything shown to a logged-in person (pages, htmx fragments, downloads), HSTS over HTTPS."""
import pytest

from app import create_app
from app.config import HTMX_DEFAULT_CDN
from tests.conftest import AuthActions
from tests.hardening.world import get_urls

CDN_ORIGIN = "https://unpkg.com"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_secure_headers(response, url, authenticated=True):
    csp = directives(response)
    assert csp["default-src"] == ["'self'"], url
    assert csp["object-src"] == ["'none'"], url
    assert csp["base-uri"] == ["'none'"], url
    assert csp["frame-ancestors"] == ["'none'"], url
    assert csp["script-src"] == ["'self'", HTMX_DEFAULT_CDN], url  # the htmx file, not all of the CDN
    assert [name for name, sources in csp.items() if any(CDN_ORIGIN in s for s in sources)] == ["script-src"], url
    assert response.headers["X-Content-Type-Options"] == "nosniff", url
    assert response.headers["Referrer-Policy"] == "same-origin", url
    assert "Strict-Transport-Security" not in response.headers, url  # plain HTTP: no HSTS
    if authenticated:
        assert response.headers["Cache-Control"] == "no-store", url


@pytest.fixture
def cdn(app):
    app.config["HTMX_CDN_URL"] = HTMX_DEFAULT_CDN


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_every_get_route_sends_the_security_headers(app, client, auth, world, cdn, htmx):
    auth.login("admin")
    headers = {"HX-Request": "true"} if htmx else {}
    urls = get_urls(app, world)
    for url in urls:
        response = client.get(url, headers=headers)
        assert response.status_code < 500, url
        assert_secure_headers(response, url)
    # the downloads are among them: files people uploaded and the Excel exports
    assert {"/ledger/evidence/1", "/study/files/1", "/regulations/1/document", "/ledger/export.xlsx"} <= set(urls)


def test_pages_for_anonymous_visitors_send_them_too(client, cdn):
    for url in ("/auth/login", "/no-such-page", "/static/js/app.js"):
        assert_secure_headers(client.get(url), url, authenticated=False)


def test_refusals_shown_to_a_logged_in_person_are_not_cached_either(app, client, auth, world):
    auth.login("staff")
    for url in ("/admin/users", "/ledger/99999"):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert response.headers["Cache-Control"] == "no-store", url


def test_hsts_over_https(client):
    response = client.get("/auth/login", base_url="https://zuofeng.local")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("trusted, expected", [(1, True), (0, False)], ids=["trusted proxy", "no proxy trusted"])
def test_hsts_behind_a_proxy_only_when_trusted(app, trusted, expected):
    behind = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=trusted)
    response = behind.test_client().get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert ("Strict-Transport-Security" in response.headers) is expected


def test_a_download_is_not_cached_after_login_elsewhere_either(app, world):
    """The header depends on the login of the request, not on a page: a file fetched directly."""
    other = app.test_client()
    AuthActions(other).login("staff")
    response = other.get("/ledger/evidence/1")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment")
