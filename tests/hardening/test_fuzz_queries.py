"""Hypothesis sends odd query strings to every GET route of the app: never a 500, and nothing of
them comes back unescaped.

The parameters each route reads are found by asking it: every GET route is opened once while
`request.args` records the names a view looks up (`get`, `getlist`, `in`, a form reading the
address), and the links of the pages add the names they put in the address. Each route then
gets FUZZ_EXAMPLES requests by any of five people with those parameters kept, left out, repeated
or given odd values (empty, huge, negative, beyond any integer, impossible dates, CR/LF, script,
ids of other records), plus unknown parameters.
"""
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.conftest import AuthActions
from tests.hardening.test_fuzz_forms import NASTY, PEOPLE, RAW
from tests.hardening.world import get_urls

FUZZ_EXAMPLES = 8
ODD = NASTY[:-2] + ("字" * 5000, "x" * 9000, "/ledger/\r\nSet-Cookie: a=1", "%00", "2026-11-26", "1", "all",
                    "-0", "0x10", " 1 ", "１２")
HREF = re.compile(r'href="([^"]*\?[^"]*)"')


class Recording(ImmutableMultiDict):
    """request.args that notes every name a view asks for."""

    asked: set[str] = set()

    def __getitem__(self, key):
        Recording.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, *args, **kwargs):
        Recording.asked.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        Recording.asked.add(key)
        return super().getlist(key, *args, **kwargs)

    def __contains__(self, key):
        Recording.asked.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = Recording


def parameters(app, world, people) -> dict[str, set[str]]:
    """The query parameters of every GET route: the ones its view reads, the ones its links carry."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, set[str]] = {url: set() for url in get_urls(app, world)}
    by_path = {urlsplit(url).path: url for url in found}
    app.request_class = RecordingRequest
    try:
        for client in people.values():
            for url in list(found):
                Recording.asked = set()
                response = client.get(url)
                found[url] |= Recording.asked
                if response.mimetype != "text/html":
                    continue
                for href in HREF.findall(response.text):
                    parts = urlsplit(unescape(href))
                    try:
                        adapter.match(parts.path, method="GET")
                    except (NotFound, MethodNotAllowed):
                        continue
                    if parts.path in by_path:
                        found[by_path[parts.path]] |= {name for name, _ in parse_qsl(parts.query)}
    finally:
        app.request_class = Request
    return found


@pytest.fixture
def people(app, world):
    clients = {}
    for username in PEOPLE:
        clients[username] = app.test_client()
        assert AuthActions(clients[username]).login(username).status_code == 302
    return clients


def test_odd_query_strings_never_fail(app, world, people):
    routes = parameters(app, world, people)
    # `next` everywhere (app/auth/routes.py, refuse_broken_next); and the filters, periods, pages …
    assert sum(len(names - {"next"}) for names in routes.values()) >= 80, routes
    ids = sorted({str(record.id) for record in world.values() if hasattr(record, "id")} | {"0", "99999"})
    value = st.one_of(st.sampled_from(ODD), st.text(max_size=30), st.integers().map(str), st.sampled_from(ids))
    for url, names in routes.items():
        known = st.dictionaries(st.sampled_from(sorted(names)), st.lists(value, min_size=1, max_size=2),
                                max_size=len(names)) if names else st.just({})
        unknown = st.dictionaries(st.text(min_size=1, max_size=8), st.lists(value, min_size=1, max_size=1), max_size=2)

        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.data_too_large])
        @given(who=st.sampled_from(PEOPLE), url=st.just(url), args=known, extra=unknown, htmx=st.booleans())
        def get(who, url, args, extra, htmx):
            query = [(name, v) for name, values in {**extra, **args}.items() for v in values]
            response = people[who].get(url, query_string=query, headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code < 500, (who, url, query)
            if response.mimetype == "text/html":
                assert not RAW.search(response.get_data(as_text=True)), (who, url, query)

        get()
