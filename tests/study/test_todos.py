"""The home page's study to-dos: sign in now, sessions coming, unread items, reflections to write,
finish, fix or review — in at most three queries."""
from datetime import UTC, datetime, timedelta

from flask import g
from sqlalchemy import event

from app.extensions import db
from app.overview.todos import _study_todos
from app.study import services
from tests.study.conftest import make_session
from tests.study.test_reflections import GOOD


def titles(client) -> str:
    return client.get("/").text


def test_staff_to_dos(world, client, auth):
    now = datetime.now(UTC)
    make_session(world["campaign"], world["head"], title="正在签到", units=[world["office"]],
                 window=(now - timedelta(minutes=5), now + timedelta(minutes=30)))
    db.session.commit()
    auth.login("staff")
    home = titles(client)
    assert "学习活动正在签到，请及时签到" in home
    assert "7日内需参加的学习活动" in home  # world["upcoming"], in three days
    assert "学习资料和警示教育书录未阅" not in home  # staff has read both of theirs
    assert "撰写学习心得" in home  # attended, wrote none
    auth.logout()
    auth.login("staff2")
    assert "学习资料和警示教育书录未阅" in titles(client)


def test_reflection_to_dos(world, client, auth):
    draft = services.write_reflection(world["staff"], world["campaign"], None, "草稿", "学", submit=False)
    submitted = services.write_reflection(world["staff2"], world["campaign"], None, "心得", GOOD, submit=True)
    db.session.commit()
    auth.login("staff")
    home = titles(client)
    assert "学习心得草稿尚未提交" in home and "撰写学习心得" not in home
    auth.logout()
    auth.login("head")
    assert "待我审阅的学习心得" in titles(client)
    services.review_reflection(submitted, world["head"], submitted.version, False, "请充实内容。")
    db.session.commit()
    auth.logout()
    auth.login("staff2")
    assert "学习心得被退回，请修改后重新提交" in titles(client)
    assert draft.state == "draft"


def test_study_to_dos_take_three_queries(world, app):
    statements = []
    head, campaign = world["head"], world["campaign"]
    db.session.refresh(head)  # loaded before counting
    db.session.refresh(campaign)
    with app.test_request_context():
        g.current_campaign = campaign

        def count(*_args, **_kwargs):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            todos = _study_todos(head)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 3
    assert todos


def test_a_cancelled_session_asks_nobody_to_sign_in(world, client, auth):
    now = datetime.now(UTC)
    session = make_session(world["campaign"], world["head"], title="正在签到", units=[world["office"]],
                           window=(now - timedelta(minutes=5), now + timedelta(minutes=30)))
    services.cancel_session(session, world["head"], "临时停电")
    services.cancel_session(world["upcoming"], world["head"], "改期")
    db.session.commit()
    auth.login("staff")
    home = titles(client)
    assert "学习活动正在签到，请及时签到" not in home and "7日内需参加的学习活动" not in home
