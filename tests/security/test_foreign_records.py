"""Records named in a form, not in the URL: someone allowed on a route fills in a valid form that
names another unit's unit, person, session or item. The matrix's empty forms never get that far;
here the form is complete, so only the foreign record can stop it — and it must, changing nothing.
The control: the very same form naming the requester's own unit's record goes through."""
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from app.extensions import db
from app.ledger.models import DispatchTarget, LedgerItem
from app.org.models import User
from app.regulations.models import Regulation

BODY = "以学促思、以学提能、以学促行，把作风建设要求落实到每一项具体工作中。" * 8


@dataclass(frozen=True)
class Case:
    name: str
    requester: str
    path: str  # {world key} stands for that record's id
    form: Callable  # (read, ids, *record keys) → the form's fields; read(model, key) loads a record
    own: tuple
    foreign: tuple


def item_fields(ids, unit, owner, leader="lead", source="self_inspection"):
    return {"unit_id": ids[unit], "owner_id": ids[owner], "leader_id": ids[leader], "source": source,
            "category": "工作效率", "description": "窗口办件超时，群众多次往返。", "rectify_type": "long_term",
            "measures": "实行首问负责和限时办结。"}


CASES = [
    Case("ledger-item-for-another-unit", "head", "/ledger/new",
         lambda read, ids, unit, owner: item_fields(ids, unit, owner), ("unit", "owner"), ("unit_b", "other")),
    Case("ledger-item-given-to-another-units-staff", "head", "/ledger/{item}/edit",
         lambda read, ids, owner: {**item_fields(ids, "unit", owner), "version": read(LedgerItem, "item").version},
         ("mate",), ("other",)),
    Case("dispatch-answered-by-another-units-staff", "ohead", "/ledger/dispatches/{dispatch}/answer/{target_b}/item",
         lambda read, ids, owner: {**item_fields(ids, "unit_b", owner, "olead", "superior"),
                                   "version": read(DispatchTarget, "target_b").version},
         ("other",), ("owner",)),
    Case("rule-for-another-unit", "head", "/regulations/new",
         lambda read, ids, unit: {"title": "公文办理制度", "owner_unit_id": ids[unit], "action": "new"},
         ("unit",), ("unit_b",)),
    Case("rule-moved-to-another-unit", "head", "/regulations/{draft}/edit",
         lambda read, ids, unit: {"title": "公文办理制度", "owner_unit_id": ids[unit], "action": "new",
                                  "version": read(Regulation, "draft").version},
         ("unit",), ("unit_b",)),
    Case("rule-linked-to-another-units-item", "head", "/regulations/{draft}/links",
         lambda read, ids, item: {"code": read(LedgerItem, item).code}, ("item",), ("item_b",)),
    Case("speaker-from-another-unit", "head", "/study/sessions/{session}/speakers",
         lambda read, ids, person: {"user_id": ids[person], "topic": "以过硬作风践行初心"}, ("mate",), ("other",)),
    Case("attendance-of-another-units-staff", "head", "/study/sessions/{bureau_session}/attendance",
         lambda read, ids, person: {f"status-{ids[person]}": "absent"}, ("mate",), ("other",)),
    Case("reflection-on-another-units-session", "owner", "/study/reflections/new",
         lambda read, ids, session: {"session_id": ids[session], "title": "学习心得", "body": BODY, "save": "保存草稿"},
         ("session",), ("session_b",)),
    Case("letter-signed-in-anothers-name", "mate", "/commitments/letters/{letter}/sign",
         lambda read, ids, person: {"promise": "y", "typed_name": read(User, person).full_name}, ("mate",), ("owner",)),
]


def post(bureau, case: Case, records: tuple):
    """The case's form for these records, posted; returns the answer and the tables it changed."""
    def read(model, key):
        return db.session.get(model, bureau.ids[key])

    form = case.form(read, bureau.ids, *records)
    response = bureau.client(case.requester).post(case.path.format(**bureau.ids), data=form)
    changed = bureau.changed_tables(bureau.built)
    if changed:
        bureau.restore()
    return response, changed


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_form_naming_another_units_record_changes_nothing(bureau, case):
    response, changed = post(bureau, case, case.foreign)
    assert response.status_code < 500
    assert changed == []


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_same_form_naming_the_own_units_record_goes_through(bureau, case):
    response, changed = post(bureau, case, case.own)
    assert response.status_code in (200, 302), response.status_code
    assert changed != []
