"""The register of rules: registering, 印发, 复审 (动态调整), 废止, editing, stale forms, the list and
its filters; every change in the audit log."""
import re
from datetime import timedelta

from sqlalchemy import select

from app.audit import AuditLog
from app.extensions import db
from app.regulations import services
from app.regulations.models import Regulation, RuleStatus
from tests.factories import today
from tests.regulations.conftest import make_rule

TODAY = today()


def audit_rows(action: str) -> list[AuditLog]:
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.seq)).all()


def issued_rule(world, title="公务用车管理办法", issued_on=None, next_review_on=None, unit="office"):
    rule = make_rule(world["admin"], world[unit], title=title)
    services.issue(rule, world["admin"], rule.version, issued_on or TODAY, next_review_on, "", TODAY)
    db.session.commit()
    return rule


def row_of(html: str, rule_id: int) -> str:
    match = re.search(rf'<tr id="regulation-{rule_id}"[^>]*>.*?</tr>', html, re.S)
    assert match, f"rule {rule_id} not listed"
    return match.group(0)


def test_a_unit_head_registers_a_draft(world, client, auth):
    auth.login("head")
    response = client.post("/regulations/new", data={
        "title": "公文处理限时办结制度", "document_number": "", "owner_unit_id": world["office"].id, "action": "new",
        "summary": "一般公文3个工作日内办结。",
    })
    assert response.status_code == 302
    rule = db.session.scalar(select(Regulation).where(Regulation.title == "公文处理限时办结制度"))
    assert rule.status == RuleStatus.DRAFTING and rule.owner_unit_id == world["office"].id
    assert response.headers["Location"] == f"/regulations/{rule.id}"
    row = audit_rows("regulation.created")[-1]
    assert row.actor_username == "head" and row.object_id == str(rule.id) and "公文处理限时办结制度" in row.summary


def test_a_rule_needs_a_name(world, client, auth):
    auth.login("head")
    response = client.post("/regulations/new", data={"title": " ", "owner_unit_id": world["office"].id,
                                                     "action": "new"})
    assert response.status_code == 422
    assert "请填写制度名称" in response.text


def test_issue_sets_the_dates_and_a_year_until_review(world, client, auth):
    rule = world["rule"]
    auth.login("head")
    response = client.post(f"/regulations/{rule.id}/issue", data={
        "version": rule.version, "issued_on": TODAY.isoformat(), "document_number": "青建发〔2026〕12号"})
    assert response.status_code == 302
    rule = db.session.get(Regulation, rule.id)
    assert rule.status == RuleStatus.ISSUED and rule.issued_on == TODAY
    assert rule.next_review_on == services.a_year_after(TODAY)
    assert rule.document_number == "青建发〔2026〕12号"
    assert audit_rows("regulation.issued")[-1].actor_username == "head"


def test_issue_refuses_a_future_date_and_an_early_review(world, client, auth):
    rule = world["rule"]
    auth.login("head")
    future = client.post(f"/regulations/{rule.id}/issue", data={
        "version": rule.version, "issued_on": (TODAY + timedelta(days=3)).isoformat()})
    assert future.status_code == 422 and "印发日期不能晚于今天" in future.text
    early = client.post(f"/regulations/{rule.id}/issue", data={
        "version": rule.version, "issued_on": TODAY.isoformat(), "next_review_on": TODAY.isoformat()})
    assert early.status_code == 422 and "下次复审日期须晚于印发日期" in early.text
    assert db.session.get(Regulation, rule.id).status == RuleStatus.DRAFTING


def test_a_repeal_notice_has_nothing_to_review(world):
    rule = make_rule(world["head"], world["office"], title="关于废止《请销假暂行规定》的通知", action="abolish")
    services.issue(rule, world["head"], rule.version, TODAY, TODAY + timedelta(days=30), "", TODAY)
    assert rule.status == RuleStatus.ISSUED and rule.next_review_on is None
    assert not rule.review_due(TODAY + timedelta(days=900))


def test_rules_past_their_review_date_stand_out(world, client, auth):
    due = issued_rule(world, "机关考勤管理办法", issued_on=TODAY - timedelta(days=500),
                      next_review_on=TODAY - timedelta(days=10))
    fresh = issued_rule(world, "廉政风险防控办法")
    auth.login("staff")
    page = client.get("/regulations/").text
    due_row, fresh_row = row_of(page, due.id), row_of(page, fresh.id)
    assert 'class="review-due"' in due_row and "需复审" in due_row  # colour and a text label
    assert "review-due" not in fresh_row and "需复审" not in fresh_row
    assert "待复审（1）" in page
    only_due = client.get("/regulations/?due=1").text
    assert "机关考勤管理办法" in only_due and "廉政风险防控办法" not in only_due
    detail = client.get(f"/regulations/{due.id}").text
    assert "需复审" in detail and "已逾期 10 天" in detail


def test_review_moves_the_date_on_with_a_note(world, client, auth):
    rule = issued_rule(world, "值班制度", issued_on=TODAY - timedelta(days=400), next_review_on=TODAY - timedelta(days=5))
    auth.login("head")
    next_review = TODAY + timedelta(days=365)
    response = client.post(f"/regulations/{rule.id}/review", data={
        "version": rule.version, "note": "经复审，与当前工作要求相适应，继续执行。", "next_review_on": next_review.isoformat()})
    assert response.status_code == 302
    rule = db.session.get(Regulation, rule.id)
    assert rule.next_review_on == next_review and not rule.review_due(TODAY)
    row = audit_rows("regulation.reviewed")[-1]
    assert row.details_dict["note"] == "经复审，与当前工作要求相适应，继续执行。"
    assert row.details_dict["previous_review_on"] == str(TODAY - timedelta(days=5))
    page = client.get(f"/regulations/{rule.id}").text
    assert "经复审，与当前工作要求相适应" in page  # the history (制度沿革) from the audit log
    assert "需复审" not in page


def test_review_needs_a_note_and_a_later_date(world, client, auth):
    rule = issued_rule(world)
    auth.login("head")
    no_note = client.post(f"/regulations/{rule.id}/review", data={
        "version": rule.version, "note": "", "next_review_on": (TODAY + timedelta(days=30)).isoformat()})
    assert no_note.status_code == 422 and "请填写复审意见" in no_note.text
    past = client.post(f"/regulations/{rule.id}/review", data={
        "version": rule.version, "note": "继续执行", "next_review_on": TODAY.isoformat()})
    assert past.status_code == 422 and "下次复审日期须晚于今天" in past.text


def test_a_draft_cannot_be_reviewed(world, client, auth):
    rule = world["rule"]
    auth.login("head")
    response = client.post(f"/regulations/{rule.id}/review", data={
        "version": rule.version, "note": "继续执行", "next_review_on": (TODAY + timedelta(days=30)).isoformat()})
    assert response.status_code == 409 and "不能复审" in response.text


def test_abolish_with_a_reason_closes_the_entry(world, client, auth):
    rule = issued_rule(world)
    auth.login("head")
    no_reason = client.post(f"/regulations/{rule.id}/abolish", data={"version": rule.version, "reason": ""})
    assert no_reason.status_code == 422
    response = client.post(f"/regulations/{rule.id}/abolish", data={"version": rule.version, "reason": "已被新制度替代"})
    assert response.status_code == 302
    rule = db.session.get(Regulation, rule.id)
    assert rule.status == RuleStatus.ABOLISHED
    assert audit_rows("regulation.abolished")[-1].details_dict["reason"] == "已被新制度替代"
    edit = client.post(f"/regulations/{rule.id}/edit", data={
        "version": rule.version, "title": "改名", "owner_unit_id": rule.owner_unit_id, "action": "new"})
    assert edit.status_code == 409 and "不能修改" in edit.text
    assert "已废止" in client.get("/regulations/?status=abolished").text


def test_edit_records_what_changed(world, client, auth):
    rule = world["rule"]
    auth.login("head")
    form = client.get(f"/regulations/{rule.id}/edit").text
    assert f'name="version" type="hidden" value="{rule.version}"' in form
    response = client.post(f"/regulations/{rule.id}/edit", data={
        "version": rule.version, "title": "值班值守制度（修订）", "document_number": "", "owner_unit_id": world["office"].id,
        "action": "revise", "summary": rule.summary})
    assert response.status_code == 302
    rule = db.session.get(Regulation, rule.id)
    assert rule.title == "值班值守制度（修订）" and rule.action == "revise"
    assert audit_rows("regulation.edited")[-1].details_dict["fields"] == ["action", "title"]


def test_a_stale_form_is_refused_with_409(world, client, auth):
    """Two people open the rule; one issues it; the other's edit, issue or review is refused."""
    rule = world["rule"]
    seen = rule.version
    services.edit(rule, world["admin"], seen, title="值班值守制度（试行）")
    db.session.commit()
    auth.login("head")
    edit = client.post(f"/regulations/{rule.id}/edit", data={
        "version": seen, "title": "值班值守制度（暂行）", "owner_unit_id": world["office"].id, "action": "new"})
    assert edit.status_code == 409 and "刚被他人修改过" in edit.text
    issue = client.post(f"/regulations/{rule.id}/issue", data={"version": seen, "issued_on": TODAY.isoformat()})
    assert issue.status_code == 409 and "刚被他人修改过" in issue.text
    rule = db.session.get(Regulation, rule.id)
    assert rule.title == "值班值守制度（试行）" and rule.status == RuleStatus.DRAFTING


def test_filters(world, client, auth):
    issued_rule(world, "财务报销审核规程", unit="other")
    make_rule(world["admin"], world["office"], title="公务用车管理办法（修订）", action="revise")
    db.session.commit()
    auth.login("admin")
    by_unit = client.get(f"/regulations/?unit={world['other'].id}").text
    assert "财务报销审核规程" in by_unit and "值班值守制度" not in by_unit
    revisions = client.get("/regulations/?action=revise").text
    assert "公务用车管理办法（修订）" in revisions and "财务报销审核规程" not in revisions
    drafts = client.get("/regulations/?status=drafting").text
    assert "值班值守制度" in drafts and "财务报销审核规程" not in drafts
    assert "公务用车" in client.get("/regulations/?q=用车").text
    assert client.get("/regulations/?status=nonsense&unit=x").status_code == 200
