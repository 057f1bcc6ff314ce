"""The home to-do of a unit head: 上级通报 the unit has not answered yet."""
from datetime import timedelta

from sqlalchemy import event

from app.extensions import db
from app.ledger import dispatches
from app.overview.todos import _unanswered_dispatches
from tests.factories import make_bureau, make_campaign, today


def _send(people, campaign, units, due_on):
    dispatch = dispatches.create_dispatch(people["inspector"], campaign, "通报", "问题", "纪律意识", due_on,
                                          [people[name].id for name in units])
    db.session.commit()
    return dispatch


def test_unit_head_is_told_how_many_dispatches_wait_for_an_answer(app, client, auth):
    people = make_bureau()
    campaign = make_campaign()
    soon = today() + timedelta(days=5)
    first = _send(people, campaign, ("office", "other"), soon)
    _send(people, campaign, ("office",), soon)
    _send(people, campaign, ("other",), soon)
    auth.login("head")
    page = client.get("/").text
    todo = page.split("上级通报未答复")[0].rsplit("<li", 1)[1] + page.split("上级通报未答复")[1].split("</li>")[0]
    assert 'href="/ledger/dispatches?pending=1"' in todo and '<span class="count">2</span>' in todo
    assert "优先" not in todo  # none is overdue yet
    target = next(t for t in first.targets if t.unit_id == people["office"].id)
    dispatches.zero_report(target, people["head"], target.version, True, "无")
    db.session.commit()
    assert "上级通报未答复" in client.get("/").text  # one left
    auth.logout()
    for username in ("staff", "leader", "inspector", "admin"):
        auth.login(username)
        assert "上级通报未答复" not in client.get("/").text
        auth.logout()


def test_overdue_dispatches_make_the_to_do_urgent(app, client, auth):
    people = make_bureau()
    _send(people, make_campaign(), ("office",), today() - timedelta(days=1))
    auth.login("head")
    page = client.get("/").text
    todo = page.split("上级通报未答复")[0].rsplit("<li", 1)[1]
    assert 'class="urgent"' in todo and "优先" in todo


def test_the_count_takes_one_query(app):
    people = make_bureau()
    campaign = make_campaign()
    for _ in range(3):
        _send(people, campaign, ("office", "other"), today())
    office_id = people["office"].id
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert _unanswered_dispatches(office_id) == (3, 0)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
