"""Response headers every page gets: old-browser rendering mode, CSP, caching, framing."""
from urllib.parse import urlsplit

from flask import current_app, request
from flask_login import current_user


def content_security_policy() -> str:
    script_src = "'self'"
    cdn = current_app.config.get("HTMX_CDN_URL")
    if cdn:
        # The htmx file itself, not the whole host: a public CDN such as unpkg serves every npm
        # package, so allowing its host would let an injected <script> load any of them.
        parts = urlsplit(cdn)
        script_src += f" {parts.scheme}://{parts.netloc}{parts.path}"
    return (
        f"default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


def set_security_headers(response):
    headers = response.headers
    # IE11 and 360/QQ browsers: render in the newest engine, never in compatibility mode.
    headers.setdefault("X-UA-Compatible", "IE=edge")
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    # One URL may answer with a page or an htmx fragment: caches must keep them apart.
    response.vary.add("HX-Request")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static" and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    return response
