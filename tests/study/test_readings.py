"""The reading list: 已阅 inline (htmx) or by a plain post, by those it asks; 专项办 keeps the list."""
from sqlalchemy import func, select

from app.audit import AuditLog
from app.extensions import db
from app.study.models import Reading, ReadingAck
from tests.study.conftest import htmx


def acks(reading_id):
    return db.session.scalar(select(func.count()).select_from(ReadingAck).where(ReadingAck.reading_id == reading_id))


def test_my_list_shows_what_i_must_read(world, client, auth):
    auth.login("staff2")
    page = client.get("/study/readings").text
    assert f'id="reading-{world["r_all"].id}"' in page and f'id="reading-{world["r_third"].id}"' in page
    assert f'id="reading-{world["r_middle"].id}"' not in page  # for 班子成员 and 中层干部
    assert "我应阅读 <strong>2</strong> 篇，已阅 <strong>0</strong> 篇" in page


def test_mark_read_with_htmx_returns_the_row(world, client, auth):
    reading = world["r_all"]
    auth.login("staff2")
    response = client.post(f"/study/readings/{reading.id}/read", data={"next": "/study/readings"}, headers=htmx())
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="reading-{reading.id}" class="read"')
    assert "已标记为已阅" in response.text and "<html" not in response.text
    assert response.headers["HX-Trigger"] == "reading-read"  # the count above the list refreshes itself
    count = client.get("/study/readings/count", headers=htmx())
    assert count.text.lstrip().startswith('<p class="counts flush-top" id="my-reading-count"')
    assert "我应阅读 <strong>2</strong> 篇，已阅 <strong>1</strong> 篇" in count.text
    assert acks(reading.id) == 7  # six before (one of them `gone`)
    again = client.post(f"/study/readings/{reading.id}/read", headers=htmx())  # a double click
    assert again.status_code == 200 and "您此前已阅" in again.text
    assert acks(reading.id) == 7  # six before (one of them `gone`)
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "study.reading_read")).all()
    assert [(row.actor_id, row.object_id) for row in rows] == [(world["staff2"].id, str(reading.id))]


def test_mark_read_without_javascript_comes_back_to_the_list(world, client, auth):
    reading = world["r_third"]
    auth.login("staff3")
    response = client.post(f"/study/readings/{reading.id}/read", data={"next": "/study/readings?kind=material"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/study/readings?kind=material#reading-{reading.id}"
    page = client.get(response.headers["Location"]).text
    assert "已标记为已阅" in page
    assert f'<tr id="reading-{reading.id}" class="read"' in page


def test_only_those_it_asks_mark_it_read(world, client, auth):
    auth.login("staff")
    assert client.post(f"/study/readings/{world['r_middle'].id}/read").status_code == 403
    assert acks(world["r_middle"].id) == 2


def test_admin_adds_and_edits_an_item(world, client, auth):
    auth.login("admin")
    response = client.post("/study/readings/new", data={
        "kind": "warning_case", "title": "案例四：某县住建局干部违规收受礼金", "summary": "案情……\n教训……",
        "link": "https://example.org/case4", "target_ranks": ["middle"], "sort_order": "4"})
    assert response.status_code == 302
    reading = db.session.scalar(select(Reading).where(Reading.title.like("案例四%")))
    assert reading.target_ranks == "middle" and reading.created_by_id == world["admin"].id
    bad = client.post(f"/study/readings/{reading.id}/edit", data={
        "kind": "warning_case", "title": reading.title, "link": "javascript:alert(1)"})
    assert bad.status_code == 422 and "链接须以 http:// 或 https:// 开头" in bad.text
    response = client.post(f"/study/readings/{reading.id}/edit", data={
        "kind": "warning_case", "title": reading.title, "summary": "案情……", "target_ranks": []})
    assert response.status_code == 302
    assert db.session.get(Reading, reading.id).target_ranks == ""
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("study.reading_%")).order_by(AuditLog.seq)).all()
    assert actions == ["study.reading_created", "study.reading_edited"]
