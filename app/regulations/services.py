"""Every change to the register of rules: register, edit, 印发, 复审, 废止, the document, the links.

起草中 → 已印发 (印发: the issue date and the first review date) → 已废止; a draft may also be
abandoned (废止) before it is issued. An issued rule is reviewed (复审) at least once a year: the
review moves its next review date on (动态调整). Each function checks the version of the rule the
person saw (carried in the form) and its status, changes it, writes the audit row, and leaves the
commit to the route; the mapper's version counter catches the rest (StaleDataError → 409).
"""
from datetime import date

from sqlalchemy import exists, select

from app import audit
from app.database import utcnow
from app.extensions import db
from app.ledger import evidence
from app.ledger.models import LedgerItem
from app.org.models import Unit
from app.regulations.models import Regulation, RuleAction, RuleStatus, regulation_ledger_item

# The document of a rule: PDF or Word, stored like 佐证材料 in a folder of its own.
DOCUMENT_KINDS = ("pdf", "doc", "docx")
DOCUMENT_LABEL = "PDF、Word（doc/docx）"
DOCUMENT_FOLDER = "rules"


class RegulationError(Exception):
    """A refused change, with the Chinese message to show."""

    status = 422


class Conflict(RegulationError):
    """Someone else changed the rule first, or its status no longer allows this."""

    status = 409


class Invalid(RegulationError):
    status = 422


def a_year_after(day: date) -> date:
    """The default review interval: one year (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _check(regulation: Regulation, version: int | None, allowed: tuple[str, ...], doing: str) -> None:
    if version is None:
        raise Conflict("页面已过期，请刷新后重试。")
    if version != regulation.version:
        raise Conflict(f"该制度刚被他人修改过，当前状态为「{regulation.status_label}」。请查看最新内容后再{doing}。")
    if regulation.status not in allowed:
        raise Conflict(f"该制度当前状态为「{regulation.status_label}」，不能{doing}。")


def _name(regulation: Regulation) -> str:
    return f"《{regulation.title}》"


FIELD_LABELS = {
    "title": "制度名称", "document_number": "文号", "owner_unit_id": "制定单位", "action": "制度类型",
    "summary": "主要内容",
}


def create(actor, *, title: str, document_number: str, owner_unit_id: int, action: str, summary: str) -> Regulation:
    """Register a rule being drafted (起草中)."""
    regulation = Regulation(
        title=title.strip(), document_number=document_number.strip(), owner_unit_id=owner_unit_id,
        action=RuleAction(action), status=RuleStatus.DRAFTING, summary=summary.strip(), created_by_id=actor.id,
    )
    db.session.add(regulation)
    db.session.flush()
    unit = db.session.get(Unit, owner_unit_id)
    audit.record("regulation.created", regulation, f"登记制度{_name(regulation)}（{regulation.action_label}）",
                 owner_unit=unit.name if unit else "", action_type=regulation.action, actor=actor)
    return regulation


def edit(regulation: Regulation, actor, version: int | None, **fields) -> None:
    """Correct the register entry; an abolished rule is closed."""
    _check(regulation, version, (RuleStatus.DRAFTING, RuleStatus.ISSUED), "修改")
    values = {name: (value.strip() if isinstance(value, str) else value)
              for name, value in fields.items() if name in FIELD_LABELS}
    changed = {name: value for name, value in values.items() if getattr(regulation, name) != value}
    if not changed:
        return
    for name, value in changed.items():
        setattr(regulation, name, value)
    audit.record("regulation.edited", regulation, f"修改制度{_name(regulation)}：" + "、".join(
        FIELD_LABELS[name] for name in changed), fields=sorted(changed), actor=actor)


def issue(regulation: Regulation, actor, version: int | None, issued_on: date, next_review_on: date | None,
          document_number: str, today: date) -> None:
    """印发: the rule takes effect. A rule (not a 废止 notice) gets its first review date, by
    default a year after the issue date."""
    _check(regulation, version, (RuleStatus.DRAFTING,), "印发")
    if issued_on > today:
        raise Invalid("印发日期不能晚于今天。请在印发当天或之后登记。")
    if regulation.action == RuleAction.ABOLISH:
        next_review_on = None  # a 废止 notice repeals a rule: nothing is left to review
    else:
        next_review_on = next_review_on or a_year_after(issued_on)
        if next_review_on <= issued_on:
            raise Invalid("下次复审日期须晚于印发日期。")
    regulation.status = RuleStatus.ISSUED
    regulation.issued_on = issued_on
    regulation.next_review_on = next_review_on
    if document_number.strip():
        regulation.document_number = document_number.strip()
    audit.record("regulation.issued", regulation, f"印发制度{_name(regulation)}"
                 + (f"（{regulation.document_number}）" if regulation.document_number else ""),
                 issued_on=issued_on, next_review_on=next_review_on, actor=actor)


def review(regulation: Regulation, actor, version: int | None, note: str, next_review_on: date, today: date) -> None:
    """复审 (动态调整): the rule was checked against current work; the next review date moves on."""
    _check(regulation, version, (RuleStatus.ISSUED,), "复审")
    note = note.strip()
    if not note:
        raise Invalid("请填写复审意见。")
    if next_review_on <= today:
        raise Invalid("下次复审日期须晚于今天。")
    previous = regulation.next_review_on
    regulation.next_review_on = next_review_on
    regulation.updated_at = utcnow()  # a review is a change: bumps the version others must see
    audit.record("regulation.reviewed", regulation,
                 f"复审制度{_name(regulation)}，下次复审 {next_review_on:%Y-%m-%d}：{note}",
                 note=note, previous_review_on=previous, next_review_on=next_review_on, actor=actor)


def abolish(regulation: Regulation, actor, version: int | None, reason: str) -> None:
    """废止: an issued rule repealed, or a draft abandoned; the entry stays in the register."""
    _check(regulation, version, (RuleStatus.DRAFTING, RuleStatus.ISSUED), "废止")
    reason = reason.strip()
    if not reason:
        raise Invalid("请填写废止原因。")
    was = regulation.status_label
    regulation.status = RuleStatus.ABOLISHED
    audit.record("regulation.abolished", regulation, f"废止制度{_name(regulation)}（原状态：{was}）：{reason}",
                 reason=reason, actor=actor)


def attach_document(regulation: Regulation, actor, version: int | None, checked: evidence.CheckedFile) -> str:
    """Store the document (PDF/Word, already checked) and put it on the rule; returns the stored
    name, for the route to remove the file should the transaction roll back. A replaced document
    stays on disk: the audit row names it (stored name and SHA-256)."""
    _check(regulation, version, (RuleStatus.DRAFTING, RuleStatus.ISSUED), "上传制度文件")
    stored_name, sha256 = evidence.save(checked, DOCUMENT_FOLDER)
    replaced = {"name": regulation.file_name, "stored_name": regulation.file_stored_name,
                "sha256": regulation.file_sha256} if regulation.file_stored_name else None
    regulation.file_name = checked.original_name
    regulation.file_stored_name = stored_name
    regulation.file_content_type = checked.content_type
    regulation.file_size = len(checked.data)
    regulation.file_sha256 = sha256
    audit.record("regulation.document_uploaded", regulation,
                 f"{'更换' if replaced else '上传'}制度{_name(regulation)}的文件「{checked.original_name}」",
                 name=checked.original_name, sha256=sha256, size=len(checked.data), replaced=replaced, actor=actor)
    return stored_name


def document_path(regulation: Regulation):
    return evidence.stored_path(regulation.file_stored_name, DOCUMENT_FOLDER)


def discard_document(stored_name: str) -> None:
    evidence.remove(stored_name, DOCUMENT_FOLDER)


# -- Links to the ledger items a rule answers -------------------------------------------------------
def is_linked(regulation: Regulation, item: LedgerItem) -> bool:
    return bool(db.session.scalar(select(exists().where(
        regulation_ledger_item.c.regulation_id == regulation.id,
        regulation_ledger_item.c.ledger_item_id == item.id,
    ))))


def link(regulation: Regulation, actor, item: LedgerItem) -> None:
    """The rule answers this ledger item (e.g. the item was closed by making the rule)."""
    if regulation.status == RuleStatus.ABOLISHED:
        raise Conflict("该制度已废止，不能再关联问题。")
    if is_linked(regulation, item):
        raise Invalid(f"问题 {item.code} 已关联本制度。")
    db.session.execute(regulation_ledger_item.insert().values(regulation_id=regulation.id, ledger_item_id=item.id))
    audit.record("regulation.linked", regulation, f"制度{_name(regulation)}关联问题 {item.code}",
                 ledger_item_id=item.id, code=item.code, actor=actor)


def unlink(regulation: Regulation, actor, item: LedgerItem) -> None:
    if not is_linked(regulation, item):
        raise Conflict(f"问题 {item.code} 已不在本制度的关联问题中（可能刚被他人取消）。")
    db.session.execute(regulation_ledger_item.delete().where(
        regulation_ledger_item.c.regulation_id == regulation.id,
        regulation_ledger_item.c.ledger_item_id == item.id,
    ))
    audit.record("regulation.unlinked", regulation, f"制度{_name(regulation)}取消关联问题 {item.code}",
                 ledger_item_id=item.id, code=item.code, actor=actor)


def find_item(code: str, campaign_id: int | None) -> LedgerItem | None:
    """A ledger item by its 序号 as people write it (办公室-007, 办公室-7, 办公室－007), in the given
    campaign first, else the newest campaign that has it."""
    text = code.strip().replace("－", "-").replace("—", "-").replace(" ", "")
    unit_name, _, number = text.rpartition("-")
    if not unit_name or not number.isdigit():
        return None
    candidates = db.session.scalars(
        select(LedgerItem).join(Unit, LedgerItem.unit_id == Unit.id)
        .where(Unit.name == unit_name, LedgerItem.serial == int(number))
        .order_by(LedgerItem.campaign_id.desc())
    ).all()
    for item in candidates:
        if item.campaign_id == campaign_id:
            return item
    return candidates[0] if candidates else None

