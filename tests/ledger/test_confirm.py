"""A list row's 初审通过 / 销号 / 退回 goes through a confirm step that shows the 完成情况 and the
佐证材料 (to open) first: as an htmx row swap, and without JavaScript as the list itself."""
import io

from app.extensions import db
from app.ledger import services
from app.ledger.models import Evidence, LedgerItem, State

HX = {"HX-Request": "true"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _awaiting_sign_off(world, client, auth):
    """The world's item reported with one evidence file, submitted, passed 初审: the leader logged in."""
    item = world["item"]
    auth.login("staff")
    client.post(f"/ledger/{item.id}/progress", content_type="multipart/form-data", data={
        "version": str(item.version), "text": "已梳理流程", "files": [(io.BytesIO(PDF), "整改报告.pdf")]})
    db.session.refresh(item)
    services.submit(item, world["staff"], item.version, "窗口限时办结制度已落实")
    db.session.flush()
    services.pass_first_review(item, world["head"], item.version)
    db.session.commit()
    auth.logout()
    auth.login("leader")
    return item


def _row(page: str, item) -> str:
    return page.split(f'id="ledger-item-{item.id}"', 1)[1].split("</tr>", 1)[0]


def test_the_rows_sign_off_button_asks_first_and_posts_nothing(world, client, auth):
    item = _awaiting_sign_off(world, client, auth)
    row = _row(client.get("/ledger/").text, item)
    assert "hx-post" not in row and f'hx-get="/ledger/{item.id}/row?do=sign_off' in row


def test_the_confirm_step_shows_the_completion_and_the_evidence_to_open(world, client, auth):
    item = _awaiting_sign_off(world, client, auth)
    response = client.get(f"/ledger/{item.id}/row", query_string={"do": "sign_off", "next": "/ledger/"}, headers=HX)
    evidence_id = db.session.scalar(db.select(Evidence.id))
    assert response.status_code == 200
    assert "窗口限时办结制度已落实" in response.text and "佐证材料 1 个" in response.text
    assert f'href="/ledger/evidence/{evidence_id}">整改报告.pdf</a>' in response.text
    assert "确认销号" in response.text and f'hx-post="/ledger/{item.id}/sign-off"' in response.text
    assert db.session.get(LedgerItem, item.id).state == State.SIGN_OFF


def test_without_javascript_the_list_shows_the_rows_confirm_step(world, client, auth):
    item = _awaiting_sign_off(world, client, auth)
    row = _row(client.get("/ledger/", query_string={"state": "sign_off", "confirm": item.id, "do": "sign_off"}).text, item)
    assert "窗口限时办结制度已落实" in row and "确认销号" in row
    assert 'name="next" value="/ledger/?state=sign_off"' in row  # back to the list, not to the confirm step


def test_cancel_gives_the_row_back(world, client, auth):
    item = _awaiting_sign_off(world, client, auth)
    row = client.get(f"/ledger/{item.id}/row", query_string={"next": "/ledger/"}, headers=HX).text
    assert "确认销号" not in row and ">销号</a>" in row


def test_returning_with_an_empty_reason_stays_on_the_list_without_javascript(world, client, auth):
    item = _awaiting_sign_off(world, client, auth)
    response = client.post(f"/ledger/{item.id}/return", data={"version": item.version, "reason": " ",
                                                              "next": "/ledger/?state=sign_off"})
    assert response.status_code == 302
    assert response.location == f"/ledger/?state=sign_off&confirm={item.id}&do=return#ledger-item-{item.id}"
    page = client.get(response.location).text
    assert "退回时请填写退回原因。" in page and "退回原因（必填，限500字）" in _row(page, item)


def test_returning_with_an_empty_reason_keeps_the_rows_confirm_step_with_htmx(world, client, auth):
    item = _awaiting_sign_off(world, client, auth)
    response = client.post(f"/ledger/{item.id}/return", headers=HX,
                           data={"version": item.version, "reason": "", "next": "/ledger/"})
    assert response.status_code == 422
    assert "退回时请填写退回原因。" in response.text and "退回原因（必填，限500字）" in response.text


def test_a_confirm_step_for_an_item_that_moved_on_says_so(world, client, auth):
    item = world["item"]  # 待整改: nothing to sign off
    auth.login("leader")
    response = client.get(f"/ledger/{item.id}/row", query_string={"do": "sign_off"}, headers=HX)
    assert response.status_code == 409 and "不能销号" in response.text


def test_only_who_may_sign_off_may_ask_to(world, client, auth):
    item = _awaiting_sign_off(world, client, auth)
    auth.logout()
    auth.login("staff")
    assert client.get(f"/ledger/{item.id}/row", query_string={"do": "sign_off"}, headers=HX).status_code == 403
