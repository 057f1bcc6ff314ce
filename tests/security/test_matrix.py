"""The authorisation matrix (tests/security/matrix.py) against the app: every route has its line,
every cell is what each requester gets, and no refused POST changes anything."""
import pytest

from tests.security.matrix import LINES, REFUSALS, describe, get_cells, satisfies

POST_LINES = [line for line in LINES if line.mode == "post"]


def test_every_route_has_a_line_and_every_line_a_route(bureau):
    routes = {(rule.endpoint, method) for rule in bureau.app.url_map.iter_rules() if rule.endpoint != "static"
              for method in rule.methods & {"GET", "POST"}}
    lines = {(line.endpoint, line.method) for line in LINES}
    assert sorted(routes - lines) == [], "routes without a line in tests/security/matrix.py"
    assert sorted(lines - routes) == [], "lines in tests/security/matrix.py whose route is gone"


@pytest.mark.parametrize(("line", "htmx"), get_cells(),
                         ids=[f"{line.target}-{'htmx' if htmx else 'page'}" for line, htmx in get_cells()])
def test_get(crawl, line, htmx):
    answers = crawl.line(line, htmx)
    wrong = {requester: f"{describe(a.status, a.location, a.hx_redirect)}, not {line.cells[requester]}"
             for requester, a in answers.items()
             if not satisfies(line.cells[requester], a.status, a.location, a.hx_redirect, htmx)}
    assert wrong == {}


@pytest.mark.parametrize("line", POST_LINES, ids=[line.target for line in POST_LINES])
def test_post(bureau, line):
    """An empty form from each requester: refusals first, then those who get past the policy (whose
    changes are undone before the next one posts)."""
    url = line.url(bureau.app, bureau.ids)
    order = sorted(line.cells, key=lambda requester: line.cells[requester] not in REFUSALS)
    wrong, changed_by_refusal = {}, {}
    for requester in order:
        token = line.cells[requester]
        response = bureau.client(requester).post(url, data={})
        location = response.headers.get("Location", "")
        if not satisfies(token, response.status_code, location, response.headers.get("HX-Redirect", "")):
            wrong[requester] = f"{describe(response.status_code, location, '')}, not {token}"
        changed = bureau.changed_tables(bureau.built)
        if changed and token in REFUSALS:
            changed_by_refusal[requester] = changed
        if changed:
            bureau.restore()
    assert wrong == {}
    assert changed_by_refusal == {}, "refused, yet the database changed"
