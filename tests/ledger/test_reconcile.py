"""对账销号: the per-unit reconciliation view and the printable 对账单."""
from datetime import timedelta

from app.extensions import db
from app.ledger import services
from app.ledger.models import State
from tests.factories import make_item, make_user, today


def _awaiting_sign_off(world, n):
    items = []
    for i in range(n):
        item = make_item(unit=world["office"], owner=world["staff"], leader=world["leader"], description=f"问题{i}")
        services.report_progress(item, world["staff"], item.version, "进展")
        db.session.flush()
        services.submit(item, world["staff"], item.version, "完成")
        db.session.flush()
        services.pass_first_review(item, world["head"], item.version)
        db.session.flush()
        items.append(item)
    db.session.commit()
    return items


def test_leader_reconciles_and_signs_off_one_after_another(world, client, auth):
    items = _awaiting_sign_off(world, 3)
    auth.login("leader")
    url = f"/ledger/reconcile/{world['office'].id}"
    page = client.get(url).text
    assert "待销号（3）" in page
    for item in items:
        response = client.post(f"/ledger/{item.id}/sign-off", data={"version": item.version, "next": url},
                               headers={"HX-Request": "true"})
        assert response.status_code == 200
    page = client.get(url).text
    assert "已销号（3）" in page and "待销号（" not in page


def test_unit_head_goes_straight_to_their_unit(world, client, auth):
    auth.login("head")
    response = client.get("/ledger/reconcile")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ledger/reconcile/{world['office'].id}"


def test_leader_sees_portfolio_units_with_counts(world, client, auth):
    world["leader"].portfolio_units = [world["office"], world["other"]]
    make_item(unit=world["office"], owner=world["staff"], due_on=today() - timedelta(days=2))
    db.session.commit()
    auth.login("leader")
    page = client.get("/ledger/reconcile").text
    assert "办公室" in page and "财务股" in page
    assert '<span class="tag tag-danger">1</span>' in page


def test_other_units_are_404(world, client, auth):
    auth.login("head")
    assert client.get(f"/ledger/reconcile/{world['other'].id}").status_code == 404
    assert client.get(f"/ledger/reconcile/{world['other'].id}/print").status_code == 404


def test_staff_cannot_reconcile(world, client, auth):
    auth.login("staff")
    assert client.get("/ledger/reconcile").status_code == 403
    assert "对账销号" not in client.get("/").text


def test_print_view_has_counts_and_signature_boxes(world, client, auth):
    _awaiting_sign_off(world, 2)
    make_item(unit=world["office"], owner=world["staff"], due_on=today() - timedelta(days=1))
    db.session.commit()
    auth.login("leader")
    page = client.get(f"/ledger/reconcile/{world['office'].id}/print").text
    assert "问题台账对账单" in page
    assert "分管领导（签字）" in page and "股室负责人（签字）" in page
    assert "（逾期）" in page
    assert "print.css" in page


def test_counts_are_right(world, app):
    from app.ledger.queries import unit_counts

    _awaiting_sign_off(world, 2)
    make_item(unit=world["office"], owner=world["staff"], due_on=today() - timedelta(days=1))
    other_leader = make_user("leader", unit=world["bureau"], username="leader9")
    closed = make_item(unit=world["office"], owner=world["staff"], rectify_type="immediate")
    services.close_now(closed, other_leader, closed.version, "已改")
    db.session.commit()
    counts = unit_counts(world["admin"], [world["office"].id], world["campaign"].id, today())[world["office"].id]
    # world item (pending) + 2 awaiting sign-off + 1 overdue pending + 1 closed
    assert (counts.total, counts.pending, counts.sign_off, counts.closed, counts.overdue) == (5, 2, 2, 1, 1)
    assert counts.closed_rate == 20
    assert world["item"].state == State.PENDING


def test_an_inline_sign_off_on_the_reconcile_view_brings_the_summary_out_of_band(world, client, auth):
    item, other = _awaiting_sign_off(world, 2)
    auth.login("leader")
    url = f"/ledger/reconcile/{world['office'].id}"
    assert "待销号 <strong>2</strong>" in client.get(url).text
    answer = client.post(f"/ledger/{item.id}/sign-off", data={"version": item.version, "next": url},
                         headers={"HX-Request": "true"}).text
    assert f'id="ledger-item-{item.id}"' in answer
    summary = answer.split('<tr id="reconcile-summary" hx-swap-oob="true">', 1)[1]
    assert "待销号 <strong>1</strong>" in summary and "已销号 <strong>1</strong>" in summary
    elsewhere = client.post(f"/ledger/{other.id}/sign-off", data={"version": other.version, "next": "/ledger/"},
                            headers={"HX-Request": "true"}).text
    assert "reconcile-summary" not in elsewhere  # only the 对账 view has the summary to update
