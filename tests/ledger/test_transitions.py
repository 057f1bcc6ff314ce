"""The closed loop in the service: every transition, and every refusal."""
from datetime import timedelta

import pytest

from app.audit import AuditLog
from app.extensions import db
from app.ledger import services
from app.ledger.models import EventKind, ExtensionState, LedgerEvent, RectifyType, State
from tests.factories import make_item, make_unit, today


def _advance(item, world, to):
    """Walk an item along the happy path up to state `to`."""
    steps = [
        (State.IN_PROGRESS, lambda: services.report_progress(item, world["staff"], item.version, "已梳理流程")),
        (State.FIRST_REVIEW, lambda: services.submit(item, world["staff"], item.version, "已整改到位")),
        (State.SIGN_OFF, lambda: services.pass_first_review(item, world["head"], item.version)),
        (State.CLOSED, lambda: services.sign_off(item, world["leader"], item.version)),
    ]
    for state, step in steps:
        step()
        db.session.flush()
        if state == to:
            return item
    raise AssertionError(to)


def test_new_item_is_pending_with_its_serial(world):
    item = world["item"]
    assert item.state == State.PENDING
    assert item.code == "办公室-001"
    assert [e.kind for e in item.events] == [EventKind.CREATED]


def test_serials_count_per_unit(world):
    second = make_item(unit=world["office"], owner=world["staff"])
    other = make_item(unit=world["other"], owner=world["other_staff"])
    assert (second.serial, other.serial) == (2, 1)
    assert other.code == "财务股-001"


def test_first_progress_report_starts_rectification(world):
    item = world["item"]
    services.report_progress(item, world["staff"], item.version, "已召开股室会议，梳理办件流程。")
    assert item.state == State.IN_PROGRESS
    assert item.progress == "已召开股室会议，梳理办件流程。"


def test_later_reports_keep_the_state_and_bump_the_version(world):
    item = _advance(world["item"], world, State.IN_PROGRESS)
    version = item.version
    services.report_progress(item, world["staff"], item.version, "流程图已上墙。")
    db.session.flush()
    assert item.state == State.IN_PROGRESS and item.version == version + 1


def test_empty_report_refused(world):
    with pytest.raises(services.Invalid, match="请填写整改进展"):
        services.report_progress(world["item"], world["staff"], world["item"].version, "  ")


def test_submit_goes_to_first_review(world):
    item = _advance(world["item"], world, State.FIRST_REVIEW)
    assert item.completion == "已整改到位"


def test_unit_head_as_owner_skips_first_review(world):
    item = make_item(unit=world["office"], owner=world["head"])
    services.report_progress(item, world["head"], item.version, "已部署")
    db.session.flush()
    services.submit(item, world["head"], item.version, "已完成")
    assert item.state == State.SIGN_OFF


def test_cannot_submit_before_rectification_starts(world):
    with pytest.raises(services.Conflict, match="待整改"):
        services.submit(world["item"], world["staff"], world["item"].version, "完成")


def test_first_review_then_sign_off_closes(world):
    item = _advance(world["item"], world, State.CLOSED)
    assert item.closed_by_id == world["leader"].id and item.closed_at is not None
    kinds = [e.kind for e in db.session.query(LedgerEvent).filter_by(item_id=item.id).order_by(LedgerEvent.id)]
    assert kinds == ["created", "progress", "submitted", "first_review_passed", "signed_off"]


def test_sign_off_refused_before_first_review(world):
    item = _advance(world["item"], world, State.FIRST_REVIEW)
    with pytest.raises(services.Conflict, match="待初审"):
        services.sign_off(item, world["leader"], item.version)


@pytest.mark.parametrize("stage, reviewer", [(State.FIRST_REVIEW, "head"), (State.SIGN_OFF, "leader")])
def test_return_goes_back_to_rectification(world, stage, reviewer):
    item = _advance(world["item"], world, stage)
    services.return_item(item, world[reviewer], item.version, "佐证材料不全", True, True)
    assert item.state == State.IN_PROGRESS
    assert item.events[-1].note == "佐证材料不全"


def test_return_needs_a_reason(world):
    item = _advance(world["item"], world, State.FIRST_REVIEW)
    with pytest.raises(services.Invalid, match="退回原因"):
        services.return_item(item, world["head"], item.version, " ", True, False)


def test_unit_head_cannot_return_what_awaits_the_leader(world):
    item = _advance(world["item"], world, State.SIGN_OFF)
    with pytest.raises(services.Conflict, match="分管领导"):
        services.return_item(item, world["head"], item.version, "再看看", True, False)


def test_stale_version_is_a_conflict(world):
    item = _advance(world["item"], world, State.SIGN_OFF)
    seen = item.version
    services.sign_off(item, world["leader"], seen)
    db.session.flush()
    with pytest.raises(services.Conflict, match="已销号"):
        services.sign_off(item, world["admin"], seen)


def test_missing_version_is_a_conflict(world):
    with pytest.raises(services.Conflict, match="页面已过期"):
        services.report_progress(world["item"], world["staff"], None, "进展")


def test_immediate_item_closes_in_one_step(world):
    item = make_item(unit=world["office"], owner=world["staff"], rectify_type=RectifyType.IMMEDIATE)
    services.close_now(item, world["leader"], item.version, "当场纠正，已向群众致歉。")
    assert item.state == State.CLOSED and item.completion == "当场纠正，已向群众致歉。"


def test_only_immediate_items_close_in_one_step(world):
    with pytest.raises(services.Invalid, match="立行立改"):
        services.close_now(world["item"], world["leader"], world["item"].version, "说明")


def test_reopen_starts_a_new_cycle_keeping_the_old(world):
    item = _advance(world["item"], world, State.CLOSED)
    events_before = len(item.events)
    services.reopen(item, world["leader"], item.version, "群众再次反映")
    db.session.flush()
    assert item.state == State.IN_PROGRESS and item.cycle == 2
    assert item.closed_at is None
    assert len(item.events) == events_before + 1
    assert item.events[0].cycle == 1 and item.events[-1].cycle == 2


def test_reopen_needs_a_reason(world):
    item = _advance(world["item"], world, State.CLOSED)
    with pytest.raises(services.Invalid, match="原因"):
        services.reopen(item, world["leader"], item.version, "")


def test_only_closed_items_reopen(world):
    with pytest.raises(services.Conflict, match="待整改"):
        services.reopen(world["item"], world["leader"], world["item"].version, "原因")


def test_supervise_marks_the_item(world):
    item = world["item"]
    services.supervise(item, world["leader"], item.version, "请于本周内拿出整改方案。")
    assert item.supervised and item.instruction == "请于本周内拿出整改方案。"


def test_extension_request_and_approval(world):
    item = _advance(world["item"], world, State.IN_PROGRESS)
    new_date = item.due_on + timedelta(days=30)
    request = services.request_extension(item, world["staff"], item.version, "需协调住建部门", new_date, today())
    db.session.flush()
    services.decide_extension(request, world["leader"], True, "同意")
    assert request.state == ExtensionState.APPROVED and item.due_on == new_date


def test_refused_extension_keeps_the_date(world):
    item = world["item"]
    old = item.due_on
    request = services.request_extension(item, world["staff"], item.version, "理由", old + timedelta(days=5), today())
    db.session.flush()
    services.decide_extension(request, world["leader"], False, "按期完成")
    assert item.due_on == old and request.state == ExtensionState.REFUSED


def test_extension_must_move_the_date_later(world):
    item = world["item"]
    with pytest.raises(services.Invalid, match="晚于原时限"):
        services.request_extension(item, world["staff"], item.version, "理由", item.due_on, today())


def test_one_pending_extension_at_a_time(world):
    item = world["item"]
    services.request_extension(item, world["staff"], item.version, "理由", item.due_on + timedelta(days=3), today())
    db.session.flush()
    with pytest.raises(services.Conflict, match="等待审批"):
        services.request_extension(item, world["staff"], item.version, "再次", item.due_on + timedelta(days=9), today())


def test_extension_decided_once(world):
    item = world["item"]
    request = services.request_extension(item, world["staff"], item.version, "理由", item.due_on + timedelta(days=3), today())
    db.session.flush()
    services.decide_extension(request, world["leader"], True, "")
    with pytest.raises(services.Conflict):
        services.decide_extension(request, world["admin"], False, "")


def test_recording_handling_makes_it_a_discipline_case(world):
    item = world["item"]
    services.record_handling(item, world["inspector"], item.version, "transfer", "张某", "已移交县纪委监委")
    assert item.is_discipline and item.handling_label == "移交纪检监察"


def test_every_transition_is_audited(world):
    item = _advance(world["item"], world, State.CLOSED)
    db.session.commit()
    rows = db.session.query(AuditLog).filter_by(object_type="LedgerItem", object_id=str(item.id)).order_by(AuditLog.seq)
    actions = [row.action for row in rows]
    assert actions == ["ledger.created", "ledger.progress", "ledger.submitted", "ledger.first_review_passed",
                       "ledger.signed_off"]


def test_default_leader_is_the_one_in_charge(world):
    assert services.default_leader_id(world["office"]) == world["leader"].id
    assert services.default_leader_id(make_unit("无人分管股")) == 0
