"""Whatever people type comes back as text: script in every free-text field of every record is
escaped on every page, htmx fragment and A4 print view, and no link ever takes a javascript: URL.

Every free-text column of every row is overwritten in the database with a numbered payload (so a
leak names its field), as if it had got past every form; then every GET route is read by each
kind of person, as a page and as a fragment, and every POST route answers an htmx refusal.
"""
import re

import pytest
from sqlalchemy import String

from app import audit
from app.extensions import db
from tests.conftest import AuthActions
from tests.hardening.world import FREE_TEXT, get_urls, overwrite_free_text, url_args

# The fields named in the issue: each must be shown somewhere (escaped), or the test proves nothing.
MUST_BE_SHOWN = {
    ("ledger_item", column) for column in FREE_TEXT["ledger_item"]
} | {
    ("ledger_event", "note"), ("extension_request", "reason"), ("self_inspection", "return_reason"),
    ("self_inspection_answer", "manifestation"), ("self_inspection_answer", "measures"),
    ("reflection", "title"), ("reflection", "body"), ("reflection", "review_comment"),
    ("regulation", "title"), ("regulation", "document_number"), ("regulation", "summary"),
    ("commendation", "honour"), ("commendation", "reason"), ("commendation", "issuer"),
    ("unit", "name"), ("user", "full_name"), ("dispatch", "title"), ("dispatch", "description"),
    ("dispatch_target", "zero_report_note"), ("study_session", "materials"), ("reading", "link"),
    ("letter_template", "body"), ("signature", "rendered_text"), ("checklist_item", "text"),
}
PEOPLE = ("admin", "staff", "head", "leader", "inspector")
RAW = re.compile(r"<script>alert\(|<img src=x onerror|(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)
SHOWN = re.compile(r"alert\((\d+)\)")


def payload(k: int, column) -> str:
    """Script that would run if it reached the page unescaped, numbered k, within the column's length."""
    if column.name == "link":
        return f"javascript:alert({k})"
    if column.name == "materials":  # a line ending in an address becomes a link: try to break out of it
        return f"<script>alert({k})</script>\n看这里 javascript:alert({k})\n链接 http://a.example/\"onclick=alert({k})"
    script, tag = f"<script>alert({k})</script>", f"\"><img src=x onerror=alert({k})>"
    length = column.type.length if isinstance(column.type, String) else None
    if length is None:
        return script + tag
    return (script if k % 2 else tag)[:length]


def plant() -> dict[int, tuple[str, str]]:
    planted = overwrite_free_text(payload)
    k = len(planted) + 1
    planted[k] = ("audit_log", "summary")
    audit.record("unit.created", None, payload(k, db.metadata.tables["audit_log"].c.summary), note=f"<b>{k}</b>")
    db.session.commit()
    return planted


@pytest.fixture
def people(app, world):
    """A logged-in client for each kind of person (logged in before their usernames change)."""
    clients = {}
    for username in PEOPLE:
        clients[username] = app.test_client()
        assert AuthActions(clients[username]).login(username).status_code == 302
    return clients


def test_free_text_is_escaped_everywhere(app, world, people):
    planted = plant()
    shown = set()
    urls = get_urls(app, world) + [f"/ledger/{world[name].id}" for name in ("first_review", "sign_off", "closed")]
    for username, client in people.items():
        for url in urls:
            for headers in ({}, {"HX-Request": "true"}) if username == "admin" else ({},):
                response = client.get(url, headers=headers)
                assert response.status_code < 500, (username, url)
                if response.mimetype != "text/html":
                    continue
                leak = RAW.search(response.text)
                assert leak is None, (username, url, headers, response.text[leak.start() - 200:leak.end() + 50])
                shown |= {planted[int(k)] for k in SHOWN.findall(response.text) if int(k) in planted}
    assert MUST_BE_SHOWN <= shown, sorted(MUST_BE_SHOWN - shown)


def test_htmx_refusals_do_not_echo_script_either(app, world, people):
    """Every POST route answering an htmx request with a stale version and script in the usual
    fields: the 409/422 fragment shows the record as it is now, and the typed text escaped."""
    plant()
    typed = {name: f"<script>alert({name})</script>" for name in (
        "reason", "note", "comment", "text", "title", "typed_name", "instruction", "completion", "code", "topic")}
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "auth.logout":
            continue
        url = adapter.build(rule.endpoint, url_args(rule, world))
        for username in ("admin", "head", "leader"):
            response = people[username].post(url, data={"version": "0", **typed}, headers={"HX-Request": "true"})
            assert response.status_code < 500, (username, url)
            leak = RAW.search(response.text)
            assert leak is None, (username, url, response.text[leak.start() - 200:leak.end() + 50])
