"""Static files under versioned URLs, cached by browsers for a year.

Every `url_for('static', ...)` gets `?v=<hash of the file's content>`: a changed file gets a new
URL, so the old one may be cached for good (Cache-Control: immutable, one year). A request
without the current version (an old page, a hand-typed URL) is answered as before, revalidated
on each use. On slow intranet links a page then costs one request once the assets are cached.
"""
import hashlib
import os

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600


class Versions:
    """Content hashes of static files, recomputed only when a file's modification time changes."""

    def __init__(self, folder: str):
        self.folder = folder
        self._known: dict[str, tuple[int, str]] = {}

    def of(self, filename: str) -> str | None:
        path = os.path.join(self.folder, filename)
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            return None
        known = self._known.get(filename)
        if known is None or known[0] != mtime:
            with open(path, "rb") as file:
                known = (mtime, hashlib.sha256(file.read()).hexdigest()[:12])
            self._known[filename] = known
        return known[1]


def register(app: Flask) -> None:
    versions = Versions(app.static_folder)

    @app.url_defaults
    def _versioned(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = versions.of(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_versioned(response):
        if (request.endpoint == "static" and response.status_code in (200, 304)
                and request.args.get("v") == versions.of(request.view_args["filename"])):
            response.cache_control.public = True
            response.cache_control.no_cache = None
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
