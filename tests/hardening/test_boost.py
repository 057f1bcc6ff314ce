"""hx-boost is on #page (base.html), so htmx fetches every link of the app and swaps the answer
into the page. Every GET route of the app, requested as a boosted link by the 专项办 (who sees
every page), answers either a page of the app (its #page frame), a redirect, or HX-Redirect to
its own address, so that the browser loads it in full: a file (Excel, Word, an uploaded file)
downloads and a print view opens as a page of its own (app/htmx.py, document()). A new download
route without @document fails here.

And every POST route, posted by a boosted form, answers a redirect (whose target htmx pushes into
the address bar) or says HX-Push-Url: false, so that the bar keeps the address of the page the
form was on: a 422 page with the errors must not leave `/ledger/N/extension` in the bar and
history, where reload and Back would GET it (405)."""
from tests.hardening.world import get_urls, post_endpoints, url_args

BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
FRAME = '<div id="page" hx-boost="true"'
# Only ever fetched by hx-get for a swap, never a link's target.
FRAGMENT_ONLY = {"/study/readings/count"}


def test_every_boosted_link_answers_a_page_or_loads_in_full(app, client, auth, world):
    auth.login("admin")
    documents, swapped = [], []
    for url in get_urls(app, world) + ["/overview/report?start=2026-01-01&end=2026-12-31"]:
        response = client.get(url, headers=BOOSTED)
        if "HX-Redirect" in response.headers:
            assert response.headers["HX-Redirect"] == url and not response.data, url
            documents.append(url)
            # Loaded in full, the same address is a file or a page without the app's frame.
            full = client.get(url)
            assert full.status_code == 200, url
            assert full.mimetype != "text/html" or FRAME not in full.text, url
            continue
        assert response.status_code < 500, url
        if url in FRAGMENT_ONLY:
            continue
        if not 300 <= response.status_code < 400 and (response.mimetype != "text/html" or FRAME not in response.text):
            swapped.append(url)
    assert swapped == []  # these would be swapped into the page: mark their views @document
    # the kinds of download: Excel exports and templates, the Word report, uploaded files, prints
    assert {"/overview/progress.xlsx", "/overview/report.docx", "/ledger/export.xlsx", "/ledger/evidence/1",
            "/study/files/1", "/regulations/1/document", "/overview/report/print"} <= set(documents)


def test_the_redirect_keeps_the_query_and_never_breaks_the_header(app, client, auth, world):
    auth.login("admin")
    response = client.get("/overview/report.xlsx?start=2026-01-01&end=%0D%0Ax&名=1", headers=BOOSTED)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/overview/report.xlsx?start=2026-01-01&end=%0D%0Ax&%E5%90%8D=1"


def test_every_boosted_post_answered_without_a_redirect_keeps_the_address(app, client, auth, world):
    auth.login("admin")
    adapter = app.url_map.bind("localhost")
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    urls = [adapter.build(endpoint, url_args(rules[endpoint], world)) for endpoint in post_endpoints()]
    answers, pushed = set(), []
    for url in urls:  # built first: some posts delete a record of the world
        response = client.post(url, data={}, headers=BOOSTED)  # nothing filled in: refused, mostly
        assert response.status_code < 500, url
        answers.add(response.status_code)
        redirect = 300 <= response.status_code < 400
        if response.headers.get("HX-Push-Url") != ("false" if not redirect else None):
            pushed.append((url, response.status_code))
    assert pushed == []
    assert {302, 422} <= answers
