"""上级通报 (dispatches): one finding sent to several units at once, each answering for itself.

An inspector or 专项办 files the finding and picks the units; every unit gets a DispatchTarget.
A unit answers in one of two ways, and its first answer decides which:

- with ledger items: each is an ordinary item of the unit (source 上级通报, linked to the
  dispatch, the unit's next 序号). The first marks the unit answered; the unit may add more
  later, as a finding often turns up in more than one place;
- with a signed 零报告: the unit's head confirms 经自查，本单位无此问题 and says how the unit checked.

A 零报告 after items is refused: the unit has already said it has the problem. Items after a
零报告 are refused too, because the 零报告 is a signed statement that stays on the record; only
someone the policy allows to correct one ("dispatch.correct_zero_report", 专项办) may file an item
against it when the problem turns up later. The 零报告 is then kept beside the item, so the
contradiction stays visible.

The dispatch records where it came from (来文单位, 文号) and may carry the original document
(checked and stored as 制度文件 are, in DOCUMENT_FOLDER). Its sender may correct it (deadline,
text, source, document) or withdraw it with a reason, but only until a unit answers: after that
the units have acted on what it said. Both write an audit row with the old and the new values
(a withdrawal keeps what the dispatch said). A correction or withdrawal updates every target
row, so an answer racing it fails the same version check as two answers racing each other.

Every answer carries the version of the target the person was looking at, and every answer
(the first and each later item) updates the target row, so the mapper's version counter
(UPDATE ... WHERE version = n) lets exactly one of two people answering at once through: the other
gets Conflict from the version check, or StaleDataError at flush when the two raced past it; the
route turns both into 409. Nothing here commits.
"""
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app import audit
from app.campaigns.models import Campaign
from app.database import utcnow
from app.extensions import db
from app.ledger import evidence
from app.ledger.models import CATEGORIES, Dispatch, DispatchTarget, LedgerItem, Source
from app.ledger.services import Conflict, Invalid, create_item
from app.org.models import Unit
from app.templating import format_date, format_datetime

ZERO_REPORT_STATEMENT = "经自查，本单位无此问题"
DOCUMENT_KINDS = ("pdf", "doc", "docx", "jpg", "jpeg", "png")
DOCUMENT_LABEL = "PDF、Word（doc/docx）、JPG、PNG"
DOCUMENT_FOLDER = "dispatches"
MAX_WITHDRAW_REASON = 500


def _attach(dispatch: Dispatch, document: evidence.CheckedFile) -> dict:
    """Store the original document on the dispatch; returns what the audit row names of it."""
    stored_name, sha256 = evidence.save(document, DOCUMENT_FOLDER)
    dispatch.file_name = document.original_name
    dispatch.file_stored_name = stored_name
    dispatch.file_content_type = document.content_type
    dispatch.file_size = len(document.data)
    dispatch.file_sha256 = sha256
    return {"name": document.original_name, "stored_name": stored_name, "sha256": sha256}


def document_path(dispatch: Dispatch):
    return evidence.stored_path(dispatch.file_stored_name, DOCUMENT_FOLDER)


def discard_document(stored_name: str) -> None:
    """Remove a stored original whose record was rolled back."""
    evidence.remove(stored_name, DOCUMENT_FOLDER)


def create_dispatch(actor, campaign: Campaign, title: str, description: str, category: str, due_on,
                    unit_ids, *, source_unit: str = "", document_number: str = "",
                    document: evidence.CheckedFile | None = None) -> Dispatch:
    """File one finding to several units: a DispatchTarget per unit, one audit row for the whole.
    `document` is the original, already checked (evidence.check with DOCUMENT_KINDS)."""
    title, description = (title or "").strip(), (description or "").strip()
    if not title or not description:
        raise Invalid("请填写通报标题和通报的问题。")
    if category not in CATEGORIES:
        raise Invalid("请选择问题类别。")
    wanted = set(unit_ids)
    if not wanted:
        raise Invalid("请选择下发单位。")
    units = db.session.scalars(
        select(Unit).where(Unit.id.in_(wanted), Unit.active.is_(True)).order_by(Unit.sort_order, Unit.id)
    ).all()
    if len(units) != len(wanted):
        raise Invalid("所选单位不存在或已停用，请刷新后重新选择。")
    dispatch = Dispatch(
        campaign_id=campaign.id, title=title, description=description, category=category, due_on=due_on,
        created_by_id=actor.id, targets=[DispatchTarget(unit_id=unit.id) for unit in units],
        source_unit=(source_unit or "").strip(), document_number=(document_number or "").strip(),
    )
    stored = _attach(dispatch, document) if document is not None else None
    db.session.add(dispatch)
    db.session.flush()
    audit.record(
        "dispatch.created", dispatch, f"下发上级通报「{title}」至 {len(units)} 个单位",
        units=[unit.name for unit in units], unit_ids=[unit.id for unit in units], category=category,
        due_on=due_on.isoformat() if due_on else None, source_unit=dispatch.source_unit,
        document_number=dispatch.document_number, document=stored, actor=actor,
    )
    return dispatch


def check_changeable(dispatch: Dispatch, doing: str) -> None:
    """Only until a unit answers, and not once withdrawn (Conflict: the page is out of date)."""
    if dispatch.withdrawn_at is not None:
        raise Conflict(f"该通报已于 {format_datetime(dispatch.withdrawn_at)} 撤回，不能再{doing}。")
    answered = [target.unit.name for target in dispatch.targets if target.answered_at is not None]
    if answered:
        raise Conflict(f"已有 {len(answered)} 个单位答复（{'、'.join(answered)}），不能再{doing}。"
                       "如通报内容有误，请另行下发更正通报。")


def _touch_targets(dispatch: Dispatch) -> None:
    """An UPDATE of every target (bumping its version): an answer racing this change loses."""
    for target in dispatch.targets:
        flag_modified(target, "answered_at")


CORRECTABLE = {"title": "通报标题", "description": "通报的问题", "due_on": "答复时限", "source_unit": "来文单位",
               "document_number": "文号"}


def _shown(value) -> str:
    return format_date(value) if hasattr(value, "isoformat") else (value or "")


def correct_dispatch(dispatch: Dispatch, actor, *, title: str, description: str, due_on, source_unit: str = "",
                     document_number: str = "", document: evidence.CheckedFile | None = None) -> dict:
    """更正: the sender corrects the deadline, text, source or original before any unit answers.
    The audit row keeps each changed field's old and new value. Returns those changes."""
    check_changeable(dispatch, "更正")
    wanted = {"title": (title or "").strip(), "description": (description or "").strip(), "due_on": due_on,
              "source_unit": (source_unit or "").strip(), "document_number": (document_number or "").strip()}
    if not wanted["title"] or not wanted["description"]:
        raise Invalid("请填写通报标题和通报的问题。")
    if due_on is None:
        raise Invalid("请填写答复时限。")
    changes = {}
    for name, value in wanted.items():
        if getattr(dispatch, name) != value:
            changes[CORRECTABLE[name]] = [_shown(getattr(dispatch, name)), _shown(value)]
            setattr(dispatch, name, value)
    if document is not None:
        old = dispatch.file_name
        stored = _attach(dispatch, document)
        changes["原件"] = [old, stored["name"]]
    if not changes:
        raise Invalid("内容与原通报相同，未作更正。")
    _touch_targets(dispatch)
    db.session.flush()
    audit.record("dispatch.corrected", dispatch, f"更正上级通报「{dispatch.title}」：{'、'.join(changes)}",
                 changes=changes, stored_name=dispatch.file_stored_name if document is not None else None,
                 actor=actor)
    return changes


def withdraw_dispatch(dispatch: Dispatch, actor, reason: str) -> None:
    """撤回: the sender takes the dispatch back before any unit answers; it stays, marked 已撤回,
    and asks nobody anything. The audit row keeps what it said."""
    check_changeable(dispatch, "撤回")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("请填写撤回原因。")
    if len(reason) > MAX_WITHDRAW_REASON:
        raise Invalid(f"撤回原因不超过 {MAX_WITHDRAW_REASON} 字（现有 {len(reason)} 字），请精简后再提交。")
    dispatch.withdrawn_at = utcnow()
    dispatch.withdrawn_by_id = actor.id
    dispatch.withdraw_reason = reason
    _touch_targets(dispatch)
    db.session.flush()
    audit.record("dispatch.withdrawn", dispatch, f"撤回上级通报「{dispatch.title}」：{reason}", reason=reason,
                 title=dispatch.title, description=dispatch.description, due_on=_shown(dispatch.due_on),
                 units=[target.unit.name for target in dispatch.targets], actor=actor)


def describe_answer(target: DispatchTarget) -> str:
    """How the unit has answered so far, in a sentence for messages."""
    if target.answered_at is None:
        return "尚未答复"
    who = target.answered_by.full_name if target.answered_by else ""
    when = format_datetime(target.answered_at)
    if target.zero_report:
        return f"{who} 已于 {when} 作零报告（{ZERO_REPORT_STATEMENT}）"
    return f"{who} 已于 {when} 以登记问题答复"


def _check_version(target: DispatchTarget, version: int | None) -> None:
    if target.dispatch.withdrawn_at is not None:
        raise Conflict(f"该通报已于 {format_datetime(target.dispatch.withdrawn_at)} 由下发人撤回，无需答复。")
    if version is None:
        raise Conflict("页面已过期，请刷新后重试。")
    if version != target.version and target.answered_at is None:
        raise Conflict("该通报刚被下发人更正，请查看更正后的内容再答复。")
    if version != target.version:
        raise Conflict(f"本单位对该通报的答复刚被他人更新：{describe_answer(target)}。请查看最新情况后再操作。")


def answer_with_item(target: DispatchTarget, actor, version: int | None, *, may_correct_zero_report: bool = False,
                     **fields) -> LedgerItem:
    """Answer with a ledger item of the target's unit (source 上级通报, linked to the dispatch).

    `fields` are LedgerItem columns as for services.create_item; the unit, source and dispatch
    come from the target and cannot be chosen. The first item marks the unit answered; later
    items are further answers (the version check still applies, so nobody adds one unaware of
    another's). After a 零报告 only someone with may_correct_zero_report may file one; the
    零报告 stays on the target.
    """
    _check_version(target, version)
    if target.zero_report and not may_correct_zero_report:
        raise Conflict(f"{describe_answer(target)}，不能再以登记问题答复。如经核实确有此问题，请联系专项办。")
    first = target.answered_at is None
    if first:
        target.answered_at = utcnow()
        target.answered_by_id = actor.id
    else:
        flag_modified(target, "answered_at")  # an UPDATE all the same: bumps the version
    # The target's UPDATE ... WHERE version = n first: the loser of a race stops here, before
    # taking a 序号 or the audit chain's lock.
    db.session.flush()
    fields.update(unit_id=target.unit_id, source=Source.SUPERIOR, dispatch_id=target.dispatch_id)
    campaign = db.session.get(Campaign, target.dispatch.campaign_id)
    item = create_item(actor, campaign, **fields)
    how = "答复" if first else ("零报告后补登问题" if target.zero_report else "补充答复")
    audit.record(
        "dispatch.answered", target, f"{target.unit.name} 以登记问题 {item.code} {how}上级通报「{target.dispatch.title}」",
        dispatch_id=target.dispatch_id, unit_id=target.unit_id, item_id=item.id, how="item", first=first,
        after_zero_report=target.zero_report, actor=actor,
    )
    return item


def zero_report(target: DispatchTarget, actor, version: int | None, confirmed: bool, note: str) -> None:
    """零报告: the unit's head signs that, having checked, the unit does not have this problem.

    Only as the unit's first and only answer: refused (Conflict) once the unit has answered in
    either way. `confirmed` is the ticked 经自查，本单位无此问题; `note` says how the unit checked.
    The signature is the person, the time and the audit row.
    """
    _check_version(target, version)
    if target.answered_at is not None:
        if target.zero_report:
            raise Conflict(f"{describe_answer(target)}，无需重复提交。")
        raise Conflict(f"{describe_answer(target)}，不能再作零报告。")
    if not confirmed:
        raise Invalid(f"请勾选“{ZERO_REPORT_STATEMENT}”以确认零报告。")
    note = (note or "").strip()
    if not note:
        raise Invalid("请简要说明自查情况。")
    target.answered_at = utcnow()
    target.answered_by_id = actor.id
    target.zero_report = True
    target.zero_report_note = note
    db.session.flush()
    audit.record(
        "dispatch.zero_report", target,
        f"{target.unit.name} 对上级通报「{target.dispatch.title}」作零报告：{ZERO_REPORT_STATEMENT}",
        dispatch_id=target.dispatch_id, unit_id=target.unit_id, statement=ZERO_REPORT_STATEMENT, note=note,
        actor=actor,
    )
