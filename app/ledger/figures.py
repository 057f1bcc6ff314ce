"""What each ledger figure counts: one definition, read by every page, print view, Excel sheet and
Word report that shows the figure, and stated beside it (README: 「各项数字的口径」).

A discipline case (违纪案件) is a problem of its unit like any other: it is rectified in the unit's
ledger loop and counted in every figure; only the 查处 record is restricted.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, true

from app.ledger.models import OPEN_STATES, LedgerItem, State


@dataclass(frozen=True)
class Figure:
    label: str
    definition: str
    condition: Callable[[date], object]  # SQL condition on LedgerItem, given the bureau's today

    @property
    def note(self) -> str:
        return f"{self.label}：{self.definition}"


def _state(state: State):
    return lambda _today: LedgerItem.state == state


DISCIPLINE = "含违纪案件所涉问题"  # said wherever problems are counted

FIGURES = {
    "total": Figure("问题总数", f"本次专项行动登记的全部问题，{DISCIPLINE}", lambda _today: true()),
    "pending": Figure("待整改", "已登记、尚未反馈整改进展的问题", _state(State.PENDING)),
    "in_progress": Figure("整改中", "已反馈进展或被退回、尚未提交整改完成的问题", _state(State.IN_PROGRESS)),
    "first_review": Figure("待初审", "已提交整改完成、待股室负责人初审的问题", _state(State.FIRST_REVIEW)),
    "sign_off": Figure("待销号", "已通过初审（责任人为股室负责人的免初审）、待分管领导销号的问题",
                       _state(State.SIGN_OFF)),
    "closed": Figure("已销号", "已销号的问题（含立行立改销号）", _state(State.CLOSED)),
    "overdue": Figure("逾期", "尚未销号、已过整改时限的问题",
                      lambda today: LedgerItem.state.in_(OPEN_STATES) & (LedgerItem.due_on < today)),
    "supervised": Figure("督办", "领导督办、尚未销号的问题",
                         lambda _today: LedgerItem.state.in_(OPEN_STATES) & LedgerItem.supervised.is_(True)),
}
CLOSED_RATE = Figure("销号率", "已销号 ÷ 问题总数，整数百分比，向下取整", lambda _today: true())


def closed_rate(closed: int, total: int) -> int | None:
    """销号率 as CLOSED_RATE defines it; None when there is nothing to close."""
    return closed * 100 // total if total else None


def count(key: str, today: date):
    """The SQL count of FIGURES[key] over the rows of a query."""
    return func.count(case((FIGURES[key].condition(today), 1)))


def note(*keys: str, rate: bool = False) -> str:
    """The definitions of the figures a table shows, for the line beside it."""
    notes = [FIGURES[key].note for key in keys] + ([CLOSED_RATE.note] if rate else [])
    return "；".join(notes) + "。"


def definitions() -> list[tuple[str, str]]:
    """(figure, what it counts) for every ledger figure: the 口径说明 sheet of the Excel exports."""
    return [(figure.label, figure.definition) for figure in (*FIGURES.values(), CLOSED_RATE)]
