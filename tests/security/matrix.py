"""The authorisation matrix: for every route, what each kind of requester gets.

One line per route (or per variant of it), one column per requester (see tests/security/world.py):

    target   endpoint, optionally @variant (other objects for the URL arguments, see VARIANTS)
             and ?query (values naming world objects are replaced by their ids)
    mode     get   a full GET and a GET with `HX-Request: true` (unless an htmx line follows)
             htmx  a GET with `HX-Request: true` only
             post  a POST with an empty form (CSRF is checked in test_csrf.py, not here)
    cells    200, 302   that status (302: a redirect, not to the login page)
             ok         POST only: got past the policy (any answer but 401/403/404/405/5xx or the
                        login page; an empty form is mostly refused later with 400, 409 or 422)
             403        forbidden: the requester may see the record but not do this
             404        hidden: another unit's record, its existence not confirmed
             login      anonymous: a redirect to the login page; for htmx 401 with HX-Redirect
             out        logged out (auth.logout): a redirect to the login page
             401        that status (the 自查表's background save when the login has ended: a status line)

Refusals (login, 401, 403, 404) must leave the database as it was: test_matrix.py compares every
table's rows before and after each POST.

URL arguments come from the world by name (DEFAULTS); a line whose endpoint is gone from the app,
and a route without a line, fail tests/security/test_matrix.py.
"""
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from tests.security.world import REQUESTERS

# The world object standing behind each URL argument, by default (A's records, owned by `owner`).
DEFAULTS = {
    "campaign_id": "campaign", "unit_id": "unit", "user_id": "owner", "item_id": "item",
    "request_id": "extension", "evidence_id": "evidence", "dispatch_id": "dispatch", "target_id": "target",
    "inspection_id": "inspection", "signature_id": "signature", "session_id": "session",
    "speaker_id": "speaker", "file_id": "file", "reading_id": "reading", "reflection_id": "reflection",
    "regulation_id": "rule", "commendation_id": "honour",
}
# template_id names a checklist in checklists.*, a letter in commitments.*
TEMPLATES = {"checklists": "checklist", "commitments": "letter"}
# @variant → the URL arguments it changes
VARIANTS = {
    "discipline": {"item_id": "discipline"},
    "item_b": {"item_id": "item_b"},
    "discipline_b": {"item_id": "discipline_b"},
    "inspection_b": {"inspection_id": "inspection_b"},
    "session_b": {"session_id": "session_b"},
    "bureau_session": {"session_id": "bureau_session"},
    "own_dispatch": {"dispatch_id": "own_dispatch"},
    "target_b": {"target_id": "target_b"},
    "draft": {"regulation_id": "draft"},
    "collective": {"commendation_id": "collective"},
    "unit_b": {"unit_id": "unit_b"},
}

TABLE = """
# target                                       mode  anon  gone  owner mate  other head  ohead lead  olead insp  admin
admin.audit_log                                get   login login 403   403   403   403   403   403   403   403   200
admin.audit_verify                             get   login login 403   403   403   403   403   403   403   403   200
admin.audit_export                             get   login login 403   403   403   403   403   403   403   403   200
admin.import_org                               get   login login 403   403   403   403   403   403   403   403   200
admin.import_org                               post  login login 403   403   403   403   403   403   403   403   ok
admin.import_org_template                      get   login login 403   403   403   403   403   403   403   403   200
admin.unit_create                              get   login login 403   403   403   403   403   403   403   403   200
admin.unit_create                              post  login login 403   403   403   403   403   403   403   403   ok
admin.unit_edit                                get   login login 403   403   403   403   403   403   403   403   200
admin.unit_edit                                post  login login 403   403   403   403   403   403   403   403   ok
admin.units                                    get   login login 403   403   403   403   403   403   403   403   200
admin.user_create                              get   login login 403   403   403   403   403   403   403   403   200
admin.user_create                              post  login login 403   403   403   403   403   403   403   403   ok
admin.user_edit                                get   login login 403   403   403   403   403   403   403   403   200
admin.user_edit                                post  login login 403   403   403   403   403   403   403   403   ok
admin.users                                    get   login login 403   403   403   403   403   403   403   403   200

auth.change_password                           get   login login 200   200   200   200   200   200   200   200   200
auth.change_password                           post  login login ok    ok    ok    ok    ok    ok    ok    ok    ok
auth.login                                     get   200   200   302   302   302   302   302   302   302   302   302
auth.login                                     post  ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
auth.logout                                    post  login login out   out   out   out   out   out   out   out   out

campaigns.create                               get   login login 403   403   403   403   403   403   403   403   200
campaigns.create                               post  login login 403   403   403   403   403   403   403   403   ok
campaigns.edit                                 get   login login 403   403   403   403   403   403   403   403   200
campaigns.edit                                 post  login login 403   403   403   403   403   403   403   403   ok
campaigns.index                                get   login login 403   403   403   403   403   403   403   403   200
campaigns.set_current                          post  login login 403   403   403   403   403   403   403   403   ok

checklists.autosave                            post  401   401   ok    ok    ok    ok    ok    ok    ok    ok    ok
checklists.detail                              get   login login 200   404   404   200   404   200   404   200   200
checklists.detail@inspection_b                 get   login login 404   404   200   404   200   404   200   200   200
checklists.fill                                get   login login 302   200   302   200   200   200   200   200   200
checklists.fill                                post  login login ok    ok    ok    ok    ok    ok    ok    ok    ok
checklists.index                               get   login login 200   200   200   200   200   200   200   200   200
checklists.pass_                               post  login login 403   404   404   ok    404   403   404   403   ok
checklists.progress                            get   login login 403   403   403   200   200   200   200   200   200
checklists.progress?unit=unit                  get   login login 403   403   403   200   404   200   404   200   200
checklists.return_                             post  login login 403   404   404   ok    404   403   404   403   ok
checklists.review                              get   login login 403   403   403   200   200   200   200   200   200
checklists.review?unit=unit                    get   login login 403   403   403   200   404   200   404   200   200
checklists.template_create                     get   login login 403   403   403   403   403   403   403   403   200
checklists.template_create                     post  login login 403   403   403   403   403   403   403   403   ok
checklists.template_delete                     post  login login 403   403   403   403   403   403   403   403   ok
checklists.template_detail                     get   login login 403   403   403   403   403   403   403   403   200
checklists.template_edit                       get   login login 403   403   403   403   403   403   403   403   302
checklists.template_edit                       post  login login 403   403   403   403   403   403   403   403   ok
checklists.template_publish                    post  login login 403   403   403   403   403   403   403   403   ok
checklists.template_revise                     post  login login 403   403   403   403   403   403   403   403   ok
checklists.templates                           get   login login 403   403   403   403   403   403   403   403   200

commendations.create                           get   login login 403   403   403   403   403   403   403   403   200
commendations.create                           post  login login 403   403   403   403   403   403   403   403   ok
commendations.delete                           get   login login 403   404   404   403   404   403   403   403   200
commendations.delete                           post  login login 403   404   404   403   404   403   403   403   ok
commendations.delete@collective                post  login login 403   403   404   403   404   403   403   403   ok
commendations.edit                             get   login login 403   404   404   403   404   403   403   403   200
commendations.edit                             post  login login 403   404   404   403   404   403   403   403   ok
commendations.edit@collective                  get   login login 403   403   404   403   404   403   403   403   200
commendations.edit@collective                  post  login login 403   403   404   403   404   403   403   403   ok
commendations.export                           get   login login 200   200   200   200   200   200   200   200   200
commendations.export_recommendations           get   login login 403   403   403   403   403   200   200   200   200
commendations.index                            get   login login 200   200   200   200   200   200   200   200   200
commendations.recommendations                  get   login login 403   403   403   403   403   200   200   200   200

commitments.create_template                    get   login login 403   403   403   403   403   403   403   403   200
commitments.create_template                    post  login login 403   403   403   403   403   403   403   403   ok
commitments.delete_template                    post  login login 403   403   403   403   403   403   403   403   ok
commitments.edit_template                      get   login login 403   403   403   403   403   403   403   403   302
commitments.edit_template                      post  login login 403   403   403   403   403   403   403   403   ok
commitments.index                              get   login login 200   200   200   200   200   200   200   200   200
commitments.print_signature                    get   login login 200   404   404   200   404   200   404   200   200
commitments.print_unit                         get   login login 403   403   404   200   404   200   404   200   200
commitments.progress                           get   login login 403   403   403   200   200   200   200   200   200
commitments.progress?unit=unit&status=unsigned get   login login 403   403   403   200   200   200   200   200   200
commitments.progress_export                    get   login login 403   403   403   200   200   200   200   200   200
commitments.publish_template                   post  login login 403   403   403   403   403   403   403   403   ok
commitments.revise_template                    post  login login 403   403   403   403   403   403   403   403   ok
commitments.sign                               post  login login ok    ok    ok    ok    ok    ok    ok    ok    ok
commitments.template_detail                    get   login login 403   403   403   403   403   403   403   403   200
commitments.templates                          get   login login 403   403   403   403   403   403   403   403   200

ledger.close_now                               post  login login 403   403   404   403   404   ok    404   403   ok
ledger.create                                  get   login login 403   403   403   200   200   403   403   200   200
ledger.create                                  post  login login 403   403   403   ok    ok    403   403   ok    ok
ledger.create?unit=unit_b                      get   login login 403   403   403   200   200   403   403   200   200
ledger.decide_extension                        post  login login 403   403   404   403   404   ok    404   403   ok
ledger.detail                                  get   login login 200   200   404   200   404   200   404   200   200
ledger.detail@discipline                       get   login login 200   200   404   200   404   200   404   200   200
ledger.detail@discipline_b                     get   login login 404   404   200   404   200   404   200   200   200
ledger.detail@item_b                           get   login login 404   404   200   404   200   404   200   200   200
ledger.dispatch_answer_item                    get   login login 403   403   404   409   404   403   404   403   200
ledger.dispatch_answer_item                    post  login login 403   403   404   ok    404   403   404   403   ok
ledger.dispatch_answer_item@target_b           get   login login 404   404   403   404   200   404   403   403   200
ledger.dispatch_answer_item@target_b           post  login login 404   404   403   404   ok    404   403   403   ok
ledger.dispatch_create                         get   login login 403   403   403   403   403   403   403   200   200
ledger.dispatch_create                         post  login login 403   403   403   403   403   403   403   ok    ok
ledger.dispatch_detail                         get   login login 200   200   200   200   200   200   200   200   200
ledger.dispatch_detail@own_dispatch            get   login login 200   200   404   200   404   200   404   200   200
ledger.dispatch_document                       get   login login 200   200   200   200   200   200   200   200   200
ledger.dispatch_edit                           get   login login 403   403   403   403   403   403   403   409   403
ledger.dispatch_edit                           post  login login 403   403   403   403   403   403   403   ok    403
ledger.dispatch_edit@own_dispatch              get   login login 403   403   404   403   404   403   404   200   403
ledger.dispatch_edit@own_dispatch              post  login login 403   403   404   403   404   403   404   ok    403
ledger.dispatch_withdraw                       post  login login 403   403   403   403   403   403   403   ok    403
ledger.dispatch_withdraw@own_dispatch          post  login login 403   403   404   403   404   403   404   ok    403
ledger.dispatch_zero_report                    post  login login 403   403   404   ok    404   403   404   403   403
ledger.dispatch_zero_report@target_b           post  login login 404   404   403   404   ok    404   403   403   403
ledger.dispatches                              get   login login 403   403   403   200   200   200   200   200   200
ledger.download_evidence                       get   login login 200   200   404   200   404   200   404   200   200
ledger.download_evidence                       get   login login 200   200   404   200   404   200   404   200   200
ledger.edit                                    get   login login 403   403   404   200   404   403   404   403   200
ledger.edit                                    post  login login 403   403   404   ok    404   403   404   403   ok
ledger.edit@discipline                         get   login login 403   403   404   200   404   403   404   403   200
ledger.export                                  get   login login 200   200   200   200   200   200   200   200   200
ledger.export?unit=unit                        get   login login 200   200   200   200   200   200   200   200   200
ledger.first_review                            post  login login 403   403   404   ok    404   403   404   403   ok
ledger.import_items                            get   login login 403   403   403   200   200   403   403   403   200
ledger.import_items                            post  login login 403   403   403   ok    ok    403   403   403   ok
ledger.import_template                         get   login login 403   403   403   200   200   403   403   403   200
ledger.import_template?unit=unit               get   login login 403   403   403   200   200   403   403   403   200
ledger.index                                   get   login login 200   200   200   200   200   200   200   200   200
ledger.index?unit=unit                         get   login login 200   200   200   200   200   200   200   200   200
ledger.reconcile                               get   login login 403   403   404   200   404   200   404   200   200
ledger.reconcile_print                         get   login login 403   403   404   200   404   200   404   200   200
ledger.reconcile_units                         get   login login 403   403   403   302   302   302   302   200   200
ledger.record_handling                         post  login login 403   403   404   403   404   403   404   ok    ok
ledger.record_handling@discipline              post  login login 403   403   404   403   404   403   404   ok    ok
ledger.reopen                                  post  login login 403   403   404   403   404   ok    404   403   ok
ledger.report_progress                         post  login login ok    403   404   403   404   403   404   403   403
ledger.report_progress@discipline              post  login login ok    403   404   403   404   403   404   403   403
ledger.request_extension                       post  login login ok    403   404   403   404   403   404   403   403
ledger.return_item                             post  login login 403   403   404   ok    404   ok    404   403   ok
ledger.row                                     get   login login 302   302   404   302   404   302   404   302   302
ledger.row                                     htmx  login login 200   200   404   200   404   200   404   200   200
ledger.row?do=sign_off                         get   login login 403   403   404   403   404   302   404   403   302
ledger.row?do=sign_off                         htmx  login login 403   403   404   403   404   409   404   403   409
ledger.sign_off                                post  login login 403   403   404   403   404   ok    404   403   ok
ledger.sign_off@discipline                     post  login login 403   403   404   403   404   ok    404   403   ok
ledger.submit                                  post  login login ok    403   404   403   404   403   404   403   403
ledger.supervise                               post  login login 403   403   404   403   404   ok    404   403   ok

overview.gauge                                 get   login login 403   403   403   200   200   200   200   200   200
overview.home                                  get   login login 200   200   200   200   200   200   200   200   200
overview.overdue                               get   login login 403   403   403   200   200   200   200   200   200
overview.progress                              get   login login 403   403   403   200   200   200   200   200   200
overview.progress_export                       get   login login 403   403   403   200   200   200   200   200   200
overview.report                                get   login login 403   403   403   200   200   200   200   200   200
overview.report?unit=unit                      get   login login 403   403   403   200   403   200   403   200   200
overview.report_docx                           get   login login 403   403   403   200   200   200   200   200   200
overview.report_docx?unit=unit                 get   login login 403   403   403   200   403   200   403   200   200
overview.report_print                          get   login login 403   403   403   200   200   200   200   200   200
overview.report_print?unit=unit                get   login login 403   403   403   200   403   200   403   200   200
overview.report_xlsx                           get   login login 403   403   403   200   200   200   200   200   200
overview.report_xlsx?unit=unit                 get   login login 403   403   403   200   403   200   403   200   200

regulations.abolish                            post  login login 403   403   403   ok    403   403   403   403   ok
regulations.create                             get   login login 403   403   403   200   200   403   403   403   200
regulations.create                             post  login login 403   403   403   ok    ok    403   403   403   ok
regulations.detail                             get   login login 200   200   200   200   200   200   200   200   200
regulations.detail@draft                       get   login login 200   200   404   200   404   200   404   200   200
regulations.download_document                  get   login login 200   200   200   200   200   200   200   200   200
regulations.download_document@draft            get   login login 200   200   404   200   404   200   404   200   200
regulations.edit                               get   login login 403   403   403   200   403   403   403   403   200
regulations.edit                               post  login login 403   403   403   ok    403   403   403   403   ok
regulations.edit@draft                         get   login login 403   403   404   200   404   403   404   403   200
regulations.edit@draft                         post  login login 403   403   404   ok    404   403   404   403   ok
regulations.index                              get   login login 200   200   200   200   200   200   200   200   200
regulations.index?unit=unit                    get   login login 200   200   200   200   200   200   200   200   200
regulations.issue                              post  login login 403   403   403   ok    403   403   403   403   ok
regulations.issue@draft                        post  login login 403   403   404   ok    404   403   404   403   ok
regulations.link                               post  login login 403   403   403   ok    403   403   403   403   ok
regulations.link@draft                         post  login login 403   403   404   ok    404   403   404   403   ok
regulations.review                             post  login login 403   403   403   ok    403   403   403   403   ok
regulations.unlink                             post  login login 403   403   403   ok    403   403   403   403   ok
regulations.upload_document                    post  login login 403   403   403   ok    403   403   403   403   ok
regulations.upload_document@draft              post  login login 403   403   404   ok    404   403   404   403   ok

study.acknowledge                              post  login login ok    ok    ok    ok    ok    ok    ok    ok    ok
study.add_speaker                              post  login login 403   403   404   ok    404   403   404   403   ok
study.attach_files                             post  login login 403   403   404   ok    404   403   404   403   ok
study.attendance                               get   login login 403   403   404   200   404   200   404   200   200
study.attendance                               post  login login 403   403   404   ok    404   403   404   403   ok
study.attendance@bureau_session                get   login login 403   403   403   200   200   200   200   200   200
study.attendance@bureau_session                post  login login 403   403   403   ok    ok    403   403   403   ok
study.cancel_session                           post  login login 403   403   404   ok    404   403   404   403   ok
study.create_reading                           get   login login 403   403   403   403   403   403   403   403   200
study.create_reading                           post  login login 403   403   403   403   403   403   403   403   ok
study.create_session                           get   login login 403   403   403   200   200   403   403   403   200
study.create_session                           post  login login 403   403   403   ok    ok    403   403   403   ok
study.detail                                   get   login login 200   200   404   200   404   200   404   200   200
study.detail@bureau_session                    get   login login 200   200   200   200   200   200   200   200   200
study.detail@session_b                         get   login login 404   404   200   404   200   404   200   200   200
study.download_file                            get   login login 200   200   404   200   404   200   404   200   200
study.edit_reading                             get   login login 403   403   403   403   403   403   403   403   200
study.edit_reading                             post  login login 403   403   403   403   403   403   403   403   ok
study.edit_reflection                          get   login login 302   404   404   403   404   403   404   403   403
study.edit_reflection                          post  login login ok    404   404   403   404   403   404   403   403
study.edit_session                             get   login login 403   403   404   200   404   403   404   403   200
study.edit_session                             post  login login 403   403   404   ok    404   403   404   403   ok
study.index                                    get   login login 200   200   200   200   200   200   200   200   200
study.rates                                    get   login login 403   403   403   200   200   200   200   200   200
study.reading_count                            get   login login 200   200   200   200   200   200   200   200   200
study.reading_rates                            get   login login 403   403   403   200   200   200   200   200   200
study.reading_rates?unit=unit                  get   login login 403   403   403   200   403   200   403   200   200
study.readings                                 get   login login 200   200   200   200   200   200   200   200   200
study.reflection                               get   login login 200   404   404   200   404   200   404   200   200
study.reflections                              get   login login 200   200   200   200   200   200   200   200   200
study.remove_file                              post  login login 403   403   404   ok    404   403   404   403   ok
study.remove_speaker                           post  login login 403   403   404   ok    404   403   404   403   ok
study.review_list                              get   login login 403   403   403   200   200   200   200   403   200
study.review_reflection                        post  login login 403   404   404   ok    404   403   404   403   ok
study.sign_in                                  post  login login ok    ok    404   ok    404   403   404   403   403
study.write_reflection                         get   login login 200   200   200   200   200   200   200   200   200
study.write_reflection                         post  login login ok    ok    ok    ok    ok    ok    ok    ok    ok
study.write_reflection?session=session_b       get   login login 200   200   200   200   200   200   200   200   200
"""


@dataclass(frozen=True)
class Line:
    target: str
    mode: str
    cells: dict

    @property
    def endpoint(self) -> str:
        return self.target.split("?")[0].split("@")[0]

    @property
    def method(self) -> str:
        return "POST" if self.mode == "post" else "GET"

    def url(self, app, ids: dict) -> str:
        """The line's URL, with the world's ids for its arguments and query."""
        target, _, query = self.target.partition("?")
        _, _, variant = target.partition("@")
        names = dict(DEFAULTS, template_id=TEMPLATES.get(self.endpoint.split(".")[0], ""))
        names.update(VARIANTS[variant] if variant else {})
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == self.endpoint)
        path = app.url_map.bind("localhost").build(self.endpoint, {arg: ids[names[arg]] for arg in rule.arguments})
        if not query:
            return path
        pairs = [pair.split("=", 1) for pair in query.split("&")]
        return path + "?" + urlencode([(key, ids.get(value, value)) for key, value in pairs])


def parse(table: str = TABLE) -> list[Line]:
    lines = []
    for raw in table.strip().splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        target, mode, *cells = raw.split()
        assert mode in ("get", "htmx", "post"), f"unknown mode in: {raw}"
        assert len(cells) == len(REQUESTERS), f"{len(cells)} cells, not {len(REQUESTERS)}, in: {raw}"
        lines.append(Line(target, mode, dict(zip(REQUESTERS, cells, strict=True))))
    return lines


LINES = parse()


def get_cells() -> list[tuple[Line, bool]]:
    """(line, htmx) for every GET answer to check: a get line stands for both kinds of GET unless
    an htmx line of the same target says otherwise."""
    own_htmx = {line.target for line in LINES if line.mode == "htmx"}
    cells = []
    for line in LINES:
        if line.mode == "get":
            cells.append((line, False))
            if line.target not in own_htmx:
                cells.append((line, True))
        elif line.mode == "htmx":
            cells.append((line, True))
    return cells


REFUSALS = {"login", "401", "403", "404"}


def _to_login(address: str) -> bool:
    return urlsplit(address).path == "/auth/login"


def satisfies(token: str, status: int, location: str, hx_redirect: str, htmx: bool = False) -> bool:
    """Whether an answer (status, Location, HX-Redirect) is what the cell's token says."""
    if token == "login":
        return (status, _to_login(hx_redirect)) == (401, True) if htmx else (status, _to_login(location)) == (302, True)
    if token == "out":
        return status == 302 and _to_login(location)
    if token == "ok":
        return status < 500 and status not in (401, 403, 404, 405) and not _to_login(location)
    if token == "302":
        return status == 302 and not _to_login(location)
    return status == int(token)


def describe(status: int, location: str, hx_redirect: str) -> str:
    return f"{status}" + (f" → {location or hx_redirect}" if location or hx_redirect else "")
