"""The ledger over HTTP: who sees what, inline actions with and without htmx, conflicts."""
from datetime import timedelta

import pytest

from app.extensions import db
from app.ledger import services
from app.ledger.models import LedgerItem, State
from tests.factories import make_item, make_user, today

HX = {"HX-Request": "true", "HX-Target": "ledger-item-1"}


def _at(world, state):
    """The world's item moved to `state` by the people whose job it is."""
    item = world["item"]
    if state in (State.IN_PROGRESS, State.FIRST_REVIEW, State.SIGN_OFF, State.CLOSED):
        services.report_progress(item, world["staff"], item.version, "已梳理流程")
        db.session.flush()
    if state in (State.FIRST_REVIEW, State.SIGN_OFF, State.CLOSED):
        services.submit(item, world["staff"], item.version, "已整改")
        db.session.flush()
    if state in (State.SIGN_OFF, State.CLOSED):
        services.pass_first_review(item, world["head"], item.version)
        db.session.flush()
    db.session.commit()
    return item


def _state(item_id):
    return db.session.get(LedgerItem, item_id).state


def test_staff_sees_own_unit_only(world, client, auth):
    make_item(unit=world["other"], owner=world["other_staff"], description="财务报销拖延")
    auth.login("staff")
    page = client.get("/ledger/").text
    assert "办公室-001" in page and "财务股-001" not in page


def test_other_units_item_is_404(world, client, auth):
    auth.login("other_staff")
    assert client.get(f"/ledger/{world['item'].id}").status_code == 404


def test_leader_sees_portfolio_only(world, client, auth):
    make_item(unit=world["other"], owner=world["other_staff"])
    auth.login("leader")
    page = client.get("/ledger/").text
    assert "办公室-001" in page and "财务股-001" not in page


def test_inspector_sees_every_unit(world, client, auth):
    make_item(unit=world["other"], owner=world["other_staff"])
    auth.login("inspector")
    page = client.get("/ledger/").text
    assert "办公室-001" in page and "财务股-001" in page


def test_inline_first_review_with_htmx_swaps_the_row(world, client, auth):
    item = _at(world, State.FIRST_REVIEW)
    auth.login("head")
    response = client.post(f"/ledger/{item.id}/first-review", data={"version": item.version, "next": "/ledger/"},
                           headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<tr id=\"ledger-item-")
    assert "<html" not in response.text and "初审通过" in response.text
    assert _state(item.id) == State.SIGN_OFF


def test_inline_sign_off_fragment_is_small(world, client, auth):
    item = _at(world, State.SIGN_OFF)
    auth.login("leader")
    response = client.post(f"/ledger/{item.id}/sign-off", data={"version": item.version, "next": "/ledger/"}, headers=HX)
    assert response.status_code == 200
    assert len(response.data) <= 2048
    assert "已销号" in response.text
    assert _state(item.id) == State.CLOSED


def test_sign_off_without_js_redirects_back_to_the_row(world, client, auth):
    item = _at(world, State.SIGN_OFF)
    auth.login("leader")
    response = client.post(f"/ledger/{item.id}/sign-off", data={"version": item.version, "next": "/ledger/?unit=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ledger/?unit=1#ledger-item-{item.id}"
    assert "已销号" in client.get("/ledger/?unit=1").text


def test_second_sign_off_gets_409_with_current_state(world, client, auth):
    item = _at(world, State.SIGN_OFF)
    seen = item.version
    auth.login("leader")
    client.post(f"/ledger/{item.id}/sign-off", data={"version": seen}, headers=HX)
    auth.logout()
    auth.login("admin")
    response = client.post(f"/ledger/{item.id}/sign-off", data={"version": seen}, headers=HX)
    assert response.status_code == 409
    assert "已销号" in response.text and "刚被他人处理过" in response.text


def test_conflict_without_js_shows_the_item_page(world, client, auth):
    item = _at(world, State.SIGN_OFF)
    auth.login("leader")
    response = client.post(f"/ledger/{item.id}/sign-off", data={"version": item.version - 1})
    assert response.status_code == 409
    assert "刚被他人处理过" in response.text and "<html" in response.text
    assert _state(item.id) == State.SIGN_OFF


def test_return_without_reason_is_422_and_changes_nothing(world, client, auth):
    item = _at(world, State.FIRST_REVIEW)
    auth.login("head")
    response = client.post(f"/ledger/{item.id}/return", data={"version": item.version, "reason": ""}, headers=HX)
    assert response.status_code == 422
    assert "退回原因" in response.text
    assert _state(item.id) == State.FIRST_REVIEW


def test_return_with_reason(world, client, auth):
    item = _at(world, State.FIRST_REVIEW)
    auth.login("head")
    response = client.post(f"/ledger/{item.id}/return", data={"version": item.version, "reason": "材料不全"}, headers=HX)
    assert response.status_code == 200
    assert _state(item.id) == State.IN_PROGRESS


@pytest.mark.parametrize("who, status", [("staff", 403), ("other_head", 404), ("other_staff", 404)])
def test_others_cannot_first_review(world, client, auth, who, status):
    item = _at(world, State.FIRST_REVIEW)
    auth.login(who)
    response = client.post(f"/ledger/{item.id}/first-review", data={"version": item.version})
    assert response.status_code == status
    assert _state(item.id) == State.FIRST_REVIEW


@pytest.mark.parametrize("who", ["head", "staff", "inspector"])
def test_only_leaders_sign_off(world, client, auth, who):
    item = _at(world, State.SIGN_OFF)
    auth.login(who)
    assert client.post(f"/ledger/{item.id}/sign-off", data={"version": item.version}).status_code == 403
    assert _state(item.id) == State.SIGN_OFF


def test_leader_without_the_unit_cannot_sign_off(world, client, auth):
    make_user("leader", unit=world["bureau"], username="leader2")
    item = _at(world, State.SIGN_OFF)
    auth.login("leader2")
    assert client.post(f"/ledger/{item.id}/sign-off", data={"version": item.version}).status_code == 404


def test_row_shows_buttons_for_my_role_only(world, client, auth):
    _at(world, State.SIGN_OFF)
    auth.login("head")
    assert ">销号</a>" not in client.get("/ledger/").text
    auth.logout()
    auth.login("leader")
    assert ">销号</a>" in client.get("/ledger/").text


def test_progress_then_submit_through_the_pages(world, client, auth):
    item = world["item"]
    auth.login("staff")
    response = client.post(f"/ledger/{item.id}/progress", data={"version": item.version, "text": "已制定整改方案"})
    assert response.status_code == 302
    item = db.session.get(LedgerItem, item.id)
    response = client.post(f"/ledger/{item.id}/submit", data={"version": item.version, "completion": "已完成"})
    assert response.status_code == 302
    assert _state(item.id) == State.FIRST_REVIEW


def test_staff_cannot_report_on_someone_elses_item(world, client, auth):
    colleague = make_user(unit=world["office"], username="colleague")
    item = make_item(unit=world["office"], owner=colleague)
    auth.login("staff")
    response = client.post(f"/ledger/{item.id}/progress", data={"version": item.version, "text": "x"})
    assert response.status_code == 403


def test_detail_shows_the_timeline(world, client, auth):
    item = _at(world, State.SIGN_OFF)
    auth.login("staff")
    page = client.get(f"/ledger/{item.id}").text
    for label in ("登记问题", "情况反馈", "提交审核", "初审通过"):
        assert label in page


def _discipline_case(world):
    """The world's item with its 查处 recorded by the inspector, and a second leader of 办公室 who is
    not its 责任领导."""
    item = world["item"]
    services.record_handling(item, world["inspector"], item.version, "admonition", "李某某", "收受购物卡两张")
    make_user("leader", unit=world["bureau"], username="leader2", portfolio_units=[world["office"]])
    db.session.commit()
    return item


def test_a_discipline_case_stays_in_the_units_ledger_loop(world, client, auth):
    item = _discipline_case(world)
    for who in ("staff", "head", "leader", "leader2", "inspector", "admin"):
        auth.login(who)
        assert client.get(f"/ledger/{item.id}").status_code == 200, who
        assert "办公室-001" in client.get("/ledger/").text, who
        auth.logout()
    auth.login("staff")
    assert "保存反馈" in client.get(f"/ledger/{item.id}").text
    response = client.post(f"/ledger/{item.id}/progress", data={"version": item.version, "text": "已退还购物卡"})
    assert response.status_code == 302 and _state(item.id) == State.IN_PROGRESS


@pytest.mark.parametrize("who, sees", [("staff", False), ("head", False), ("leader2", False), ("leader", True),
                                       ("inspector", True), ("admin", True)])
def test_the_handling_of_a_discipline_case_is_shown_only_to_discipline_readers(world, client, auth, who, sees):
    """查处方式, 涉及人员 and the note: 督查/纪检, 专项办 and the responsible leader only."""
    item = _discipline_case(world)
    auth.login(who)
    page = client.get(f"/ledger/{item.id}").text
    assert item.description in page  # the problem itself: everyone here works on it
    for text in ("诫勉谈话", "李某某", "收受购物卡两张", "查处情况", "纪律问题"):
        assert (text in page) == sees, (who, text)


def test_the_inspector_is_told_who_will_see_the_handling(world, client, auth):
    auth.login("inspector")
    page = client.get(f"/ledger/{world['item'].id}").text
    form = page.split("纪律问题查处", 1)[1].split("</form>", 1)[0]
    assert "问题本身仍留在办公室的台账中" in form
    assert f"仅督查/纪检、专项办和责任领导（{world['leader'].full_name}）可见" in form


def test_filters(world, client, auth):
    make_item(unit=world["office"], owner=world["staff"], description="公文流转慢", due_on=today() - timedelta(days=3))
    make_item(unit=world["office"], owner=world["head"], description="值班制度落实不到位")
    auth.login("head")
    assert "公文流转慢" in client.get("/ledger/?overdue=1").text
    assert "值班制度" not in client.get("/ledger/?overdue=1").text
    assert "值班制度" in client.get("/ledger/?mine=1").text
    assert "公文流转慢" not in client.get("/ledger/?mine=1").text
    assert "公文流转慢" in client.get("/ledger/?q=公文").text
    assert client.get("/ledger/?state=bogus&unit=abc&sort=drop").status_code == 200


def test_overdue_stands_out_with_text(world, client, auth):
    make_item(unit=world["office"], owner=world["staff"], due_on=today() - timedelta(days=1))
    make_item(unit=world["office"], owner=world["staff"], due_on=today() + timedelta(days=3))
    auth.login("staff")
    page = client.get("/ledger/").text
    assert ">逾期</span>" in page and ">临期</span>" in page


def test_unit_head_files_an_item(world, client, auth):
    auth.login("head")
    response = client.post("/ledger/new", data={
        "unit_id": world["office"].id, "source": "public", "category": "服务群众",
        "description": "群众反映窗口午休无人值守", "rectify_type": "deadline", "measures": "实行午间轮班",
        "leader_id": world["leader"].id, "owner_id": world["staff"].id,
        "due_on": (today() + timedelta(days=10)).isoformat(),
    })
    assert response.status_code == 302
    item = db.session.query(LedgerItem).filter_by(description="群众反映窗口午休无人值守").one()
    assert item.code == "办公室-002" and item.source == "public"


def test_filing_refuses_an_owner_from_another_unit(world, client, auth):
    auth.login("head")
    response = client.post("/ledger/new", data={
        "unit_id": world["office"].id, "source": "public", "category": "服务群众", "description": "x",
        "rectify_type": "long_term", "measures": "y", "leader_id": world["leader"].id,
        "owner_id": world["other_staff"].id,
    })
    assert response.status_code == 422
    assert "责任人须是责任单位在岗人员" in response.text


def test_deadline_needs_a_due_date(world, client, auth):
    auth.login("head")
    response = client.post("/ledger/new", data={
        "unit_id": world["office"].id, "source": "public", "category": "服务群众", "description": "x",
        "rectify_type": "deadline", "measures": "y", "leader_id": world["leader"].id, "owner_id": world["staff"].id,
    })
    assert response.status_code == 422 and "须填写整改时限" in response.text


def test_staff_cannot_file_items(world, client, auth):
    auth.login("staff")
    assert client.get("/ledger/new").status_code == 403


def test_head_cannot_file_for_another_unit(world, client, auth):
    auth.login("head")
    response = client.post("/ledger/new", data={
        "unit_id": world["other"].id, "source": "public", "category": "服务群众", "description": "x",
        "rectify_type": "long_term", "measures": "y", "leader_id": world["leader"].id,
        "owner_id": world["other_staff"].id,
    })
    assert response.status_code == 422
    assert db.session.query(LedgerItem).count() == 1


def test_edit_item(world, client, auth):
    item = world["item"]
    auth.login("head")
    form = client.get(f"/ledger/{item.id}/edit")
    assert form.status_code == 200
    response = client.post(f"/ledger/{item.id}/edit", data={
        "unit_id": world["office"].id, "source": item.source, "category": "纪律意识", "description": item.description,
        "rectify_type": item.rectify_type, "measures": item.measures, "leader_id": world["leader"].id,
        "owner_id": world["staff"].id, "due_on": item.due_on.isoformat(), "version": item.version,
    })
    assert response.status_code == 302
    assert db.session.get(LedgerItem, item.id).category == "纪律意识"


def test_extension_request_and_decision_through_the_pages(world, client, auth):
    item = world["item"]
    auth.login("staff")
    new_date = (item.due_on + timedelta(days=15)).isoformat()
    response = client.post(f"/ledger/{item.id}/extension", data={"version": item.version, "new_due_on": new_date,
                                                                  "reason": "需等待上级批复"})
    assert response.status_code == 302
    auth.logout()
    auth.login("leader")
    from app.ledger.models import ExtensionRequest

    request_id = db.session.query(ExtensionRequest).one().id
    response = client.post(f"/ledger/extensions/{request_id}/decide", data={"decision": "approve"})
    assert response.status_code == 302
    assert db.session.get(LedgerItem, item.id).due_on.isoformat() == new_date


def _extension_asked(world, client, auth, reason="需等待上级批复"):
    """The staff member asks for 15 more days; the leader is logged in to decide. The request."""
    from app.ledger.models import ExtensionRequest

    item = world["item"]
    auth.login("staff")
    client.post(f"/ledger/{item.id}/extension", data={"version": item.version, "reason": reason,
                                                       "new_due_on": (item.due_on + timedelta(days=15)).isoformat()})
    auth.logout()
    auth.login("leader")
    return db.session.query(ExtensionRequest).one()


@pytest.mark.parametrize("decision, message", [("approve", "已同意延期，整改时限改为 {new}。"),
                                               ("refuse", "已不同意延期，维持原整改时限 {old}。")])
def test_each_extension_decision_has_its_own_message(world, client, auth, decision, message):
    extension = _extension_asked(world, client, auth)
    old, new = extension.old_due_on.isoformat(), extension.new_due_on.isoformat()
    page = client.post(f"/ledger/extensions/{extension.id}/decide", data={"decision": decision, "note": "理由充分"},
                       follow_redirects=True).text
    assert message.format(old=old, new=new) in page and "已审批延期申请" not in page


def test_refusing_an_extension_needs_a_reason(world, client, auth):
    from app.ledger.models import ExtensionState

    extension = _extension_asked(world, client, auth)
    response = client.post(f"/ledger/extensions/{extension.id}/decide", data={"decision": "refuse", "note": "  "})
    assert response.status_code == 422 and "不同意延期时请填写理由。" in response.text
    db.session.refresh(extension)
    assert extension.state == ExtensionState.PENDING


def test_the_list_of_extension_requests_shows_the_date_asked_and_the_reason(world, client, auth):
    extension = _extension_asked(world, client, auth, reason="需等待上级批复")
    row = client.get("/ledger/?extension=1").text.split(f'id="ledger-item-{world["item"].id}"', 1)[1]
    row = row.split("</tr>", 1)[0]
    assert f"申请延期至 {extension.new_due_on.isoformat()}" in row and "需等待上级批复" in row


def test_the_decision_reason_is_shown_with_the_request(world, client, auth):
    extension = _extension_asked(world, client, auth)
    client.post(f"/ledger/extensions/{extension.id}/decide", data={"decision": "refuse", "note": "时限不宜再拖"})
    auth.logout()
    auth.login("staff")
    card = client.get(f"/ledger/{world['item'].id}").text.split("<h2>延期申请</h2>", 1)[1].split("</div>\n</div>", 1)[0]
    assert f"{world['leader'].full_name} 于 {today().isoformat()} 不同意延期，理由：时限不宜再拖" in card


def _returned(world, reason="佐证材料不全"):
    item = _at(world, State.FIRST_REVIEW)
    services.return_item(item, world["head"], item.version, reason, may_first_review=True, may_sign_off=False)
    db.session.commit()
    return item


def test_a_returned_item_is_flagged_with_its_reason_for_its_owner(world, client, auth):
    item = _returned(world)
    auth.login("staff")
    page = client.get(f"/ledger/{item.id}").text
    assert "已退回，请整改后重新提交。" in page and "退回原因：佐证材料不全" in page
    row = client.get("/ledger/?mine=1&returned=1").text.split(f'id="ledger-item-{item.id}"', 1)[1].split("</tr>", 1)[0]
    assert "已退回" in row and "佐证材料不全" in row


def test_the_flag_goes_once_the_item_is_submitted_again(world, client, auth):
    item = _returned(world)
    services.submit(item, world["staff"], item.version, "已补齐材料")
    db.session.commit()
    auth.login("staff")
    assert "已退回" not in client.get(f"/ledger/{item.id}").text
    assert f'id="ledger-item-{item.id}"' not in client.get("/ledger/?returned=1").text


def test_supervise_through_the_page(world, client, auth):
    item = world["item"]
    auth.login("leader")
    response = client.post(f"/ledger/{item.id}/supervise", data={"version": item.version, "instruction": "限本周整改"})
    assert response.status_code == 302
    assert "督办" in client.get("/ledger/?supervised=1").text


def test_garbage_version_is_422(world, client, auth):
    item = _at(world, State.SIGN_OFF)
    auth.login("leader")
    response = client.post(f"/ledger/{item.id}/sign-off", data={"version": "abc"}, headers=HX)
    assert response.status_code == 422
    assert "页面已过期" in response.text or "Not a valid integer" not in response.text


def _item_form(world, item=None, **overrides):
    data = {
        "unit_id": world["office"].id, "source": "public", "category": "服务群众", "description": "窗口午休无人值守",
        "rectify_type": "deadline", "measures": "实行午间轮班", "leader_id": world["leader"].id,
        "owner_id": world["staff"].id, "due_on": (today() + timedelta(days=10)).isoformat(),
    }
    if item is not None:
        data.update(description=item.description, measures=item.measures, due_on=item.due_on.isoformat(),
                    version=item.version)
    data.update(overrides)
    return data


def test_filing_refuses_a_deadline_in_the_past(world, client, auth):
    auth.login("head")
    response = client.post("/ledger/new", data=_item_form(world, due_on=(today() - timedelta(days=1)).isoformat()))
    assert response.status_code == 422 and "整改时限不能早于今天" in response.text
    assert db.session.query(LedgerItem).count() == 1
    assert client.post("/ledger/new", data=_item_form(world, due_on=today().isoformat())).status_code == 302


def test_editing_keeps_an_overdue_deadline_but_refuses_a_new_one_in_the_past(world, client, auth):
    item = make_item(unit=world["office"], owner=world["staff"], due_on=today() - timedelta(days=5))
    db.session.commit()
    auth.login("head")
    moved = client.post(f"/ledger/{item.id}/edit",
                        data=_item_form(world, item, due_on=(today() - timedelta(days=2)).isoformat()))
    assert moved.status_code == 422 and "整改时限不能早于今天" in moved.text
    kept = client.post(f"/ledger/{item.id}/edit", data=_item_form(world, item, category="纪律意识"))
    assert kept.status_code == 302
    saved = db.session.get(LedgerItem, item.id)
    assert saved.category == "纪律意识" and saved.due_on == today() - timedelta(days=5)


def test_the_remarks_state_their_limit_and_too_long_text_is_refused_not_cut(world, client, auth):
    auth.login("head")
    page = client.get("/ledger/new").text
    assert "备注（限1000字）" in page and 'data-maxlength="1000"' in page
    assert 'maxlength="1000"' not in page.replace('data-maxlength="1000"', "")  # a browser cuts pasted text there
    response = client.post("/ledger/new", data=_item_form(world, remarks="备" * 1001))
    assert response.status_code == 422 and "备注不超过 1000 字（现有 1001 字）" in response.text
    assert db.session.query(LedgerItem).count() == 1
