"""Every change to a ledger item, under the rules of the closed loop.

发现问题 → 整改落实 → 情况反馈 → 总结评估:
    待整改 → 整改中 → 待初审 → 待销号 → 已销号, and 退回 from either review back to 整改中.

Each function checks the item's current state and the version the person saw (carried in the
form), changes the item, appends a timeline event and an audit row, and leaves the commit to the
route. When two people act at once the version check (and, underneath, the UPDATE ... WHERE
version = n of the mapper's version counter) lets exactly one through; the other gets Conflict.
"""
from datetime import date

from sqlalchemy import insert, select

from app import audit, policy
from app.database import utcnow
from app.extensions import db
from app.ledger.models import (
    OPEN_STATES,
    EventKind,
    ExtensionRequest,
    ExtensionState,
    LedgerCounter,
    LedgerEvent,
    LedgerItem,
    RectifyType,
    State,
)
from app.org.models import Role, Unit, User, portfolio


class LedgerError(Exception):
    """A refused change, with the Chinese message to show."""

    status = 422


class Conflict(LedgerError):
    """Someone else acted first, or the item is no longer in a state that allows this."""

    status = 409


class Invalid(LedgerError):
    status = 422


def _check(item: LedgerItem, version: int | None, allowed: tuple[str, ...], doing: str) -> None:
    if version is None:
        raise Conflict("页面已过期，请刷新后重试。")
    if version != item.version:
        raise Conflict(f"该问题刚被他人处理过，当前状态为「{item.state_label}」。请查看最新情况后再{doing}。")
    if item.state not in allowed:
        raise Conflict(f"该问题当前状态为「{item.state_label}」，不能{doing}。")


def _event(item: LedgerItem, actor, kind: EventKind, note: str = "", from_state=None, to_state=None) -> LedgerEvent:
    event = LedgerEvent(item=item, cycle=item.cycle, kind=kind, actor_id=actor.id, note=note,
                        from_state=from_state, to_state=to_state)
    db.session.add(event)
    return event


def _move(item: LedgerItem, actor, to_state: State, kind: EventKind, note: str = "") -> LedgerEvent:
    from_state = item.state
    item.state = to_state
    # A returned item carries the reason until it moves on (resubmitted, closed): its 责任人 sees it.
    item.return_reason = note if kind == EventKind.RETURNED else ""
    event = _event(item, actor, kind, note, from_state, to_state)
    audit.record(
        f"ledger.{kind}", item, f"{item.code} {EventKind(kind).label}：{State(from_state).label} → {to_state.label}",
        note=note, cycle=item.cycle, actor=actor)
    return event


def next_serial(campaign_id: int, unit_id: int, count: int = 1) -> int:
    """The unit's next 序号 in this campaign (the first of `count` in a row, for an import); the
    counter row's lock keeps two creators apart."""
    counter = db.session.scalar(
        select(LedgerCounter)
        .where(LedgerCounter.campaign_id == campaign_id, LedgerCounter.unit_id == unit_id)
        .with_for_update()
    )
    if counter is None:
        counter = LedgerCounter(campaign_id=campaign_id, unit_id=unit_id, last_serial=0)
        db.session.add(counter)
    counter.last_serial += count
    return counter.last_serial - count + 1


def create_item(actor, campaign, **fields) -> LedgerItem:
    """File a new item (发现问题). `fields` are LedgerItem columns; the unit's next 序号 is given."""
    item = LedgerItem(campaign_id=campaign.id, created_by_id=actor.id, state=State.PENDING, **fields)
    item.serial = next_serial(campaign.id, item.unit_id)
    db.session.add(item)
    db.session.flush()
    _event(item, actor, EventKind.CREATED, item.description[:200], None, State.PENDING)
    audit.record("ledger.created", item, f"登记问题 {item.code}", source=item.source, unit_id=item.unit_id,
                 owner_id=item.owner_id, actor=actor)
    return item


def create_items(actor, campaign, unit_id: int, rows: list[dict]) -> list[LedgerItem]:
    """File several items of one unit at once (an import): each as create_item would, with its own
    序号, event and audit row, but written in one flush rather than three per item."""
    first = next_serial(campaign.id, unit_id, len(rows))
    items = [
        LedgerItem(campaign_id=campaign.id, created_by_id=actor.id, state=State.PENDING, unit_id=unit_id,
                   serial=first + offset, **fields)
        for offset, fields in enumerate(rows)
    ]
    db.session.add_all(items)
    db.session.flush()
    now = utcnow()
    db.session.execute(insert(LedgerEvent), [
        {"item_id": item.id, "cycle": item.cycle, "kind": EventKind.CREATED, "actor_id": actor.id, "occurred_at": now,
         "note": item.description[:200], "to_state": State.PENDING}
        for item in items])
    for item in items:
        audit.record("ledger.created", item, f"登记问题 {item.code}", source=item.source, unit_id=item.unit_id,
                     owner_id=item.owner_id, actor=actor)
    return items


EDITABLE = ("source", "category", "description", "rectify_type", "goal", "measures", "leader_id", "owner_id",
            "due_on", "remarks")


def edit_item(item: LedgerItem, actor, version: int, **fields) -> None:
    _check(item, version, (State.PENDING, State.IN_PROGRESS), "修改")
    changed = {name: value for name, value in fields.items() if name in EDITABLE and getattr(item, name) != value}
    if not changed:
        return
    for name, value in changed.items():
        setattr(item, name, value)
    _event(item, actor, EventKind.EDITED, "修改了：" + "、".join(FIELD_LABELS[n] for n in changed))
    audit.record("ledger.edited", item, f"修改问题 {item.code}", fields=sorted(changed), actor=actor)


FIELD_LABELS = {
    "source": "问题来源", "category": "问题类别", "description": "问题描述", "rectify_type": "整改类型",
    "goal": "整改目标", "measures": "整改措施", "leader_id": "责任领导", "owner_id": "责任人",
    "due_on": "整改时限", "remarks": "备注",
}


def report_progress(item: LedgerItem, actor, version: int | None, text: str) -> LedgerEvent:
    """情况反馈: the responsible person reports progress; the first report starts 整改中."""
    _check(item, version, (State.PENDING, State.IN_PROGRESS), "反馈进展")
    text = text.strip()
    if not text:
        raise Invalid("请填写整改进展。")
    item.progress = text
    if item.state == State.PENDING:
        return _move(item, actor, State.IN_PROGRESS, EventKind.PROGRESS, text)
    item.updated_at = utcnow()  # bumps the version: a report is a change others must see
    event = _event(item, actor, EventKind.PROGRESS, text)
    audit.record("ledger.progress", item, f"{item.code} 情况反馈", note=text, actor=actor)
    return event


def submit(item: LedgerItem, actor, version: int | None, completion: str) -> None:
    """Done: to 初审, or straight to 销号 when the responsible person is the unit head."""
    _check(item, version, (State.IN_PROGRESS,), "提交")
    completion = completion.strip()
    if not completion:
        raise Invalid("请填写完成情况。")
    item.completion = completion
    target = State.FIRST_REVIEW if item.needs_first_review else State.SIGN_OFF
    _move(item, actor, target, EventKind.SUBMITTED, completion)


def pass_first_review(item: LedgerItem, actor, version: int | None, note: str = "") -> None:
    _check(item, version, (State.FIRST_REVIEW,), "初审")
    _move(item, actor, State.SIGN_OFF, EventKind.FIRST_REVIEW_PASSED, note.strip())


def sign_off(item: LedgerItem, actor, version: int | None, note: str = "") -> None:
    _check(item, version, (State.SIGN_OFF,), "销号")
    item.closed_at = utcnow()
    item.closed_by_id = actor.id
    _move(item, actor, State.CLOSED, EventKind.SIGNED_OFF, note.strip())


def return_item(item: LedgerItem, actor, version: int | None, reason: str, may_first_review: bool,
                may_sign_off: bool) -> None:
    """退回 from 初审 (unit head) or 销号 (leader) back to 整改中, with a reason."""
    _check(item, version, (State.FIRST_REVIEW, State.SIGN_OFF), "退回")
    if (item.state == State.FIRST_REVIEW and not may_first_review) or (
        item.state == State.SIGN_OFF and not may_sign_off
    ):
        reviewer = "股室负责人" if item.state == State.FIRST_REVIEW else "分管领导"
        raise Conflict(f"该问题当前状态为「{item.state_label}」，应由{reviewer}处理。")
    reason = reason.strip()
    if not reason:
        raise Invalid("退回时请填写退回原因。")
    _move(item, actor, State.IN_PROGRESS, EventKind.RETURNED, reason)


def close_now(item: LedgerItem, actor, version: int | None, note: str) -> None:
    """立行立改: closed in one step, with a note of what was done."""
    if item.rectify_type != RectifyType.IMMEDIATE:
        raise Invalid("只有立行立改的问题可以直接销号。")
    _check(item, version, OPEN_STATES, "直接销号")
    note = note.strip()
    if not note:
        raise Invalid("请填写整改情况说明。")
    item.completion = item.completion or note
    item.closed_at = utcnow()
    item.closed_by_id = actor.id
    _move(item, actor, State.CLOSED, EventKind.CLOSED_IMMEDIATELY, note)


def reopen(item: LedgerItem, actor, version: int | None, reason: str) -> None:
    """A closed item comes back (问题反弹): a new cycle; the old one stays in the timeline."""
    _check(item, version, (State.CLOSED,), "重新打开")
    reason = reason.strip()
    if not reason:
        raise Invalid("重新打开时请填写原因。")
    item.cycle += 1
    item.closed_at = None
    item.closed_by_id = None
    item.completion = ""
    _move(item, actor, State.IN_PROGRESS, EventKind.REOPENED, reason)


def supervise(item: LedgerItem, actor, version: int | None, instruction: str) -> None:
    """督办 with a 批示: the item stands out in every list until closed."""
    _check(item, version, OPEN_STATES, "督办")
    instruction = instruction.strip()
    if not instruction:
        raise Invalid("请填写批示内容。")
    item.supervised = True
    item.instruction = instruction
    _event(item, actor, EventKind.SUPERVISED, instruction)
    audit.record("ledger.supervised", item, f"{item.code} 督办", instruction=instruction, actor=actor)


def request_extension(item: LedgerItem, actor, version: int | None, reason: str, new_due_on: date,
                      today: date) -> ExtensionRequest:
    _check(item, version, (State.PENDING, State.IN_PROGRESS), "申请延期")
    if item.due_on is None:
        raise Invalid("该问题没有整改时限，无需申请延期。")
    if pending_extension(item) is not None:
        raise Conflict("已有一条延期申请正在等待审批。")
    if new_due_on <= item.due_on or new_due_on < today:
        raise Invalid("新的整改时限应晚于原时限和今天。")
    reason = reason.strip()
    if not reason:
        raise Invalid("请填写延期理由。")
    request = ExtensionRequest(item=item, requested_by_id=actor.id, reason=reason, old_due_on=item.due_on,
                               new_due_on=new_due_on)
    db.session.add(request)
    item.updated_at = utcnow()
    _event(item, actor, EventKind.EXTENSION_REQUESTED, f"申请延期至 {new_due_on:%Y-%m-%d}：{reason}")
    audit.record("ledger.extension_requested", item, f"{item.code} 申请延期至 {new_due_on:%Y-%m-%d}",
                 reason=reason, actor=actor)
    return request


def pending_extension(item: LedgerItem) -> ExtensionRequest | None:
    return db.session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.item_id == item.id, ExtensionRequest.state == ExtensionState.PENDING
        )
    )


def decide_extension(request: ExtensionRequest, actor, approve: bool, note: str) -> None:
    if request.state != ExtensionState.PENDING:
        raise Conflict(f"该延期申请已{request.state_label}。")
    if not approve and not note.strip():
        raise Invalid("不同意延期时请填写理由。")
    item = request.item
    request.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_note = note.strip()
    if approve:
        item.due_on = request.new_due_on
    item.updated_at = utcnow()
    kind = EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED
    detail = f"新的整改时限 {request.new_due_on:%Y-%m-%d}" if approve else "维持原整改时限"
    _event(item, actor, kind, f"{detail}。{request.decision_note}".rstrip("。") + "。")
    audit.record(f"ledger.{kind}", item, f"{item.code} {EventKind(kind).label}", request_id=request.id,
                 note=request.decision_note, actor=actor)


def record_handling(item: LedgerItem, actor, version: int | None, handling: str, person: str, note: str) -> None:
    """查处情况 of a discipline case: 通报批评 / 诫勉谈话 / 移交纪检监察 / 其他."""
    if version != item.version:
        raise Conflict("该问题刚被他人处理过，请查看最新情况后再记录。")
    item.is_discipline = True
    item.handling = handling
    item.person_concerned = person.strip()
    _event(item, actor, EventKind.HANDLING_RECORDED, f"{item.handling_label}：{person.strip()} {note.strip()}".strip())
    audit.record("ledger.handling_recorded", item, f"{item.code} 记录查处情况：{item.handling_label}",
                 person=item.person_concerned, note=note.strip(), actor=actor)


def default_leader_id(unit: Unit) -> int:
    """The leader in charge of a unit: the first active leader with it in the portfolio (0: none)."""
    return default_leader_ids([unit.id]).get(unit.id, 0)


def default_leader_ids(unit_ids) -> dict[int, int]:
    """default_leader_id for several units in one query: unit id → leader id (units without one left out)."""
    rows = db.session.execute(
        select(portfolio.c.unit_id, User.id).join(portfolio, portfolio.c.leader_id == User.id)
        .where(portfolio.c.unit_id.in_(list(unit_ids)), User.role == Role.LEADER, User.active.is_(True))
        .order_by(User.id.desc())
    ).all()
    return dict(rows)  # the lowest id last, so it wins


def available_actions(user, item: LedgerItem) -> set[str]:
    """The buttons to show `user` on `item` now: who may (the policy) and what the state allows."""
    def can(action):
        return policy.can(user, action, item)

    actions = set()
    if item.state in (State.PENDING, State.IN_PROGRESS) and can("ledger.report"):
        actions.add("report")
        if item.due_on is not None:
            actions.add("extension")
    if item.state == State.IN_PROGRESS and can("ledger.submit"):
        actions.add("submit")
    if item.state == State.FIRST_REVIEW and can("ledger.first_review"):
        actions.update({"first_review", "return"})
    if item.state == State.SIGN_OFF and can("ledger.sign_off"):
        actions.update({"sign_off", "return"})
    if item.is_open and item.rectify_type == RectifyType.IMMEDIATE and can("ledger.close_now"):
        actions.add("close_now")
    if item.state == State.CLOSED and can("ledger.reopen"):
        actions.add("reopen")
    if item.is_open and can("ledger.supervise"):
        actions.add("supervise")
    if item.state in (State.PENDING, State.IN_PROGRESS) and can("ledger.edit"):
        actions.add("edit")
    if can("ledger.decide_extension"):
        actions.add("decide_extension")
    if can("ledger.record_handling"):
        actions.add("handling")
    return actions
