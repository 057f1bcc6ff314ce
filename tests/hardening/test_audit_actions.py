"""Every official action writes its audit row in the same transaction as the change.

For each POST route (ACTIONS; a new route fails test_every_post_route_is_listed until it is added
here or to NOT_OFFICIAL with the reason) a real request by the person who may make it is sent
twice: first with the commit forced to fail, after the change and its audit row were written, which
must leave the database (and the uploaded files) exactly as before; then for real, which must
change something and add exactly the audit rows listed: one, or one more per record an action
files besides (a 自查表 passed with a problem files a ledger item; a ledger import, each item) or
per file it stores with a report (佐证材料).
"""
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from flask import has_request_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import audit
from app.audit import AuditLog
from app.commitments import services as letter_services
from app.extensions import db
from app.ledger import dispatches as dispatch_services
from app.ledger.models import RectifyType
from app.regulations import services as rule_services
from app.study import services as study_services
from app.templating import today
from tests.admin.test_import import person, workbook
from tests.checklists.factories import all_no, form_data, make_checklist
from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_campaign, make_item
from tests.hardening.snapshot import fingerprint, stored_files
from tests.hardening.world import PDF, REFLECTION, post_endpoints
from tests.ledger.test_excel import good_row, ledger_file

NOT_OFFICIAL = {
    "checklists.autosave": "a 自查表's draft is not a record yet: no audit row (README, 自查清单)",
}


@dataclass
class Action:
    who: str | None  # None: somebody not logged in
    url: Callable[[dict], str]
    data: Callable[[dict], dict]
    audited: tuple[str, ...]
    setup: Callable[[dict], None] | None = None


def day(days: int = 0) -> str:
    return (today() + timedelta(days=days)).isoformat()


def pdf(name="报告.pdf"):
    return BytesIO(PDF), name


def phases(start_days: int, title: str) -> dict:
    data = {"title": title, "year": "2027", "description": ""}
    for i, kind in enumerate(("study", "warning", "rectify", "institution")):
        data[f"{kind}_starts_on"] = day(start_days + 30 * i)
        data[f"{kind}_ends_on"] = day(start_days + 30 * i + 29)
    return data


def item_fields(w, item) -> dict:
    return {"version": item.version, "unit_id": item.unit_id, "source": item.source, "category": item.category,
            "rectify_type": item.rectify_type, "due_on": item.due_on.isoformat(), "owner_id": item.owner_id,
            "leader_id": item.leader_id, "description": item.description, "goal": "办结率 100%",
            "measures": "实行限时办结并每周通报。", "remarks": ""}


def session_fields(title: str, days: int) -> dict:
    return {"kind": "exchange", "title": title, "day": day(days), "starts": "09:00", "ends": "11:00",
            "signin_opens": "08:30", "signin_closes": "09:30", "place": "会议室", "materials": ""}


def rule_fields(w, title="窗口服务首问负责制度") -> dict:
    return {"version": w["rule"].version, "title": title, "owner_unit_id": w["office"].id, "action": "new",
            "document_number": "青建发〔2026〕12号", "summary": "首问责任人负责到底。"}


def _draft_checklist(w):
    w["draft_checklist"] = make_checklist(w["admin"], w["campaign"], publish=False, title="股室负责人自查清单")


def _draft_letter(w):
    w["draft_letter"] = letter_services.create_template(w["admin"], w["campaign"], title="廉洁承诺书",
                                                        body="本人{姓名}郑重承诺。", target_ranks=[], due_on=None)


def _open_session(w):
    now = datetime.now(UTC)
    w["open_session"] = study_services.schedule_session(
        w["admin"], w["campaign"], kind="central", title="集中学习", starts_at=now, ends_at=now + timedelta(hours=2),
        place="会议室", signin_opens_at=now - timedelta(minutes=30), signin_closes_at=now + timedelta(minutes=30),
        target_ranks=[], target_units=[], materials="")


def _fresh_dispatch(w):
    """A dispatch no unit has answered yet: its sender may still correct or withdraw it."""
    w["fresh_dispatch"] = dispatch_services.create_dispatch(
        w["inspector"], w["campaign"], "关于会风会纪的通报", "部分会议迟到。", "纪律意识", today() + timedelta(days=15),
        [w["office"].id])


def _submitted_reflection(w):
    w["submitted"] = study_services.write_reflection(w["staff"], w["campaign"], None, "整体心得", REFLECTION, True)


def _draft_rule(w):
    w["draft_rule"] = rule_services.create(w["head"], title="考勤制度", document_number="", owner_unit_id=w["office"].id,
                                           action="new", summary="考勤。")


ACTIONS = {
    "auth.login": Action(None, lambda w: "/auth/login", lambda w: {"username": "staff", "password": PASSWORD},
                         ("auth.login",)),
    "auth.logout": Action("staff", lambda w: "/auth/logout", lambda w: {}, ("auth.logout",)),
    "auth.change_password": Action("staff", lambda w: "/auth/password", lambda w: {
        "current_password": PASSWORD, "new_password": "Hongqi-lu-88", "confirm": "Hongqi-lu-88"},
        ("auth.password_changed",)),
    "admin.unit_create": Action("admin", lambda w: "/admin/units/new", lambda w: {
        "name": "信访股", "kind": "office", "parent_id": w["bureau"].id, "sort_order": "9", "active": "y"},
        ("unit.created",)),
    "admin.unit_edit": Action("admin", lambda w: f"/admin/units/{w['other'].id}/edit", lambda w: {
        "name": "财务股", "kind": "office", "parent_id": w["bureau"].id, "sort_order": "5", "active": "y"},
        ("unit.updated",)),
    "admin.user_create": Action("admin", lambda w: "/admin/users/new", lambda w: {
        "username": "zhangwei", "full_name": "张伟", "unit_id": w["office"].id, "role": "staff", "rank": "general",
        "active": "y", "password": "Hongqi-lu-88"}, ("user.created",)),
    "admin.user_edit": Action("admin", lambda w: f"/admin/users/{w['other_staff'].id}/edit", lambda w: {
        "username": "other_staff", "full_name": w["other_staff"].full_name, "unit_id": w["other"].id,
        "role": "staff", "rank": "general"}, ("user.deactivated",)),
    "admin.import_org": Action("admin", lambda w: "/admin/import", lambda w: {
        "file": (BytesIO(workbook(users=[person("zhangwei", "张伟", "办公室")])), "名单.xlsx")}, ("org.imported",)),
    "campaigns.create": Action("admin", lambda w: "/campaigns/new", lambda w: phases(60, "2027年作风建设专项行动"),
                               ("campaign.created",)),
    "campaigns.edit": Action("admin", lambda w: f"/campaigns/{w['campaign'].id}/edit",
                             lambda w: phases(-70, "2026年作风建设专项行动（修订）"), ("campaign.updated",)),
    "campaigns.set_current": Action(
        "admin", lambda w: f"/campaigns/{w['next_campaign'].id}/make-current", lambda w: {}, ("campaign.made_current",),
        setup=lambda w: w.update(next_campaign=make_campaign("2027年作风建设专项行动", current=False))),
    "checklists.fill": Action("other_staff", lambda w: f"/checklists/fill/{w['checklist'].id}",
                              lambda w: form_data(w["checklist"], all_no(w["checklist"]), "submit"),
                              ("checklist.submitted",)),
    "checklists.pass_": Action("head", lambda w: f"/checklists/{w['inspection'].id}/pass",
                               lambda w: {"version": w["inspection"].version},
                               ("checklist.passed", "ledger.created")),
    "checklists.return_": Action("head", lambda w: f"/checklists/{w['inspection'].id}/return",
                                 lambda w: {"version": w["inspection"].version, "reason": "请写具体。"},
                                 ("checklist.returned",)),
    "checklists.template_create": Action("admin", lambda w: "/checklists/templates/new", lambda w: {
        "title": "股室负责人自查清单", "sections-0-title": "工作效率", "sections-0-items": "办事拖拉\n推诿扯皮"},
        ("checklist.template_created",)),
    "checklists.template_edit": Action(
        "admin", lambda w: f"/checklists/templates/{w['draft_checklist'].id}/edit", lambda w: {
            "title": "股室负责人自查清单（修改）", "sections-0-title": "工作效率", "sections-0-items": "办事拖拉"},
        ("checklist.template_edited",), setup=_draft_checklist),
    "checklists.template_delete": Action("admin", lambda w: f"/checklists/templates/{w['draft_checklist'].id}/delete",
                                         lambda w: {}, ("checklist.template_deleted",), setup=_draft_checklist),
    "checklists.template_publish": Action(
        "admin", lambda w: f"/checklists/templates/{w['draft_checklist'].id}/publish", lambda w: {},
        ("checklist.template_published",), setup=_draft_checklist),
    "checklists.template_revise": Action("admin", lambda w: f"/checklists/templates/{w['checklist'].id}/revise",
                                         lambda w: {}, ("checklist.template_revised",)),
    "commendations.create": Action("admin", lambda w: "/commendations/new", lambda w: {
        "kind": "person", "user_id": w["other_staff"].id, "unit_id": "0", "honour": "服务群众标兵",
        "reason": "热情周到。", "awarded_on": day(), "issuer": "局党组", "recommendation": "none"},
        ("commendation.created",)),
    "commendations.edit": Action("admin", lambda w: f"/commendations/{w['honour'].id}/edit", lambda w: {
        "kind": "person", "user_id": w["staff"].id, "unit_id": "0", "honour": "作风建设先进个人",
        "reason": "办件按时办结率100%。", "awarded_on": day(), "issuer": "局党组", "recommendation": "rank"},
        ("commendation.edited",)),
    "commendations.delete": Action("admin", lambda w: f"/commendations/{w['honour'].id}/delete", lambda w: {},
                                   ("commendation.deleted",)),
    "commitments.create_template": Action("admin", lambda w: "/commitments/templates/new", lambda w: {
        "title": "廉洁承诺书", "body": "本人{姓名}郑重承诺。"}, ("letter.template_created",)),
    "commitments.edit_template": Action(
        "admin", lambda w: f"/commitments/templates/{w['draft_letter'].id}/edit",
        lambda w: {"title": "廉洁承诺书（修改）", "body": "本人{姓名}郑重承诺。"}, ("letter.template_edited",),
        setup=_draft_letter),
    "commitments.delete_template": Action("admin", lambda w: f"/commitments/templates/{w['draft_letter'].id}/delete",
                                          lambda w: {}, ("letter.draft_discarded",), setup=_draft_letter),
    "commitments.publish_template": Action(
        "admin", lambda w: f"/commitments/templates/{w['draft_letter'].id}/publish", lambda w: {},
        ("letter.published",), setup=_draft_letter),
    "commitments.revise_template": Action("admin", lambda w: f"/commitments/templates/{w['letter'].id}/revise",
                                          lambda w: {}, ("letter.revised",)),
    "commitments.sign": Action("other_staff", lambda w: f"/commitments/letters/{w['letter'].id}/sign",
                               lambda w: {"promise": "y", "typed_name": w["other_staff"].full_name},
                               ("letter.signed",)),
    "ledger.create": Action("head", lambda w: "/ledger/new", lambda w: {
        "unit_id": w["office"].id, "source": "self_inspection", "category": "工作效率", "rectify_type": "deadline",
        "due_on": day(20), "owner_id": w["staff"].id, "leader_id": w["leader"].id, "description": "会议室预约混乱。",
        "measures": "建立预约登记。"}, ("ledger.created",)),
    "ledger.edit": Action("head", lambda w: f"/ledger/{w['item'].id}/edit", lambda w: item_fields(w, w["item"]),
                          ("ledger.edited",)),
    "ledger.report_progress": Action("staff", lambda w: f"/ledger/{w['item'].id}/progress", lambda w: {
        "version": w["item"].version, "text": "已完成一半。", "files": [pdf()]},
        ("ledger.progress", "ledger.evidence_uploaded")),
    "ledger.request_extension": Action(
        "staff", lambda w: f"/ledger/{w['due_item'].id}/extension",
        lambda w: {"version": w["due_item"].version, "new_due_on": day(60), "reason": "需协调信息中心。"},
        ("ledger.extension_requested",),
        setup=lambda w: w.update(due_item=make_item(unit=w["office"], owner=w["staff"], leader=w["leader"]))),
    "ledger.decide_extension": Action("leader", lambda w: f"/ledger/extensions/{w['extension'].id}/decide",
                                      lambda w: {"decision": "approve", "note": "同意。"},
                                      ("ledger.extension_approved",)),
    "ledger.submit": Action("staff", lambda w: f"/ledger/{w['item'].id}/submit",
                            lambda w: {"version": w["item"].version, "completion": "已完成。"}, ("ledger.submitted",)),
    "ledger.first_review": Action("head", lambda w: f"/ledger/{w['first_review'].id}/first-review",
                                  lambda w: {"version": w["first_review"].version},
                                  ("ledger.first_review_passed",)),
    "ledger.sign_off": Action("leader", lambda w: f"/ledger/{w['sign_off'].id}/sign-off",
                              lambda w: {"version": w["sign_off"].version}, ("ledger.signed_off",)),
    "ledger.return_item": Action("leader", lambda w: f"/ledger/{w['sign_off'].id}/return",
                                 lambda w: {"version": w["sign_off"].version, "reason": "佐证材料不全。"},
                                 ("ledger.returned",)),
    "ledger.close_now": Action(
        "leader", lambda w: f"/ledger/{w['immediate'].id}/close-now",
        lambda w: {"version": w["immediate"].version, "note": "当场整改到位。"}, ("ledger.closed_immediately",),
        setup=lambda w: w.update(immediate=make_item(unit=w["office"], owner=w["staff"], leader=w["leader"],
                                                     rectify_type=RectifyType.IMMEDIATE))),
    "ledger.reopen": Action("leader", lambda w: f"/ledger/{w['closed'].id}/reopen",
                            lambda w: {"version": w["closed"].version, "reason": "问题反弹。"}, ("ledger.reopened",)),
    "ledger.supervise": Action("leader", lambda w: f"/ledger/{w['item'].id}/supervise",
                               lambda w: {"version": w["item"].version, "instruction": "月底前办结。"},
                               ("ledger.supervised",)),
    "ledger.record_handling": Action("inspector", lambda w: f"/ledger/{w['item'].id}/handling", lambda w: {
        "version": w["item"].version, "handling": "criticism", "person": "王某", "note": "全局通报。"},
        ("ledger.handling_recorded",)),
    "ledger.import_items": Action("head", lambda w: "/ledger/import", lambda w: {
        "unit_id": w["office"].id, "file": (BytesIO(ledger_file(good_row(w))), "台账.xlsx")},
        ("ledger.created", "ledger.imported")),
    "ledger.dispatch_create": Action("inspector", lambda w: "/ledger/dispatches/new", lambda w: {
        "title": "关于会风会纪的通报", "description": "部分会议迟到。", "category": "纪律意识", "due_on": day(15),
        "unit_ids": [w["office"].id]}, ("dispatch.created",)),
    "ledger.dispatch_answer_item": Action(
        "head", lambda w: f"/ledger/dispatches/{w['dispatch'].id}/answer/{w['target'].id}/item", lambda w: {
            "version": w["target"].version, "unit_id": w["office"].id, "source": "superior", "category": "工作效率",
            "rectify_type": "deadline", "due_on": day(20), "owner_id": w["staff"].id, "leader_id": w["leader"].id,
            "description": "窗口推诿。", "measures": "首问负责。"},
        ("ledger.created", "dispatch.answered")),
    "ledger.dispatch_zero_report": Action(
        "head", lambda w: f"/ledger/dispatches/{w['dispatch'].id}/answer/{w['target'].id}/zero",
        lambda w: {"version": w["target"].version, "confirm": "y", "note": "经逐人自查无此问题。"},
        ("dispatch.zero_report",)),
    "ledger.dispatch_edit": Action("inspector", lambda w: f"/ledger/dispatches/{w['fresh_dispatch'].id}/edit",
                                   lambda w: {"title": "关于会风会纪的通报（更正）", "description": "部分会议迟到早退。",
                                              "due_on": day(20), "source_unit": "县纪委监委",
                                              "document_number": "青纪通〔2026〕9号", "document": pdf("原件.pdf")},
                                   ("dispatch.corrected",), setup=_fresh_dispatch),
    "ledger.dispatch_withdraw": Action("inspector", lambda w: f"/ledger/dispatches/{w['fresh_dispatch'].id}/withdraw",
                                       lambda w: {"reason": "误发"}, ("dispatch.withdrawn",), setup=_fresh_dispatch),
    "regulations.create": Action("head", lambda w: "/regulations/new", lambda w: {
        "title": "考勤制度", "owner_unit_id": w["office"].id, "action": "new", "document_number": "",
        "summary": "考勤。"}, ("regulation.created",)),
    "regulations.edit": Action("head", lambda w: f"/regulations/{w['rule'].id}/edit",
                               lambda w: rule_fields(w, "窗口服务首问负责制（修订）"), ("regulation.edited",)),
    "regulations.issue": Action("head", lambda w: f"/regulations/{w['draft_rule'].id}/issue", lambda w: {
        "version": w["draft_rule"].version, "issued_on": day(), "next_review_on": "",
        "document_number": "青建发〔2026〕13号"}, ("regulation.issued",), setup=_draft_rule),
    "regulations.review": Action("head", lambda w: f"/regulations/{w['rule'].id}/review", lambda w: {
        "version": w["rule"].version, "note": "仍然适用。", "next_review_on": day(365)}, ("regulation.reviewed",)),
    "regulations.abolish": Action("head", lambda w: f"/regulations/{w['rule'].id}/abolish",
                                  lambda w: {"version": w["rule"].version, "reason": "已被新制度取代。"},
                                  ("regulation.abolished",)),
    "regulations.upload_document": Action("head", lambda w: f"/regulations/{w['rule'].id}/document",
                                          lambda w: {"version": w["rule"].version, "file": pdf("制度.pdf")},
                                          ("regulation.document_uploaded",)),
    "regulations.link": Action("head", lambda w: f"/regulations/{w['rule'].id}/links",
                               lambda w: {"item_id": w["first_review"].id, "code": ""}, ("regulation.linked",)),
    "regulations.unlink": Action("admin", lambda w: f"/regulations/{w['rule'].id}/links/{w['closed'].id}/delete",
                                 lambda w: {}, ("regulation.unlinked",)),
    "study.create_session": Action("head", lambda w: "/study/sessions/new",
                                   lambda w: {**session_fields("集中学习", 1), "kind": "central"},
                                   ("study.session_scheduled",)),
    "study.edit_session": Action("admin", lambda w: f"/study/sessions/{w['exchange'].id}/edit",
                                 lambda w: session_fields("作风建设交流发言（改期）", 2), ("study.session_edited",)),
    "study.cancel_session": Action("admin", lambda w: f"/study/sessions/{w['exchange'].id}/cancel",
                                   lambda w: {"reason": "与县委中心组学习冲突"}, ("study.session_cancelled",)),
    "study.attendance": Action("admin", lambda w: f"/study/sessions/{w['exchange'].id}/attendance",
                               lambda w: {f"status-{w['staff'].id}": "present"}, ("study.attendance_recorded",)),
    "study.sign_in": Action("staff", lambda w: f"/study/sessions/{w['open_session'].id}/sign-in", lambda w: {},
                            ("study.signed_in",), setup=_open_session),
    "study.add_speaker": Action("admin", lambda w: f"/study/sessions/{w['exchange'].id}/speakers",
                                lambda w: {"user_id": w["staff"].id, "topic": "窗口服务的体会"},
                                ("study.speaker_added",)),
    "study.remove_speaker": Action("admin", lambda w: f"/study/speakers/{w['speaker'].id}/delete", lambda w: {},
                                   ("study.speaker_removed",)),
    "study.attach_files": Action("admin", lambda w: f"/study/sessions/{w['exchange'].id}/files",
                                 lambda w: {"files": [pdf("讲稿.pdf")]}, ("study.file_attached",)),
    "study.remove_file": Action("admin", lambda w: f"/study/files/{w['file'].id}/delete", lambda w: {},
                                ("study.file_removed",)),
    "study.create_reading": Action("admin", lambda w: "/study/readings/new", lambda w: {
        "kind": "material", "title": "学习资料二", "summary": "摘要。", "link": "", "sort_order": "2"},
        ("study.reading_created",)),
    "study.edit_reading": Action("admin", lambda w: f"/study/readings/{w['reading'].id}/edit", lambda w: {
        "kind": "warning_case", "title": "案例一：吃拿卡要被查处（修订）", "summary": "案情。", "link": "",
        "sort_order": "1"}, ("study.reading_edited",)),
    "study.acknowledge": Action("staff", lambda w: f"/study/readings/{w['reading'].id}/read", lambda w: {},
                                ("study.reading_read",)),
    "study.write_reflection": Action("head", lambda w: "/study/reflections/new", lambda w: {
        "session_id": w["exchange"].id, "title": "交流发言心得", "body": REFLECTION, "submit": "提交审阅"},
        ("study.reflection_submitted",)),
    "study.edit_reflection": Action("staff", lambda w: f"/study/reflections/{w['reflection'].id}/edit", lambda w: {
        "version": w["reflection"].version, "title": "学习心得（修改）", "body": REFLECTION, "submit": "提交审阅"},
        ("study.reflection_resubmitted",)),
    "study.review_reflection": Action("head", lambda w: f"/study/reflections/{w['submitted'].id}/review",
                                      lambda w: {"version": w["submitted"].version, "decision": "pass"},
                                      ("study.reflection_passed",), setup=_submitted_reflection),
}


@contextmanager
def failing_commit():
    """The request's commit fails, after everything (the change and its audit row) was written."""
    def fail(_session):
        if has_request_context():
            raise RuntimeError("forced rollback")

    event.listen(Session, "before_commit", fail)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", fail)


def test_every_post_route_is_listed():
    assert set(ACTIONS) | set(NOT_OFFICIAL) == set(post_endpoints()) | {"auth.logout"}


@pytest.mark.parametrize("endpoint", sorted(ACTIONS))
def test_an_official_action_and_its_audit_row_commit_together(app, world, endpoint):
    action = ACTIONS[endpoint]
    if action.setup:
        action.setup(world)
        db.session.commit()
    client = app.test_client()
    if action.who:
        assert AuthActions(client).login(action.who).status_code == 302
    before, files, last = fingerprint(), stored_files(app), db.session.scalar(select(func.max(AuditLog.seq)))

    with failing_commit(), pytest.raises(RuntimeError, match="forced rollback"):
        client.post(action.url(world), data=action.data(world))
    assert fingerprint() == before, "a failed commit left a change behind"
    assert stored_files(app) == files, "a failed commit left a stored file behind"

    response = client.post(action.url(world), data=action.data(world))
    assert response.status_code < 400, response.text
    after = fingerprint()
    assert {name for name in after if after[name] != before[name]} - {"audit_log", "audit_head"}
    added = db.session.scalars(select(AuditLog.action).where(AuditLog.seq > last).order_by(AuditLog.seq)).all()
    assert sorted(added) == sorted(action.audited)
    assert audit.verify().ok
