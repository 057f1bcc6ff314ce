"""Telling htmx requests from full page loads, and answering each with the right template.

hx-boost is on #page (base.html): htmx fetches every link and form of the app and swaps the
answer in. Two request hooks keep that from breaking what a swap cannot do: a link to a file or a
print view is told to load in full (document()), and the answer to a boosted form that is not a
redirect leaves the address bar where it was (keep_address_after_post).
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


def keep_address_after_post(response):
    """A boosted form's answer that is not a redirect (a 422 with the errors, a 409, a 400) is
    the form's own page again: without this, htmx 1.9 pushes the POST address into the address
    bar and history, where reload and Back would GET it (405). HX-Push-Url: false keeps the
    address of the page the form was on. A redirect's target is pushed as before (the GET
    answer after the redirect has no such header)."""
    if request.method != "GET" and is_boosted() and not 300 <= response.status_code < 400:
        response.headers.setdefault("HX-Push-Url", "false")
    return response
