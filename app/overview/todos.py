"""A person's to-dos (待办): what needs doing, with a count and a link, most urgent first."""
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import and_, case, func, or_, select

from app import policy
from app.campaigns.models import current_campaign
from app.commitments.queries import letter_todos
from app.extensions import db
from app.ledger.models import Dispatch, DispatchTarget, LedgerItem, State
from app.org.models import Role, Unit, User
from app.templating import today


@dataclass
class Todo:
    title: str
    url: str
    count: int = 1
    urgent: bool = False


def todos_for(user) -> list[Todo]:
    todos: list[Todo] = []
    if user.must_change_password:
        todos.append(Todo("修改初始密码", url_for("auth.change_password"), urgent=True))
    if policy.can(user, "campaign.manage") and current_campaign() is None:
        todos.append(Todo("设置当前专项行动及各阶段时间节点", url_for("campaigns.index"), urgent=True))
    if policy.can(user, "org.manage"):
        headless = _units_without_head()
        if headless:
            todos.append(Todo("为以下单位指定股室负责人：" + "、".join(headless), url_for("admin.units"),
                              count=len(headless)))
    todos.extend(_study_todos(user))
    todos.extend(_ledger_todos(user))
    todos.extend(_checklist_todos(user))
    todos.extend(_letter_todos(user))
    todos.extend(_regulation_todos(user))
    if policy.can(user, "dispatch.zero_report"):  # the unit head answers dispatches for the unit
        unanswered, overdue = _unanswered_dispatches(user.unit_id)
        if unanswered:
            todos.append(Todo("上级通报未答复", url_for("ledger.dispatches", pending=1), count=unanswered,
                              urgent=overdue > 0))
    todos.sort(key=lambda todo: not todo.urgent)
    return todos


def _units_without_head() -> list[str]:
    """Active units (other than the bureau itself) with no active unit head."""
    has_head = (
        select(User.unit_id)
        .where(User.role == Role.UNIT_HEAD, User.active.is_(True))
        .group_by(User.unit_id)
    )
    names = db.session.scalars(
        select(Unit.name)
        .where(Unit.active.is_(True), Unit.parent_id.is_not(None), Unit.id.not_in(has_head))
        .order_by(Unit.sort_order, Unit.id)
    ).all()
    return list(names)


def _unanswered_dispatches(unit_id: int) -> tuple[int, int]:
    """How many dispatches the unit has not answered, and how many of those are past their date."""
    unanswered, overdue = db.session.execute(
        select(func.count(DispatchTarget.id), func.count(case((Dispatch.due_on < today(), 1))))
        .join(Dispatch, Dispatch.id == DispatchTarget.dispatch_id)
        .where(DispatchTarget.unit_id == unit_id, DispatchTarget.answered_at.is_(None), Dispatch.withdrawn_at.is_(None))
    ).one()
    return unanswered, overdue


def _ledger_todos(user) -> list[Todo]:
    """My ledger work in one query: items to rectify (overdue first), to review, to sign off.

    Each figure counts with the conditions of the list its link opens (app/ledger/queries.py), so
    the count and the list cannot drift apart."""
    from app.ledger.queries import RECTIFYING, LedgerFilters, filter_conditions, visible_conditions

    campaign = current_campaign()
    if campaign is None:
        return []
    wanted = [
        # As a returned 自查表 or 心得: the reason is on the list and the item's page.
        ("我负责的问题被退回，请整改后重新提交", LedgerFilters(mine=True, state=RECTIFYING, returned=True), True),
        ("我负责的问题已逾期，请尽快整改反馈", LedgerFilters(mine=True, state=RECTIFYING, overdue=True), True),
        ("我负责整改的问题：反馈进展、整改完成后提交", LedgerFilters(mine=True, state=RECTIFYING), False),
    ]
    if user.role == Role.UNIT_HEAD:  # 初审 falls to the unit's head
        wanted.append(("待我初审的问题", LedgerFilters(state=State.FIRST_REVIEW), False))
    if user.role == Role.LEADER:  # 销号 and 延期 fall to the leaders
        wanted += [("待我销号的问题", LedgerFilters(state=State.SIGN_OFF), False),
                   ("待我审批的延期申请", LedgerFilters(extension=True), False)]
    conditions = [and_(*filter_conditions(user, filters, today())) for _title, filters, _urgent in wanted]
    # Only the rows some count wants: each condition has its index, so the campaign's whole ledger
    # is never read (a province has half a million items).
    counts = db.session.execute(
        select(*(func.count(case((condition, 1))) for condition in conditions))
        .select_from(LedgerItem)
        .where(LedgerItem.campaign_id == campaign.id, *visible_conditions(user), or_(*conditions))
    ).one()
    return [Todo(title, url_for("ledger.index", **filters.as_args()), count=count, urgent=urgent)
            for (title, filters, urgent), count in zip(wanted, counts, strict=True) if count]


def _letter_todos(user) -> list[Todo]:
    """承诺书 to sign; for a unit head, how many of the unit have not signed yet (one query)."""
    campaign = current_campaign()
    heads_unit = user.role == Role.UNIT_HEAD
    todos = []
    for letter in letter_todos(user, campaign.id if campaign else None, count_unit=heads_unit):
        overdue = letter.due_on is not None and letter.due_on < today()
        if letter.must_sign:
            due = f"（截止 {letter.due_on:%Y-%m-%d}）" if letter.due_on else ""
            todos.append(Todo(f"阅读并签署《{letter.title}》{due}", url_for("commitments.index"), urgent=overdue))
        if letter.unit_unsigned:
            todos.append(Todo(f"本单位尚未签署《{letter.title}》的人员", url_for(
                "commitments.progress", letter=letter.template_id, unit=user.unit_id, status="unsigned",
                _anchor="names"), count=letter.unit_unsigned, urgent=overdue))
    return todos


def _study_todos(user) -> list[Todo]:
    """学习教育: sessions to sign in to (open now) or coming, readings to read, reflections to
    write, finish or fix; for reviewers, those waiting (three queries)."""
    from datetime import timedelta

    from app.database import utcnow
    from app.study.models import ReflectionState
    from app.study.queries import SOON_DAYS, todo_counts

    campaign = current_campaign()
    if campaign is None:
        return []
    now = utcnow()
    counts = todo_counts(user, campaign.id, now, now + timedelta(days=SOON_DAYS))
    todos = []
    if counts.signin_open:
        todos.append(Todo("学习活动正在签到，请及时签到", url_for("study.index", mine=1, show="signin"), count=counts.signin_open,
                          urgent=True))
    if counts.upcoming:
        todos.append(Todo("7日内需参加的学习活动", url_for("study.index", mine=1, show="soon"), count=counts.upcoming))
    if counts.unread:
        todos.append(Todo("学习资料和警示教育书录未阅", url_for("study.readings", unread=1), count=counts.unread))
    if counts.returned:
        todos.append(Todo("学习心得被退回，请修改后重新提交", url_for("study.reflections"), count=counts.returned,
                          urgent=True))
    if counts.drafts:
        todos.append(Todo("学习心得草稿尚未提交", url_for("study.reflections"), count=counts.drafts))
    if counts.attended and not counts.reflections:
        todos.append(Todo("撰写学习心得", url_for("study.write_reflection")))
    if counts.to_review:
        todos.append(Todo("待我审阅的学习心得", url_for("study.review_list", state=ReflectionState.SUBMITTED), count=counts.to_review))
    return todos


def _checklist_todos(user) -> list[Todo]:
    """自查表 to fill, or to fix after a 退回; for reviewers, those waiting for them (two queries)."""
    from app.checklists import queries
    from app.checklists.models import InspectionState

    campaign = current_campaign()
    if campaign is None:
        return []
    todos = []
    for title, template_id, state, due_on in queries.todo_states(user, campaign.id):
        late = due_on is not None and due_on < today()
        url = url_for("checklists.fill", template_id=template_id)
        if state is None or state == InspectionState.DRAFT:
            due = f"（截止 {due_on:%Y-%m-%d}）" if due_on else ""
            todos.append(Todo(f"{'继续' if state else ''}填写自查表《{title}》{due}", url, urgent=late))
        elif state == InspectionState.RETURNED:
            todos.append(Todo(f"自查表《{title}》被退回，请修改后重新提交", url, urgent=True))
    if policy.can(user, "checklist.review"):
        waiting = queries.waiting_count(user, campaign.id)
        if waiting:
            todos.append(Todo("待我审核的自查表", url_for("checklists.review", state="mine"),
                              count=waiting))
    return todos


def _regulation_todos(user) -> list[Todo]:
    """制度 past their review date (动态调整), for those who review them: one query."""
    from app.regulations.models import Regulation
    from app.regulations.queries import due_condition

    if not policy.can(user, "regulation.create"):
        return []
    due = db.session.scalar(
        select(func.count(Regulation.id)).where(policy.regulation_manage_scope(user), due_condition(today()))
    )
    if not due:
        return []
    unit = None if policy.sees_all_units(user) else user.unit_id
    return [Todo("制度已到复审日期，请复审（修订、继续有效或废止）", url_for("regulations.index", due=1, unit=unit),
                 count=due, urgent=True)]
