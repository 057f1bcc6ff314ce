"""上级通报: one finding filed to several units; each answers with its items or a signed 零报告."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm.exc import StaleDataError

from app.audit import AuditLog
from app.extensions import db
from app.ledger import dispatches, services
from app.ledger.models import Dispatch, DispatchTarget, LedgerItem, Source
from app.org.models import Role
from tests.conftest import POSTGRES_URL
from tests.factories import make_user, today


def _dispatch(world, units=("office", "other"), due_on=None, title="窗口服务“冷硬横推”问题"):
    dispatch = dispatches.create_dispatch(
        world["inspector"], world["campaign"], title, "部分窗口工作人员对群众咨询敷衍推诿。", "服务群众",
        due_on or today() + timedelta(days=10), [world[name].id for name in units],
    )
    db.session.commit()
    return dispatch


def _target(dispatch, unit) -> DispatchTarget:
    return db.session.scalar(
        select(DispatchTarget).where(DispatchTarget.dispatch_id == dispatch.id, DispatchTarget.unit_id == unit.id)
    )


def _item_data(world, **overrides):
    data = {
        "unit_id": world["office"].id, "source": "superior", "category": "服务群众",
        "description": "本股室接待群众咨询时存在推诿现象", "rectify_type": "deadline",
        "measures": "落实首问负责制，公开服务承诺", "leader_id": world["leader"].id, "owner_id": world["staff"].id,
        "due_on": (today() + timedelta(days=15)).isoformat(),
    }
    data.update(overrides)
    return data


def _audit(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.seq)).all()


# -- Filing ---------------------------------------------------------------------------------
def test_inspector_files_one_finding_to_several_units(world, client, auth):
    auth.login("inspector")
    page = client.get("/ledger/dispatches/new")
    assert page.status_code == 200 and "全部单位" in page.text and "财务股" in page.text
    assert "测试局" not in page.text.split("下发单位")[1]  # the bureau itself is not a target
    response = client.post("/ledger/dispatches/new", data={
        "title": "窗口服务问题", "description": "群众反映多个窗口推诿扯皮", "category": "服务群众",
        "due_on": (today() + timedelta(days=7)).isoformat(),
        "unit_ids": [world["office"].id, world["other"].id],
    })
    assert response.status_code == 302
    dispatch = db.session.scalars(select(Dispatch)).one()
    assert response.headers["Location"] == f"/ledger/dispatches/{dispatch.id}"
    assert sorted(t.unit_id for t in dispatch.targets) == sorted([world["office"].id, world["other"].id])
    assert all(t.answered_at is None for t in dispatch.targets)
    row = _audit("dispatch.created")[-1]
    assert row.actor_id == world["inspector"].id and row.object_id == str(dispatch.id)
    assert set(row.details_dict["units"]) == {"办公室", "财务股"}


def test_filing_refuses_an_answer_deadline_in_the_past(world, client, auth):
    auth.login("inspector")
    response = client.post("/ledger/dispatches/new", data={
        "title": "窗口服务问题", "description": "群众反映多个窗口推诿扯皮", "category": "服务群众",
        "due_on": (today() - timedelta(days=1)).isoformat(), "all_units": "y",
    })
    assert response.status_code == 422 and "答复时限不能早于今天" in response.text
    assert db.session.scalar(select(Dispatch)) is None


def test_admin_files_to_every_unit_with_one_tick_and_no_script(world, client, auth):
    auth.login("admin")
    response = client.post("/ledger/dispatches/new", data={
        "title": "会风会纪", "description": "开会迟到早退", "category": "纪律意识",
        "due_on": today().isoformat(), "all_units": "y",
    })
    assert response.status_code == 302
    dispatch = db.session.scalars(select(Dispatch)).one()
    assert {t.unit_id for t in dispatch.targets} == {world["office"].id, world["other"].id}


def test_filing_needs_units_and_a_date(world, client, auth):
    auth.login("inspector")
    response = client.post("/ledger/dispatches/new", data={
        "title": "x", "description": "y", "category": "纪律意识", "due_on": "",
    })
    assert response.status_code == 422
    assert "请选择下发单位" in response.text and "2026-11-26" in response.text
    assert db.session.scalars(select(Dispatch)).first() is None


@pytest.mark.parametrize("username", ["staff", "head", "leader"])
def test_only_inspectors_and_admins_file(world, client, auth, username):
    auth.login(username)
    assert client.get("/ledger/dispatches/new").status_code == 403
    response = client.post("/ledger/dispatches/new", data={
        "title": "x", "description": "y", "category": "纪律意识", "due_on": today().isoformat(),
        "all_units": "y",
    })
    assert response.status_code == 403
    assert db.session.scalars(select(Dispatch)).first() is None


# -- Who sees what --------------------------------------------------------------------------
def test_each_unit_head_sees_only_their_units_target(world, client, auth):
    dispatch = _dispatch(world)
    auth.login("head")
    listing = client.get("/ledger/dispatches").text
    assert dispatch.title in listing and "办公室：" in listing and "财务股" not in listing
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "办公室" in page and "财务股" not in page
    assert "提交零报告" in page and "存在此问题，登记问题" in page
    auth.logout()
    auth.login("other_head")
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "财务股" in page and "本单位答复情况" in page and "办公室" not in page.split("本单位答复情况")[1]


def test_leader_sees_the_portfolio_and_cannot_answer(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("leader")
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "办公室" in page and "财务股" not in page and "提交零报告" not in page
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                           data={"version": target.version, "confirm": "y", "note": "无"})
    assert response.status_code == 403


def test_staff_have_no_dispatch_menu(world, client, auth):
    _dispatch(world)
    auth.login("staff")
    assert "上级通报" not in client.get("/").text
    assert client.get("/ledger/dispatches").status_code == 403


def test_another_units_target_is_404(world, client, auth):
    dispatch = _dispatch(world)
    other = _target(dispatch, world["other"])
    auth.login("head")
    assert client.get(f"/ledger/dispatches/{dispatch.id}/answer/{other.id}/item").status_code == 404
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{other.id}/zero",
                           data={"version": other.version, "confirm": "y", "note": "无"})
    assert response.status_code == 404
    assert _target(dispatch, world["other"]).answered_at is None


def test_a_dispatch_not_sent_to_my_unit_is_404(world, client, auth):
    dispatch = _dispatch(world, units=("other",))
    auth.login("head")
    assert client.get(f"/ledger/dispatches/{dispatch.id}").status_code == 404
    assert dispatch.title not in client.get("/ledger/dispatches").text


def test_a_target_of_another_dispatch_is_404(world, client, auth):
    first, second = _dispatch(world), _dispatch(world, title="第二条")
    auth.login("head")
    target = _target(second, world["office"])
    assert client.get(f"/ledger/dispatches/{first.id}/answer/{target.id}/item").status_code == 404


def test_menu_lights_up_the_dispatches_not_the_ledger(world, client, auth):
    dispatch = _dispatch(world)
    auth.login("inspector")
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert 'class="active" aria-current="page">上级通报<' in page
    assert 'class="active" aria-current="page">问题台账<' not in page
    assert 'class="active" aria-current="page">问题台账<' in client.get("/ledger/").text


# -- Answering with items -------------------------------------------------------------------
def test_head_answers_with_an_item_prefilled_from_the_dispatch(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    form = client.get(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item")
    assert form.status_code == 200
    assert "部分窗口工作人员对群众咨询敷衍推诿。" in form.text and "上级通报" in form.text
    assert f'value="{target.version}"' in form.text
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item",
                           data=_item_data(world, version=target.version))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ledger/dispatches/{dispatch.id}#dispatch-target-{target.id}"
    item = db.session.scalars(select(LedgerItem).where(LedgerItem.dispatch_id == dispatch.id)).one()
    assert item.source == Source.SUPERIOR and item.unit_id == world["office"].id
    assert item.code == "办公室-002"  # the world's item is 办公室-001
    target = _target(dispatch, world["office"])
    assert target.answered_at is not None and target.answered_by_id == world["head"].id
    assert not target.zero_report
    row = _audit("dispatch.answered")[-1]
    assert row.actor_id == world["head"].id and row.details_dict["item_id"] == item.id
    assert _audit("ledger.created")[-1].object_id == str(item.id)
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "办公室-002" in page and "已答复" in page
    assert "上级通报（" in client.get(f"/ledger/{item.id}").text


def test_the_source_cannot_be_changed_on_an_answer(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item",
                           data=_item_data(world, version=target.version, source="self_inspection"))
    assert response.status_code == 422
    assert db.session.scalars(select(LedgerItem).where(LedgerItem.dispatch_id == dispatch.id)).first() is None


def test_a_unit_may_add_more_items_after_its_first_answer(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    url = f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item"
    client.post(url, data=_item_data(world, version=target.version))
    first_answered_at = _target(dispatch, world["office"]).answered_at
    version = _target(dispatch, world["office"]).version
    response = client.post(url, data=_item_data(world, version=version, description="另一处推诿"))
    assert response.status_code == 302
    items = db.session.scalars(select(LedgerItem).where(LedgerItem.dispatch_id == dispatch.id)).all()
    assert [i.code for i in items] == ["办公室-002", "办公室-003"]
    assert _target(dispatch, world["office"]).answered_at == first_answered_at
    assert _audit("dispatch.answered")[-1].details_dict["first"] is False


# -- 零报告 ------------------------------------------------------------------------------------
def test_zero_report_needs_the_confirmation(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    url = f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero"
    response = client.post(url, data={"version": target.version, "note": "已逐项自查"})
    assert response.status_code == 422
    assert "请勾选“经自查，本单位无此问题”" in response.text and "已逐项自查" in response.text
    assert response.headers["HX-Replace-Url"] == f"/ledger/dispatches/{dispatch.id}"  # boosted: not the POST URL
    assert _target(dispatch, world["office"]).answered_at is None
    response = client.post(url, data={"version": target.version, "confirm": "y", "note": ""})
    assert response.status_code == 422 and "请简要说明自查情况" in response.text
    assert _audit("dispatch.zero_report") == []


def test_zero_report_is_signed_and_shown(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                           data={"version": target.version, "confirm": "y", "note": "对照通报查阅了全部窗口记录"})
    assert response.status_code == 302
    target = _target(dispatch, world["office"])
    assert target.zero_report and target.answered_by_id == world["head"].id and target.answered_at
    assert target.zero_report_note == "对照通报查阅了全部窗口记录"
    row = _audit("dispatch.zero_report")[-1]
    assert row.actor_id == world["head"].id and row.object_id == str(target.id)
    assert row.details_dict["statement"] == "经自查，本单位无此问题"
    auth.logout()
    auth.login("inspector")
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "零报告：经自查，本单位无此问题" in page and "对照通报查阅了全部窗口记录" in page
    assert world["head"].full_name in page


def test_admin_cannot_sign_a_zero_report_for_a_unit(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("admin")
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                           data={"version": target.version, "confirm": "y", "note": "无"})
    assert response.status_code == 403


# -- Second answers and conflicts -----------------------------------------------------------
def test_second_zero_report_is_refused_with_409(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    url = f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero"
    client.post(url, data={"version": target.version, "confirm": "y", "note": "无"})
    response = client.post(url, data={"version": _target(dispatch, world["office"]).version, "confirm": "y",
                                      "note": "再报一次"})
    assert response.status_code == 409
    assert "已于" in response.text and "作零报告" in response.text and "无需重复提交" in response.text
    assert _target(dispatch, world["office"]).zero_report_note == "无"


def test_zero_report_after_items_is_refused_with_409(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item", data=_item_data(world, version=1))
    version = _target(dispatch, world["office"]).version
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                           data={"version": version, "confirm": "y", "note": "无"})
    assert response.status_code == 409
    assert "以登记问题答复" in response.text and "不能再作零报告" in response.text
    assert not _target(dispatch, world["office"]).zero_report


def test_items_after_a_zero_report_are_refused_with_409(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                data={"version": target.version, "confirm": "y", "note": "无"})
    url = f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item"
    assert client.get(url).status_code == 409
    response = client.post(url, data=_item_data(world, version=_target(dispatch, world["office"]).version))
    assert response.status_code == 409
    assert "不能再以登记问题答复" in response.text and "请联系专项办" in response.text
    assert db.session.scalars(select(LedgerItem).where(LedgerItem.dispatch_id == dispatch.id)).first() is None


def test_admin_files_a_problem_found_after_a_zero_report_and_the_zero_report_stays(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    auth.login("head")
    client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                data={"version": target.version, "confirm": "y", "note": "无"})
    auth.logout()
    auth.login("admin")
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item",
                           data=_item_data(world, version=_target(dispatch, world["office"]).version))
    assert response.status_code == 302
    target = _target(dispatch, world["office"])
    assert target.zero_report and target.answered_by_id == world["head"].id
    assert _audit("dispatch.answered")[-1].details_dict["after_zero_report"] is True
    assert "零报告后发现问题" in client.get(f"/ledger/dispatches/{dispatch.id}").text


def test_answer_from_a_stale_page_is_409(world, client, auth):
    """Two heads of one unit: the first answers; the second still has the page with the old version."""
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    seen = target.version
    make_user(Role.UNIT_HEAD, world["office"], "deputy_head")
    db.session.commit()
    auth.login("head")
    client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item", data=_item_data(world, version=seen))
    auth.logout()
    auth.login("deputy_head")
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                           data={"version": seen, "confirm": "y", "note": "无"})
    assert response.status_code == 409 and "刚被他人更新" in response.text
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/item",
                           data=_item_data(world, version=seen, description="重复登记"))
    assert response.status_code == 409 and "刚被他人更新" in response.text
    # The refused form now carries the version just shown: sending it again is a deliberate addition.
    assert f'value="{_target(dispatch, world["office"]).version}"' in response.text
    assert len(db.session.scalars(select(LedgerItem).where(LedgerItem.dispatch_id == dispatch.id)).all()) == 1


def test_two_answers_racing_past_the_check_exactly_one_wins(world):
    """Both read version n; the other's answer lands first: our UPDATE ... WHERE version = n fails."""
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    seen = target.version
    # The other head's answer lands in the row behind the ORM's back (a Core UPDATE does not touch
    # the loaded object): what a second transaction committing first looks like to this one.
    db.session.execute(
        update(DispatchTarget.__table__).where(DispatchTarget.__table__.c.id == target.id)
        .values(version=seen + 1, zero_report=True, zero_report_note="先到", answered_by_id=world["other_head"].id,
                answered_at=text("CURRENT_TIMESTAMP"))
    )
    assert target.version == seen  # still what this person saw
    with pytest.raises(StaleDataError):
        dispatches.zero_report(target, world["head"], seen, True, "后到")
    db.session.rollback()  # the route's answer to the loser: nothing of its answer remains
    assert _target(dispatch, world["office"]).zero_report_note != "后到" and _audit("dispatch.zero_report") == []


@pytest.mark.skipif(not POSTGRES_URL, reason="two open transactions writing one row: PostgreSQL")
def test_another_transaction_committing_first_wins(world):
    """A real second connection commits its answer while ours is open: ours fails at flush."""
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    seen = target.version
    with db.engine.begin() as other:
        other.execute(
            update(DispatchTarget.__table__).where(DispatchTarget.__table__.c.id == target.id)
            .values(version=seen + 1, zero_report=True, zero_report_note="先到", answered_by_id=world["other_head"].id,
                    answered_at=text("CURRENT_TIMESTAMP"))
        )
    with pytest.raises(StaleDataError):
        dispatches.zero_report(target, world["head"], seen, True, "后到")
    db.session.rollback()
    assert _target(dispatch, world["office"]).zero_report_note == "先到" and _audit("dispatch.zero_report") == []


def test_racing_answer_over_http_is_409(world, client, auth, monkeypatch):
    """As above, through the route: the loser gets the detail page with 409, nothing is half-done."""
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    real = dispatches.zero_report

    def other_answers_first(target, *args, **kwargs):
        db.session.execute(update(DispatchTarget.__table__).where(DispatchTarget.__table__.c.id == target.id)
                           .values(version=target.version + 1))
        return real(target, *args, **kwargs)

    monkeypatch.setattr(dispatches, "zero_report", other_answers_first)
    auth.login("head")
    response = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                           data={"version": target.version, "confirm": "y", "note": "无"})
    assert response.status_code == 409 and "刚被他人更新" in response.text
    assert _target(dispatch, world["office"]).answered_at is None and _audit("dispatch.zero_report") == []


# -- Who has not answered -------------------------------------------------------------------
def test_detail_lists_the_units_that_have_not_answered(world, client, auth):
    dispatch = _dispatch(world, due_on=today() - timedelta(days=1))
    target = _target(dispatch, world["office"])
    dispatches.zero_report(target, world["head"], target.version, True, "无")
    db.session.commit()
    auth.login("inspector")
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "已答复 <strong>1</strong> / 2" in page
    assert "未答复单位（1）" in page
    unanswered = page.split("未答复单位（1）：")[1].split("</p>")[0]
    assert "财务股" in unanswered and "办公室" not in unanswered
    assert "已逾期" in page
    only = client.get(f"/ledger/dispatches/{dispatch.id}?show=unanswered").text
    table = only.split("<tbody>")[1]
    assert "财务股" in table and "办公室" not in table and "未答复" in table
    listing = client.get("/ledger/dispatches").text
    assert "已答复 1 / 2" in listing and "未答复 1" in listing


def test_list_filter_shows_dispatches_still_waiting(world, client, auth):
    answered = _dispatch(world, units=("office",), title="已答复的通报")
    dispatches.zero_report(_target(answered, world["office"]), world["head"], 1, True, "无")
    _dispatch(world, units=("office",), title="待答复的通报")
    db.session.commit()
    auth.login("head")
    page = client.get("/ledger/dispatches?pending=1").text
    assert "待答复的通报" in page and "已答复的通报" not in page


def test_services_refuse_what_the_routes_would(world):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    with pytest.raises(services.Invalid):
        dispatches.zero_report(target, world["head"], target.version, False, "无")
    with pytest.raises(services.Conflict):
        dispatches.zero_report(target, world["head"], None, True, "无")
    with pytest.raises(services.Invalid):
        dispatches.create_dispatch(world["inspector"], world["campaign"], "t", "d", "服务群众", None, [])


# -- 来文单位, 文号, the original; correction and withdrawal by the sender --------------------------
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_filing_records_the_source_and_the_original_which_every_reader_can_download(world, client, auth):
    import io

    auth.login("inspector")
    response = client.post("/ledger/dispatches/new", data={
        "title": "窗口服务问题", "description": "群众反映多个窗口推诿扯皮", "category": "服务群众",
        "due_on": (today() + timedelta(days=7)).isoformat(), "unit_ids": [world["office"].id],
        "source_unit": "县纪委监委", "document_number": "青纪通〔2026〕8号",
        "document": (io.BytesIO(PDF), "通报原件.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    dispatch = db.session.scalars(select(Dispatch)).one()
    assert (dispatch.source_unit, dispatch.document_number, dispatch.file_name) == (
        "县纪委监委", "青纪通〔2026〕8号", "通报原件.pdf")
    auth.logout()
    auth.login("head")
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "县纪委监委" in page and "青纪通〔2026〕8号" in page and "通报原件.pdf" in page
    download = client.get(f"/ledger/dispatches/{dispatch.id}/document")
    assert download.status_code == 200 and download.data == PDF and "attachment" in download.headers["Content-Disposition"]
    auth.logout()
    auth.login("other_head")  # not sent to 财务股
    assert client.get(f"/ledger/dispatches/{dispatch.id}/document").status_code == 404


def test_a_disguised_original_is_refused(world, client, auth):
    import io

    auth.login("inspector")
    response = client.post("/ledger/dispatches/new", data={
        "title": "窗口服务问题", "description": "推诿扯皮", "category": "服务群众",
        "due_on": (today() + timedelta(days=7)).isoformat(), "all_units": "y",
        "document": (io.BytesIO(b"<html>"), "通报.pdf"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422 and "内容与扩展名不符" in response.text
    assert db.session.scalar(select(Dispatch)) is None


def _edit_data(dispatch, **overrides):
    data = {"title": dispatch.title, "description": dispatch.description, "due_on": dispatch.due_on.isoformat(),
            "source_unit": dispatch.source_unit, "document_number": dispatch.document_number}
    data.update(overrides)
    return data


def test_the_sender_corrects_the_deadline_and_text_and_the_audit_keeps_both(world, client, auth):
    dispatch = _dispatch(world)
    old_due = dispatch.due_on
    new_due = today() + timedelta(days=20)
    auth.login("inspector")
    assert "更正" in client.get(f"/ledger/dispatches/{dispatch.id}").text
    response = client.post(f"/ledger/dispatches/{dispatch.id}/edit",
                           data=_edit_data(dispatch, due_on=new_due.isoformat(), description="更正后的问题描述"))
    assert response.status_code == 302
    db.session.refresh(dispatch)
    assert dispatch.due_on == new_due and dispatch.description == "更正后的问题描述"
    row = _audit("dispatch.corrected")[-1]
    assert row.actor_id == world["inspector"].id
    assert row.details_dict["changes"]["答复时限"] == [old_due.isoformat(), new_due.isoformat()]
    assert row.details_dict["changes"]["通报的问题"] == ["部分窗口工作人员对群众咨询敷衍推诿。", "更正后的问题描述"]


def test_a_correction_may_not_move_the_deadline_into_the_past(world, client, auth):
    dispatch = _dispatch(world)
    auth.login("inspector")
    response = client.post(f"/ledger/dispatches/{dispatch.id}/edit",
                           data=_edit_data(dispatch, due_on=(today() - timedelta(days=1)).isoformat()))
    assert response.status_code == 422 and "答复时限不能早于今天" in response.text
    assert _audit("dispatch.corrected") == []


def test_only_the_sender_corrects_or_withdraws(world, client, auth):
    dispatch = _dispatch(world)
    make_user(Role.INSPECTOR, world["bureau"], "inspector2")
    db.session.commit()
    for username in ("inspector2", "admin", "head"):
        auth.logout()
        auth.login(username)
        assert client.get(f"/ledger/dispatches/{dispatch.id}/edit").status_code == 403
        assert client.post(f"/ledger/dispatches/{dispatch.id}/withdraw", data={"reason": "误发"}).status_code == 403
    assert _audit("dispatch.withdrawn") == [] and db.session.get(Dispatch, dispatch.id).withdrawn_at is None


def test_no_correction_or_withdrawal_once_a_unit_has_answered(world, client, auth):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    dispatches.zero_report(target, world["head"], target.version, True, "经逐人自查，未发现此类问题。")
    db.session.commit()
    auth.login("inspector")
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "撤回通报" not in page
    refused = client.post(f"/ledger/dispatches/{dispatch.id}/edit", data=_edit_data(dispatch, title="新标题"))
    assert refused.status_code == 409 and "已有 1 个单位答复（办公室）" in refused.text
    refused = client.post(f"/ledger/dispatches/{dispatch.id}/withdraw", data={"reason": "误发"})
    assert refused.status_code == 409
    assert db.session.get(Dispatch, dispatch.id).title != "新标题" and _audit("dispatch.withdrawn") == []


def test_an_answer_from_before_a_correction_is_refused(world):
    dispatch = _dispatch(world)
    target = _target(dispatch, world["office"])
    seen = target.version
    dispatches.correct_dispatch(dispatch, world["inspector"], title=dispatch.title, description="改过的问题",
                                due_on=dispatch.due_on)
    db.session.commit()
    with pytest.raises(services.Conflict, match="刚被下发人更正"):
        dispatches.zero_report(target, world["head"], seen, True, "无此问题")


def test_the_sender_withdraws_with_a_reason_and_nobody_is_asked_any_more(world, client, auth):
    dispatch = _dispatch(world)
    auth.login("inspector")
    assert client.post(f"/ledger/dispatches/{dispatch.id}/withdraw", data={"reason": ""}).status_code == 422
    response = client.post(f"/ledger/dispatches/{dispatch.id}/withdraw", data={"reason": "与县纪委通报重复，误发"})
    assert response.status_code == 302
    row = _audit("dispatch.withdrawn")[-1]
    assert row.details_dict["reason"] == "与县纪委通报重复，误发"
    assert row.details_dict["description"] == "部分窗口工作人员对群众咨询敷衍推诿。"
    auth.logout()
    auth.login("head")
    page = client.get(f"/ledger/dispatches/{dispatch.id}").text
    assert "该通报已撤回" in page and "与县纪委通报重复，误发" in page and "提交零报告" not in page
    assert dispatch.title not in client.get("/ledger/dispatches?pending=1").text
    target = _target(dispatch, world["office"])
    refused = client.post(f"/ledger/dispatches/{dispatch.id}/answer/{target.id}/zero",
                          data={"version": target.version, "confirm": "y", "note": "无"})
    assert refused.status_code == 409 and target.answered_at is None
