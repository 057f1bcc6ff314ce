"""情况报告: the ledger of a chosen period for reporting upward — three lists and their counts.

For a campaign, a period of days [start, end] (Asia/Shanghai) and the items a person may see
(policy.ledger_scope, within the units the report covers; a discipline case counts as every ledger
figure counts it, app.ledger.figures):

- 新增问题: items registered (登记) in the period;
- 推进落实: items still open at the end of the period — registered by then and not signed off by
  then (or reopened) — with the state they were in and their latest 情况反馈 up to the end;
- 已办结销号: items signed off (销号, or 立行立改销号) in the period and still closed at its end.

An item registered and signed off in the same period is in 新增问题 and in 已办结销号. 逾期 means
past the 整改时限: signed off after it, or still open at the end with it before the end day.
累计 counts every item registered up to the end; 销号率 = 已销号 ÷ 累计, in whole percent rounded
down. States, 销号 dates, 情况反馈 and 完成情况 are read from each item's timeline (LedgerEvent) as
it stood at the end of the period, so a past month's report reads the same whenever it is made;
问题来源, 问题类别 and 整改时限 are the item's current ones.

Beside the ledger, a report gives the other work's progress (承诺书, 自查表, 学习, 书录, 心得) from
app.overview.figures for the same units, as at today: those records are not dated by period. The
ledger's figures there are left out — the report's own, as at the end of the period, stand instead.

One query reads the items with what each list shows, and every count is a sum over those rows; the
progress figures take seven more, whatever the number of units. The page, the print view, the Excel
workbook and the Word report are all drawn from one Report, so they cannot disagree.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy
from app.database import utcnow
from app.extensions import db
from app.ledger import figures as ledger_figures
from app.ledger.excel import UNSAFE_IN_FILENAME
from app.ledger.models import CATEGORIES, EventKind, LedgerEvent, LedgerItem, Source, State
from app.org.models import Unit, UnitKind
from app.overview.figures import METRICS, Rate, dashboard
from app.templating import local_zone, today

NEW, ONGOING, CLOSED = "new", "ongoing", "closed"
PRESETS = (("week", "本周"), ("month", "本月"), ("last_month", "上月"), ("all", "全部"))


# -- The period ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """The period in UTC: from the first moment of `start` to the first moment after `end`."""
        zone = local_zone()
        return (datetime.combine(self.start, time.min, zone),
                datetime.combine(self.end + timedelta(days=1), time.min, zone))

    @property
    def text(self) -> str:
        """As official documents write it: 2026年11月1日至11月26日."""
        end = f"{self.end.month}月{self.end.day}日"
        if self.end.year != self.start.year:
            end = f"{self.end.year}年{end}"
        return f"{chinese_date(self.start)}至{end}"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def preset_period(key: str, campaign, today: date) -> Period:
    """本周 (from Monday), 本月, 上月 (the whole month), 全部 (from the campaign's start) — up to today."""
    if key == "week":
        return Period(today - timedelta(days=today.weekday()), today)
    if key == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if key == "all":
        start = campaign.starts_on or campaign.created_at.astimezone(local_zone()).date()
        return Period(min(start, today), today)
    return Period(today.replace(day=1), today)


# -- What the lists show ---------------------------------------------------------------------------
@dataclass
class Entry:
    """One item as it stood at the end of the period."""

    item: LedgerItem
    state: State
    registered_on: date
    closed_on: date | None  # the last 销号, when the item was closed at the end
    feedback: str  # the latest 情况反馈 up to the end
    feedback_on: date | None
    completion: str  # the latest 完成情况 (submitted, or noted when closed at once) up to the end
    overdue: bool


@dataclass(frozen=True)
class Column:
    """A column of a list, shared by the page, the Excel sheet and the Word table."""

    header: str
    value: Callable[[Entry], object]
    kind: str = "text"  # text, long (wrapped), date, code (links to the item on the page), flag (逾期)
    width: int = 12
    in_document: bool = True  # shown in the Word report's table (which leaves out the least needed)


def _due(entry: Entry):
    return entry.item.due_on or "长期"


COMMON = (
    Column("序号", lambda e: e.item.code, "code", 14),
    Column("问题来源", lambda e: e.item.source_label, width=10),
    Column("问题类别", lambda e: e.item.category, width=10),
    Column("问题描述", lambda e: e.item.description, "long", 40),
    Column("整改类型", lambda e: e.item.rectify_type_label, width=10, in_document=False),
    Column("责任人", lambda e: e.item.owner.full_name, width=10, in_document=False),
    Column("整改时限", _due, "date", 12),
)
OVERDUE = Column("逾期", lambda e: "逾期" if e.overdue else "", "flag", 6)
LIST_COLUMNS = {
    NEW: COMMON + (
        Column("登记日期", lambda e: e.registered_on, "date", 12),
        Column("期末状态", lambda e: e.state.label, width=10),
        OVERDUE,
    ),
    ONGOING: COMMON + (
        Column("期末状态", lambda e: e.state.label, width=10),
        Column("最近情况反馈", lambda e: e.feedback, "long", 36),
        Column("反馈日期", lambda e: e.feedback_on, "date", 12),
        OVERDUE,
    ),
    CLOSED: COMMON + (
        Column("销号日期", lambda e: e.closed_on, "date", 12),
        Column("完成情况", lambda e: e.completion, "long", 36),
        OVERDUE,
    ),
}
TITLES = {NEW: "新增问题", ONGOING: "推进落实", CLOSED: "已办结销号"}
DEFINITIONS = {
    NEW: "统计期间内登记的问题。",
    ONGOING: "截至统计期末尚未销号的问题（含重新打开的），显示期末状态和截至期末的最近一次情况反馈。",
    CLOSED: "统计期间内销号（含立行立改销号）且期末仍为已销号的问题。",
}
OVERDUE_DEFINITION = "逾期：超过整改时限——销号晚于整改时限，或截至期末未销号且整改时限早于期末。"
# The report's totals, as app.ledger.figures defines 问题总数 and 销号率 (as at the end of the period).
TOTALS_DEFINITION = (f"各项问题数均{ledger_figures.DISCIPLINE}。累计发现问题：截至期末登记的全部问题；"
                     "累计销号率：累计已销号 ÷ 累计发现问题，整数百分比，向下取整。")


@dataclass
class Tally:
    """How many, how many 逾期, and how many by 问题来源 and 问题类别 (every value, in order)."""

    total: int = 0
    overdue: int = 0
    by_source: dict[str, int] = field(default_factory=lambda: {source.value: 0 for source in Source})
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))

    def count(self, entry: Entry) -> None:
        self.total += 1
        self.overdue += entry.overdue
        self.by_source[entry.item.source] = self.by_source.get(entry.item.source, 0) + 1
        self.by_category[entry.item.category] = self.by_category.get(entry.item.category, 0) + 1


@dataclass
class ReportList:
    key: str
    entries: list[Entry] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def definition(self) -> str:
        return DEFINITIONS[self.key]

    @property
    def columns(self) -> tuple[Column, ...]:
        return LIST_COLUMNS[self.key]

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self.tally.count(entry)


@dataclass
class Report:
    campaign: object
    period: Period
    scope_name: str  # the bureau, a unit, or the units of a portfolio
    lists: dict[str, ReportList]
    progress: list[tuple[str, Rate]]  # 各项工作进展 as at `as_of`: (label, Rate)
    as_of: date
    registered: int = 0  # 累计: every item registered up to the end
    closed: int = 0  # of which closed at the end
    with_feedback: int = 0  # 推进落实 items with a 情况反馈 in the period

    @property
    def new(self) -> ReportList:
        return self.lists[NEW]

    @property
    def ongoing(self) -> ReportList:
        return self.lists[ONGOING]

    @property
    def signed_off(self) -> ReportList:
        return self.lists[CLOSED]

    @property
    def closed_rate(self) -> int | None:
        return ledger_figures.closed_rate(self.closed, self.registered)

    def count_table(self) -> list[tuple[str, list[tuple]]]:
        """The 分类统计 table in groups — 合计, by 来源, by 类别, 逾期 — each row (label, 新增, 推进落实,
        已办结)."""
        tallies = [self.lists[key].tally for key in (NEW, ONGOING, CLOSED)]
        return [
            ("合计", [("问题总数", *(t.total for t in tallies))]),
            ("问题来源", [(source.label, *(t.by_source.get(source.value, 0) for t in tallies)) for source in Source]),
            ("问题类别", [(category, *(t.by_category[category] for t in tallies)) for category in _categories(tallies)]),
            ("其中", [("逾期", *(t.overdue for t in tallies))]),
        ]

    def count_rows(self):
        """The 分类统计 table as flat rows: (group, label, 新增, 推进落实, 已办结)."""
        for group, rows in self.count_table():
            for row in rows:
                yield (group, *row)

    def definitions(self) -> list[tuple[str, str]]:
        """(figure, what it counts) for the report's figures: the page's notes, the print view's
        说明, the Excel 口径说明 sheet and the Word attachments' 说明 read them."""
        return [
            *((self.lists[key].title, DEFINITIONS[key]) for key in (NEW, ONGOING, CLOSED)),
            ("逾期", OVERDUE_DEFINITION.removeprefix("逾期：")),
            ("问题数", TOTALS_DEFINITION),
        ]

    def summary_rows(self):
        """The 总体情况 figures: (label, value); 推进落实 and 累计 as at the end of the period."""
        return [
            ("统计范围", self.scope_name),
            ("统计期间", f"{self.period.start:%Y-%m-%d} 至 {self.period.end:%Y-%m-%d}"),
            ("新增问题", self.new.tally.total),
            ("已办结销号", self.signed_off.tally.total),
            ("推进落实", self.ongoing.tally.total),
            ("其中：逾期", self.ongoing.tally.overdue),
            ("其中：本期有反馈", self.with_feedback),
            ("累计发现问题", self.registered),
            ("累计已销号", self.closed),
            ("累计销号率", "—" if self.closed_rate is None else f"{self.closed_rate}%"),
        ]


def _categories(tallies) -> list[str]:
    """The campaign's categories, then any other a tally met (an item filed before a rename)."""
    extra = sorted({c for t in tallies for c in t.by_category} - set(CATEGORIES))
    for tally in tallies:
        for category in extra:
            tally.by_category.setdefault(category, 0)
    return list(CATEGORIES) + extra


# -- Building a report -----------------------------------------------------------------------------
def scope_name(units: list[Unit] | None) -> str:
    """What the report covers, as its opening sentence names it."""
    if units is None:
        return db.session.scalar(
            select(Unit.name).where(Unit.kind == UnitKind.BUREAU, Unit.parent_id.is_(None)).order_by(Unit.id)
        ) or "本局"
    if len(units) <= 3:
        return "、".join(unit.name for unit in units) or "（无单位）"
    return f"{units[0].name}等{len(units)}个单位"


def filenames(report: Report, extension: str) -> tuple[str, str]:
    """A download's Chinese file name (scope and period) and its ASCII fallback for old browsers."""
    period = f"{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}"
    scope = UNSAFE_IN_FILENAME.sub("", report.scope_name)
    return f"问题整改情况报告-{scope}-{period}.{extension}", f"ledger-report-{period}.{extension}"


def build(user, campaign, period: Period, units: list[Unit] | None) -> Report:
    """The report of `campaign` over `period` for `units` (None: every unit), as `user` may see it."""
    since, until = period.bounds()
    lists = {key: ReportList(key) for key in (NEW, ONGOING, CLOSED)}
    unit_ids = None if units is None else [unit.id for unit in units]
    day = today()
    figures = dashboard(campaign, unit_ids, day, utcnow()).total
    progress = [(label, getattr(figures, metric)) for metric, label in METRICS if metric != "ledger"]
    report = Report(campaign, period, scope_name(units), lists, progress, day)
    zone = local_zone()
    for item, state, closed_at, feedback, feedback_at, completion in db.session.execute(
        _query(user, campaign.id, unit_ids, until)
    ):
        state = State(state or State.PENDING)
        closed_on = closed_at.astimezone(zone).date() if state == State.CLOSED and closed_at else None
        entry = Entry(
            item=item, state=state, registered_on=item.created_at.astimezone(zone).date(), closed_on=closed_on,
            feedback=feedback or "", feedback_on=feedback_at.astimezone(zone).date() if feedback_at else None,
            completion=completion or "",
            overdue=_overdue(item.due_on, closed_on, period.end),
        )
        report.registered += 1
        if item.created_at >= since:
            lists[NEW].add(entry)
        if state == State.CLOSED:
            report.closed += 1
            if closed_at >= since:
                lists[CLOSED].add(entry)
        else:
            lists[ONGOING].add(entry)
            report.with_feedback += bool(feedback_at and feedback_at >= since)
    return report


def _overdue(due: date | None, closed_on: date | None, end: date) -> bool:
    if due is None:  # 长期坚持
        return False
    return closed_on > due if closed_on else due < end


def _query(user, campaign_id: int, unit_ids: list[int] | None, until: datetime):
    """Every item registered before `until` that the report covers, with its timeline read up to
    `until`: (item, state, last 销号 time, latest 情况反馈 and its time, latest 完成情况)."""

    def latest(column, *conditions):
        return (
            select(column)
            .where(LedgerEvent.item_id == LedgerItem.id, LedgerEvent.occurred_at < until, *conditions)
            .order_by(LedgerEvent.occurred_at.desc(), LedgerEvent.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    progress = LedgerEvent.kind == EventKind.PROGRESS
    query = (
        select(
            LedgerItem,
            latest(LedgerEvent.to_state, LedgerEvent.to_state.is_not(None)),
            latest(LedgerEvent.occurred_at, LedgerEvent.to_state == State.CLOSED),
            latest(LedgerEvent.note, progress),
            latest(LedgerEvent.occurred_at, progress),
            latest(LedgerEvent.note, LedgerEvent.kind.in_((EventKind.SUBMITTED, EventKind.CLOSED_IMMEDIATELY))),
        )
        .join(Unit, Unit.id == LedgerItem.unit_id)
        .where(LedgerItem.campaign_id == campaign_id, LedgerItem.created_at < until, policy.ledger_scope(user))
        .options(joinedload(LedgerItem.unit), joinedload(LedgerItem.owner))
        .order_by(Unit.sort_order, LedgerItem.unit_id, LedgerItem.serial)
    )
    if unit_ids is not None:
        query = query.where(LedgerItem.unit_id.in_(unit_ids))
    return query
