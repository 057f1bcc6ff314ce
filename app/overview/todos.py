"""A person's to-dos (待办): what needs doing, with a count and a link, most urgent first."""
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import case, func, select

from app import policy
from app.campaigns.models import current_campaign
from app.extensions import db
from app.ledger.models import Dispatch, DispatchTarget
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
        .where(DispatchTarget.unit_id == unit_id, DispatchTarget.answered_at.is_(None))
    ).one()
    return unanswered, overdue
