"""Telling htmx requests from full page loads, and answering each with the right template."""
from flask import render_template, request


def is_htmx() -> bool:
    """A partial-swap request: htmx asked, and not for a boosted page or a history restore.

    Boosted navigation and history restores need the whole page, like a normal load.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(page: str, fragment: str, **context):
    """Render the whole page, or only the fragment the page includes, for an htmx swap."""
    return render_template(fragment if is_htmx() else page, **context)
