"""Every change to a checklist template or a 自查表, under its rules.

Templates (专项办): a draft is edited freely; publishing puts it in use. A template in use is never
changed: 修订 copies it as the next version (a draft); publishing that supersedes the old one.
自查表 already handed in stay on the version they answered. A draft not yet handed in moves to
the new version when its author next opens it (answers carried over item by item, by the
section's title and the item's text), so nobody goes on filling an outdated checklist.

A 自查表: 草稿 (saved any number of times, may be partial) → 已提交 (every item answered; each
是 with 具体表现 and 整改措施) → 已通过, or 已退回 with a reason → edited and handed in again.
A passed 自查表 may be returned too (a problem turns up later). Each 是 of a passed 自查表 becomes
a ledger item (source 自查发现) linked back to its answer; an answer already linked is never
turned into a second item and is no longer edited (it is followed up in the ledger).

Like the ledger: each change checks the state and the version the person saw, writes a history
event and an audit row for submissions and reviews (not for drafts), and leaves the commit to the
route.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select

from app import audit
from app.campaigns.models import Campaign
from app.checklists.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    InspectionEventKind,
    InspectionState,
    SelfInspection,
    SelfInspectionAnswer,
    SelfInspectionEvent,
    TemplateStatus,
)
from app.database import utcnow
from app.extensions import db
from app.ledger.models import CATEGORIES, RectifyType, Source
from app.ledger.services import create_item, default_leader_id
from app.org.models import Rank, Unit

MAX_TEXT = 1000  # 具体表现, 整改措施


class ChecklistError(Exception):
    """A refused change, with the Chinese message to show."""

    status = 422


class Conflict(ChecklistError):
    """Someone else acted first, or the 自查表 is no longer in a state that allows this."""

    status = 409


class Invalid(ChecklistError):
    """Input that cannot be accepted; `errors` maps an item id to its messages."""

    status = 422

    def __init__(self, message: str, errors: dict[int, list[str]] | None = None):
        super().__init__(message)
        self.errors = errors or {}


# -- Templates -------------------------------------------------------------------------------------
@dataclass
class SectionInput:
    title: str
    items: list[str]


def save_template(template: ChecklistTemplate | None, actor, campaign: Campaign, *, title: str, instructions: str,
                  due_on: date | None, ranks: list[str], unit_ids: list[int],
                  sections: list[SectionInput]) -> ChecklistTemplate:
    """Create a draft checklist, or change one that is still a draft."""
    if template is not None and template.status != TemplateStatus.DRAFT:
        raise Conflict("已发布的清单不能直接修改，请“修订为新版本”。")
    title = title.strip()
    if not title:
        raise Invalid("请填写清单名称。")
    sections = [SectionInput(s.title.strip(), [i.strip() for i in s.items if i.strip()]) for s in sections]
    sections = [s for s in sections if s.title or s.items]
    for section in sections:
        if not section.title:
            raise Invalid("每个方面都要填写名称（如“工作效率”）。")
        if not section.items:
            raise Invalid(f"“{section.title}”还没有自查项目，每行填写一项。")
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))).all() if unit_ids else []
    if len(units) != len(set(unit_ids)):
        raise Invalid("所选单位不存在，请刷新后重新选择。")
    created = template is None
    if created:
        template = ChecklistTemplate(campaign_id=campaign.id, version=1, created_by_id=actor.id,
                                     status=TemplateStatus.DRAFT)
        db.session.add(template)
    template.title = title
    template.instructions = instructions.strip()
    template.due_on = due_on
    template.target_ranks = ",".join(rank.value for rank in Rank if rank.value in ranks)
    template.target_units = units
    template.sections = [
        ChecklistSection(title=section.title, sort_order=order,
                         items=[ChecklistItem(text=text, sort_order=n) for n, text in enumerate(section.items)])
        for order, section in enumerate(sections)
    ]
    db.session.flush()
    if created:
        template.family_id = template.id
    audit.record("checklist.template_created" if created else "checklist.template_edited", template,
                 f"{'新建' if created else '修改'}自查清单「{template.label}」（草稿）", actor=actor)
    return template


def publish(template: ChecklistTemplate, actor) -> None:
    """Put a draft in use; the version in use before it (if any) is superseded."""
    if template.status != TemplateStatus.DRAFT:
        raise Conflict(f"该清单当前为「{template.status_label}」，不能发布。")
    if template.item_count == 0:
        raise Invalid("清单还没有自查项目，不能发布。")
    previous = db.session.scalars(
        select(ChecklistTemplate).where(ChecklistTemplate.family_id == template.family_id,
                                        ChecklistTemplate.status == TemplateStatus.PUBLISHED)
    ).all()
    for old in previous:
        old.status = TemplateStatus.SUPERSEDED
    template.status = TemplateStatus.PUBLISHED
    template.published_at = utcnow()
    audit.record("checklist.template_published", template, f"发布自查清单「{template.label}」", actor=actor,
                 superseded=[old.id for old in previous])


def revise(template: ChecklistTemplate, actor) -> ChecklistTemplate:
    """修订: the next version as a draft copy of the one in use (or the family's existing draft)."""
    if template.status == TemplateStatus.DRAFT:
        return template
    family = select(ChecklistTemplate).where(ChecklistTemplate.family_id == template.family_id)
    draft = db.session.scalar(family.where(ChecklistTemplate.status == TemplateStatus.DRAFT))
    if draft is not None:
        return draft
    current = db.session.scalar(family.where(ChecklistTemplate.status == TemplateStatus.PUBLISHED)) or template
    last = db.session.scalar(
        select(func.max(ChecklistTemplate.version)).where(ChecklistTemplate.family_id == template.family_id))
    copy = ChecklistTemplate(
        campaign_id=current.campaign_id, family_id=current.family_id, version=last + 1, title=current.title,
        instructions=current.instructions, status=TemplateStatus.DRAFT, due_on=current.due_on,
        target_ranks=current.target_ranks, created_by_id=actor.id, target_units=list(current.target_units),
        sections=[
            ChecklistSection(title=section.title, sort_order=section.sort_order,
                             items=[ChecklistItem(text=item.text, sort_order=item.sort_order) for item in section.items])
            for section in current.sections
        ],
    )
    db.session.add(copy)
    db.session.flush()
    audit.record("checklist.template_revised", copy, f"修订自查清单「{current.title}」：第{copy.version}版（草稿）",
                 actor=actor, from_template=current.id)
    return copy


def delete_draft(template: ChecklistTemplate, actor) -> None:
    if template.status != TemplateStatus.DRAFT:
        raise Conflict("只能删除草稿。")
    audit.record("checklist.template_deleted", template, f"删除自查清单草稿「{template.label}」", actor=actor)
    db.session.delete(template)


# -- A person's 自查表 -------------------------------------------------------------------------------
@dataclass
class AnswerInput:
    """What the person entered for one item (parsed: see forms.AnswerValues)."""

    item_id: int
    has_problem: bool | None = None
    manifestation: str = ""
    measures: str = ""
    planned_on: date | None = None


EDITABLE = (InspectionState.DRAFT, InspectionState.RETURNED)


def template_items(template: ChecklistTemplate) -> list[ChecklistItem]:
    return [item for section in template.sections for item in section.items]


def start(template: ChecklistTemplate, user) -> SelfInspection:
    """A new, empty 自查表 on the version in use."""
    if template.status != TemplateStatus.PUBLISHED:
        raise Conflict("该清单已不在使用中，请从“自查清单”重新打开。")
    inspection = SelfInspection(template=template, user_id=user.id, unit_id=user.unit_id,
                                state=InspectionState.DRAFT)
    db.session.add(inspection)
    db.session.flush()
    # The blank answers in one statement (the ORM would insert them one by one on SQLite, to read
    # back each id); inspection.answers loads them when first read.
    db.session.execute(insert(SelfInspectionAnswer), [
        {"inspection_id": inspection.id, "item_id": item.id} for item in template_items(template)])
    return inspection


def move_to(inspection: SelfInspection, template: ChecklistTemplate, actor) -> int:
    """Move a draft to the version now in use, carrying answers over to the same items; returns
    how many answers came along."""
    if inspection.state != InspectionState.DRAFT:
        raise Conflict("已提交过的自查表保留在原版本清单上。")
    old = {(a.item.section.title, a.item.text): a for a in inspection.answers}
    old_by_text = {a.item.text: a for a in inspection.answers}
    carried = 0
    answers = []
    for item in template_items(template):
        before = old.get((item.section.title, item.text)) or old_by_text.get(item.text)
        answer = SelfInspectionAnswer(item_id=item.id)
        if before is not None and before.has_problem is not None:
            answer.has_problem, answer.manifestation = before.has_problem, before.manifestation
            answer.measures, answer.planned_on = before.measures, before.planned_on
            carried += 1
        answers.append(answer)
    from_label = inspection.template.label
    inspection.answers = answers
    inspection.template = template
    inspection.updated_at = utcnow()
    _event(inspection, actor, InspectionEventKind.MOVED, f"由{from_label}转到{template.label}")
    audit.record("checklist.moved", inspection, f"{inspection.user.full_name} 的自查表转到{template.label}",
                 actor=actor, carried=carried)
    return carried


def _check(inspection: SelfInspection, version: int | None, allowed, doing: str) -> None:
    if version is None:
        raise Conflict("页面已过期，请刷新后重试。")
    if version != inspection.version:
        raise Conflict(f"该自查表刚在别处保存或处理过，当前状态为「{inspection.state_label}」。请刷新页面后再{doing}。")
    if inspection.state not in allowed:
        raise Conflict(f"该自查表当前状态为「{inspection.state_label}」，不能{doing}。")


def _apply(inspection: SelfInspection, answers: list[AnswerInput]) -> None:
    by_item = {answer.item_id: answer for answer in inspection.answers}
    for given in answers:
        answer = by_item.get(given.item_id)
        if answer is None:
            answer = SelfInspectionAnswer(item_id=given.item_id)
            inspection.answers.append(answer)
        if answer.locked:
            continue
        answer.has_problem = given.has_problem
        answer.manifestation = given.manifestation.strip()
        answer.measures = given.measures.strip()
        answer.planned_on = given.planned_on
    inspection.updated_at = utcnow()  # the row changes, so its version moves on with the answers


def save_draft(inspection: SelfInspection, actor, version: int | None, answers: list[AnswerInput]) -> None:
    """保存草稿: anything typed so far, complete or not. No audit row: a draft is not a record yet."""
    _check(inspection, version, EDITABLE, "保存")
    _apply(inspection, answers)


def problems_in(answers: list[AnswerInput], locked: set[int], items: list[ChecklistItem],
                today: date) -> dict[int, list[str]]:
    """What stops a 自查表 from being handed in, per item (empty: nothing)."""
    given = {answer.item_id: answer for answer in answers}
    errors: dict[int, list[str]] = {}
    for item in items:
        if item.id in locked:
            continue
        answer = given.get(item.id)
        messages = []
        if answer is None or answer.has_problem is None:
            messages.append("请选择是否存在问题。")
        elif answer.has_problem:
            if not answer.manifestation.strip():
                messages.append("选择“是”时，须填写具体表现。")
            if not answer.measures.strip():
                messages.append("选择“是”时，须填写整改措施。")
            if answer.planned_on is not None and answer.planned_on < today:
                messages.append("计划完成日期不能早于今天。")
        if messages:
            errors[item.id] = messages
    return errors


def submit(inspection: SelfInspection, actor, version: int | None, answers: list[AnswerInput], today: date) -> None:
    """提交: every item answered, each 是 with 具体表现 and 整改措施. Handed in once; again only after a 退回."""
    _check(inspection, version, EDITABLE, "提交")
    locked = {answer.item_id for answer in inspection.answers if answer.locked}
    errors = problems_in(answers, locked, template_items(inspection.template), today)
    if errors:
        raise Invalid(f"还有 {len(errors)} 项没有填写完整，请按提示补充后再提交。", errors)
    _apply(inspection, answers)
    for answer in inspection.answers:  # a 否 carries no details
        if answer.has_problem is False:
            answer.manifestation, answer.measures, answer.planned_on = "", "", None
    again = inspection.submitted_at is not None
    inspection.state = InspectionState.SUBMITTED
    inspection.submitted_at = utcnow()
    inspection.return_reason = ""  # the reason stays in the history
    inspection.unit_id = inspection.user.unit_id  # reviewed by the unit the person is in now
    problems = sum(1 for answer in inspection.answers if answer.has_problem)
    note = f"查摆问题 {problems} 个" + ("（退回后重新提交）" if again else "")
    _event(inspection, actor, InspectionEventKind.SUBMITTED, note)
    audit.record("checklist.submitted", inspection,
                 f"{inspection.user.full_name} 提交自查表「{inspection.template.label}」：{note}",
                 actor=actor, problems=problems, again=again)


def pass_(inspection: SelfInspection, actor, version: int | None, note: str = "") -> list:
    """审核通过: each 是 not yet in the ledger becomes a ledger item. Returns the new items."""
    _check(inspection, version, (InspectionState.SUBMITTED,), "审核")
    inspection.state = InspectionState.PASSED
    inspection.reviewed_at = utcnow()
    inspection.reviewed_by_id = actor.id
    items = _to_ledger(inspection, actor)
    note = note.strip()
    _event(inspection, actor, InspectionEventKind.PASSED,
           "；".join(filter(None, [note, f"{len(items)} 个问题登记进入问题台账" if items else ""])))
    audit.record("checklist.passed", inspection, f"{inspection.user.full_name} 的自查表审核通过", actor=actor,
                 note=note, ledger_items=[item.id for item in items])
    return items


def return_(inspection: SelfInspection, actor, version: int | None, reason: str) -> None:
    """退回 with a reason: the author edits it and hands it in again."""
    _check(inspection, version, (InspectionState.SUBMITTED, InspectionState.PASSED), "退回")
    reason = reason.strip()
    if not reason:
        raise Invalid("退回时请填写退回原因。")
    inspection.state = InspectionState.RETURNED
    inspection.return_reason = reason
    inspection.reviewed_at = utcnow()
    inspection.reviewed_by_id = actor.id
    _event(inspection, actor, InspectionEventKind.RETURNED, reason)
    audit.record("checklist.returned", inspection, f"{inspection.user.full_name} 的自查表被退回", actor=actor,
                 reason=reason)


def _event(inspection: SelfInspection, actor, kind: InspectionEventKind, note: str = "") -> None:
    db.session.add(SelfInspectionEvent(inspection=inspection, kind=kind, actor_id=actor.id, note=note))


def _to_ledger(inspection: SelfInspection, actor) -> list:
    """Each 是 answer not yet linked becomes a ledger item of the author's unit, in checklist order.

    责任人 the author, 责任单位 the unit the 自查表 was filed in, 责任领导 the leader in charge of it;
    问题类别 the section when it is one of the ledger's categories (else 其他); 限期整改 by the planned
    date, or 长期坚持 without one.
    """
    template = inspection.template
    campaign = db.session.get(Campaign, template.campaign_id)
    unit = db.session.get(Unit, inspection.unit_id)
    leader_id = default_leader_id(unit) or None
    order = {item.id: n for n, item in enumerate(template_items(template))}
    created = []
    for answer in sorted(inspection.answers, key=lambda a: order.get(a.item_id, len(order))):
        if not answer.has_problem or answer.locked:
            continue
        section = answer.item.section.title
        item = create_item(
            actor, campaign, unit_id=unit.id, owner_id=inspection.user_id, leader_id=leader_id,
            source=Source.SELF_INSPECTION, category=section if section in CATEGORIES else "其他",
            description=f"{answer.manifestation}（自查项目：{answer.item.text}）",
            rectify_type=RectifyType.DEADLINE if answer.planned_on else RectifyType.LONG_TERM,
            measures=answer.measures, due_on=answer.planned_on,
            remarks=f"由自查表转入：{inspection.user.full_name}《{template.label}》{section}",
        )
        answer.ledger_item_id = item.id
        created.append(item)
    return created
