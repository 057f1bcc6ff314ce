"""Telling htmx requests from full page loads, and answering each with the right template.

hx-boost is on #page (base.html): htmx fetches every link and form of the app and swaps the
answer in. A link to a file or a print view is told to load in full instead (document()).
"""
from urllib.parse import quote

from flask import current_app, render_template, request


def is_htmx() -> bool:
    """A partial-swap request: htmx asked, and not for a boosted page or a history restore.

    Boosted navigation and history restores need the whole page, like a normal load.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def is_boosted() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") == "true"


def render_page_or_fragment(page: str, fragment: str, **context):
    """Render the whole page, or only the fragment the page includes, for an htmx swap."""
    return render_template(fragment if is_htmx() else page, **context)


def document(view):
    """Mark a view whose answer is not a page of the app: a file to download (Excel, Word, an
    uploaded file) or a print view with its own stylesheet. A boosted link to it would swap the
    file's bytes, or a page without the app's frame, into #page; see load_documents_in_full."""
    view.htmx_document = True
    return view


def load_documents_in_full():
    """A boosted GET for a document is answered, before the view runs, with HX-Redirect to the
    same address: htmx then sets window.location, and the browser downloads the file (the page
    stays) or opens the print view as a page of its own. So no link needs hx-boost="false"."""
    view = current_app.view_functions.get(request.endpoint)
    if request.method == "GET" and is_boosted() and getattr(view, "htmx_document", False):
        address = request.script_root + request.path
        if request.query_string:
            # As the browser sent it (already %-encoded); anything else is encoded, never a header break.
            address += "?" + quote(request.query_string, safe="%&=+;,/?:@!$'()*~")
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = address
        return response
    return None

