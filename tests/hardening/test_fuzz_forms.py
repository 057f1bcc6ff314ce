"""Hypothesis posts random and malformed values to every form of the app.

The forms are read off the pages (tests/hardening/forms.py): their actions, fields and the values
the pages offer. Each POST route then gets FUZZ_EXAMPLES posts by any of five people, to its own
record or to any action the pages showed for it, each field kept, left out, or replaced by random
unicode, huge text, numbers far out of range, impossible dates, ids of other records, script, or a
file of random bytes under a random name. Whatever comes back:

- never a 500, and nothing typed comes back unescaped;
- a refusal (4xx) changes nothing: no row, no audit row, no stored file;
- a change to the database comes with its audit row (the audit log grows only with a change).

The one exception is named in DRAFTS: a 自查表's draft is not an official record (no audit row), and
an incomplete 提交 keeps what was typed as a draft while answering 422 (README, 自查清单).
"""
import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.conftest import AuthActions
from tests.hardening.forms import post_forms
from tests.hardening.snapshot import fingerprint, stored_files
from tests.hardening.world import get_urls, post_endpoints, url_args

FUZZ_EXAMPLES = 10
PEOPLE = ("admin", "head", "staff", "leader", "inspector")
DRAFTS = {"checklists.fill": {"self_inspection", "self_inspection_answer"},
          "checklists.autosave": {"self_inspection", "self_inspection_answer"}}
RAW = re.compile(r"<script>alert\(")
NASTY = (
    "", " ", "\x00", "0", "-1", "-99999999999999999999", "99999999999999999999", "1e309", "NaN", "1.5", "true",
    "2026-02-30", "0000-00-00", "9999-12-31", "2026-13-45T25:61", "明天", "../../../etc/passwd",
    "'; DROP TABLE \"user\"; --", "<script>alert(1)</script>", "=HYPERLINK(\"http://evil.example\")",
    "\u202e\u0645\u0631\u062d\u0628\u0627", "𠀀𪚥" * 20, "字" * 100_000, "x" * 70_000,
)
FILES = st.tuples(
    st.sampled_from((b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"MZ\x90\x00", b"<html>")),
    st.binary(max_size=512),
    st.sampled_from(("报告.pdf", "a.exe", "../../x.pdf", "名单.xlsx", "photo.png", "", "a" * 300 + ".docx")),
).map(lambda parts: (io.BytesIO(parts[0] + parts[1]), parts[2]))


@dataclass
class Target:
    """What the pages showed of one POST endpoint: its fields, its action URLs, and to whom."""

    fields: dict = field(default_factory=dict)
    actions: set[str] = field(default_factory=set)
    shown_to: set[str] = field(default_factory=set)


def discover(app, world, people) -> dict[str, Target]:
    """Every POST form on every page, as each person sees them, by endpoint."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, Target] = {}
    for username, client in people.items():
        for url in get_urls(app, world):
            response = client.get(url)
            if response.mimetype != "text/html":
                continue
            for form in post_forms(response.text, url):
                path = urlsplit(form.action).path
                try:
                    endpoint, _args = adapter.match(path, method="POST")
                except (NotFound, MethodNotAllowed):
                    continue
                target = found.setdefault(endpoint, Target())
                target.actions.add(path)
                target.shown_to.add(username)
                for name, spec in form.fields.items():
                    target.fields.setdefault(name, spec).values.update(spec.values)
    return found


def value_of(spec, foreign_ids):
    """Any value for a field: one the page offered, a nasty one, random text, a number, another id."""
    choices = [st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str), st.sampled_from(foreign_ids)]
    if spec.values:
        choices.insert(0, st.sampled_from(sorted(spec.values)))
    if spec.kind == "file":
        choices.insert(0, FILES)
    one = st.one_of(choices)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3)) if spec.kind in ("checkbox", "select") else one


@pytest.fixture
def people(app, world):
    clients = {}
    for username in PEOPLE:
        clients[username] = app.test_client()
        assert AuthActions(clients[username]).login(username).status_code == 302
    return clients


_forms: dict[str, Target] = {}  # read off the pages once: every test builds the same world


@pytest.mark.parametrize("endpoint", post_endpoints())
def test_random_posts_never_fail_and_never_half_save(app, world, people, endpoint):
    if not _forms:
        _forms.update(discover(app, world, people))
    target = _forms.get(endpoint, Target())
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    urls = sorted(target.actions | {app.url_map.bind("localhost").build(endpoint, url_args(rule, world))})
    foreign_ids = sorted({str(record.id) for record in world.values() if hasattr(record, "id")} | {"99999"})
    form = st.fixed_dictionaries({}, optional={name: value_of(spec, foreign_ids)
                                               for name, spec in target.fields.items()})
    # Half the posts by someone the form is shown to (deeper), half by anyone (refusals).
    requester = st.one_of(st.sampled_from(sorted(target.shown_to or PEOPLE)), st.sampled_from(PEOPLE))
    state = {"before": fingerprint(), "files": stored_files(app)}

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(who=requester, url=st.sampled_from(urls), data=form,
           extra=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=10), max_size=2),
           htmx=st.booleans())
    def post(who, url, data, extra, htmx):
        response = people[who].post(url, data={**extra, **data}, headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code < 500, (who, url, data)
        assert not RAW.search(response.get_data(as_text=True)), (who, url)
        before, after = state["before"], fingerprint()
        files_before, files = state["files"], stored_files(app)
        state.update(before=after, files=files)
        changed = {name for name in after if after[name] != before[name]}
        drafts = DRAFTS.get(endpoint, set())
        if response.status_code >= 400:
            assert changed <= drafts, (who, url, response.status_code, changed)
            assert files == files_before, (who, url, response.status_code)
        if changed - drafts:
            assert "audit_log" in changed, (who, url, changed)

    post()
