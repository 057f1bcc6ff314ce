"""承诺书 on the home page's to-dos: mine to sign until I have; for a unit head, the unit's unsigned."""
from datetime import timedelta

from app.commitments import queries, services
from app.extensions import db
from tests.commitments.conftest import publish_letter
from tests.factories import today
from tests.ledger.test_query_counts import counting_queries


def test_staff_is_asked_to_sign_until_signed(world, client, auth):
    auth.login("staff")
    assert "阅读并签署《作风建设承诺书》" in client.get("/").text
    client.post(f"/commitments/letters/{world['letter'].id}/sign", data={"promise": "y", "typed_name": "李晓东"})
    assert "阅读并签署" not in client.get("/").text


def test_overdue_letters_come_first(world, client, auth):
    world["letter"].due_on = today() - timedelta(days=1)
    db.session.commit()
    auth.login("staff")
    todo = client.get("/").text.split('<li class="urgent">')[1].split("</li>")[0]
    assert "优先" in todo and f"阅读并签署《作风建设承诺书》（截止 {world['letter'].due_on:%Y-%m-%d}）" in todo


def test_unit_head_sees_how_many_have_not_signed(world, client, auth):
    services.sign(world["letter"], world["staff"], "李晓东", "")
    db.session.commit()
    auth.login("head")
    page = client.get("/").text
    assert "本单位尚未签署《作风建设承诺书》的人员" in page
    assert '<span class="count">2</span>' in page  # the head and admin of 办公室
    assert f"unit={world['office'].id}" in page and "status=unsigned" in page


def test_nothing_for_letters_of_other_ranks(world, client, auth):
    services.sign(world["letter"], world["staff"], "李晓东", "")
    publish_letter(world["admin"], world["campaign"], title="领导干部廉洁承诺书", target_ranks=["leadership"])
    db.session.commit()
    auth.login("staff")
    assert "承诺书" not in client.get("/").text.split("我的待办")[1].split("专项行动进度")[0]
    auth.logout()
    auth.login("leader")
    assert "阅读并签署《领导干部廉洁承诺书》" in client.get("/").text


def test_one_query_for_all_current_letters(world):
    publish_letter(world["admin"], world["campaign"], title="廉洁自律承诺书", target_ranks=["middle"])
    db.session.commit()
    head, campaign_id = world["head"], world["campaign"].id
    db.session.refresh(head)  # loaded before counting
    with counting_queries() as statements:
        todos = queries.letter_todos(head, campaign_id, count_unit=True)
    assert len(statements) == 1
    assert [(t.title, t.must_sign, t.unit_unsigned) for t in todos] == [
        ("作风建设承诺书", True, 3), ("廉洁自律承诺书", True, 1),
    ]
