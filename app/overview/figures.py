"""Every figure of 工作概况, computed once for the pages and the exports alike.

`dashboard(campaign, unit_ids, today, now)` counts, for the campaign and the units one may see, per
unit and rank level (班子成员 / 中层干部 / 一般干部):

- 承诺书签署率: person-letters signed ÷ person-letters to sign, over the published letters (a person
  asked to sign two letters counts twice; a new version must be signed again, as on the letters page);
- 自查表提交率 / 通过率: people who handed in (待审核, 已退回 or 通过) / whose 自查表 passed ÷ people who
  must fill, over the published checklists (a 自查表 on an older version of a checklist counts);
- 问题台账: items, closed (已销号), overdue (open past 整改时限), 督办, as app.ledger.figures defines
  them (discipline cases included: their problem is the unit's to rectify) — by the responsible unit
  and the rank level of the responsible person; 销号率 = closed ÷ items;
- 学习出勤率 and 阅读率: as app.study.queries defines them (sessions whose sign-in has closed, not
  cancelled ones);
- 心得合格率: people with at least one 合格 学习心得 in the campaign ÷ everyone asked to study (every
  active person).

People: active people of active units, as they are today (someone who left no longer counts; their
records stay). Rates are whole percentages rounded down (99.6% never reads 100%), None when nobody was
asked. The rank levels and unit kinds are sums of the unit rows, so every view adds up. Seven queries,
whatever the number of units, people or records.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from app.checklists.models import (
    ChecklistTemplate,
    ChecklistTemplateUnit,
    InspectionState,
    SelfInspection,
    TemplateStatus,
)
from app.commitments.models import LetterTemplate, Signature
from app.extensions import db
from app.ledger import figures as ledger_figures
from app.ledger.models import LedgerItem
from app.org.models import Rank, Unit, UnitKind, User
from app.study.models import Reflection, ReflectionState
from app.study.queries import attendance_rows, rank_matches, reading_rows

# The ledger figures every 工作概况 table shows, and the line that defines them beside the table.
LEDGER_KEYS = ("total", "closed", "overdue", "supervised")
LEDGER_NOTE = ledger_figures.note(*LEDGER_KEYS, rate=True)
RANKS = list(Rank)  # from the top level down: the order of the 上热中温下冷 view
KINDS = [UnitKind.OFFICE, UnitKind.SERVICE_CENTER, UnitKind.SUBORDINATE]  # 机关股室 → 政务服务中心 → 二级单位


@dataclass
class Rate:
    """`done` out of `required`."""

    done: int = 0
    required: int = 0

    @property
    def rate(self) -> int | None:
        return self.done * 100 // self.required if self.required else None

    def add(self, other: "Rate") -> None:
        self.done += other.done
        self.required += other.required


@dataclass
class LedgerTally:
    total: int = 0
    closed: int = 0
    overdue: int = 0
    supervised: int = 0

    @property
    def closed_rate(self) -> int | None:
        return ledger_figures.closed_rate(self.closed, self.total)

    @property
    def closure(self) -> Rate:
        return Rate(self.closed, self.total)

    def add(self, other: "LedgerTally") -> None:
        self.total += other.total
        self.closed += other.closed
        self.overdue += other.overdue
        self.supervised += other.supervised


@dataclass
class Row:
    """The figures of one group of people: a unit, a rank level, a kind of unit, everyone."""

    letters: Rate = field(default_factory=Rate)
    checklists_submitted: Rate = field(default_factory=Rate)
    checklists_passed: Rate = field(default_factory=Rate)
    ledger: LedgerTally = field(default_factory=LedgerTally)
    attendance: Rate = field(default_factory=Rate)
    readings: Rate = field(default_factory=Rate)
    reflections: Rate = field(default_factory=Rate)

    def add(self, other: "Row") -> None:
        for name in ("letters", "checklists_submitted", "checklists_passed", "ledger", "attendance", "readings",
                     "reflections"):
            getattr(self, name).add(getattr(other, name))

    def rate_of(self, metric: str) -> int | None:
        return self.ledger.closed_rate if metric == "ledger" else getattr(self, metric).rate


# The rates compared level by level, in the order every table shows them.
METRICS = [
    ("letters", "承诺书签署率"),
    ("checklists_submitted", "自查表提交率"),
    ("checklists_passed", "自查表通过率"),
    ("ledger", "问题销号率"),
    ("attendance", "学习出勤率"),
    ("readings", "书录阅读率"),
    ("reflections", "心得合格率"),
]
METRIC_LABELS = dict(METRICS)


@dataclass
class UnitRow:
    unit: Unit
    total: Row = field(default_factory=Row)
    by_rank: dict[str, Row] = field(default_factory=lambda: {rank: Row() for rank in RANKS})


@dataclass
class Dashboard:
    units: list[UnitRow]
    by_rank: dict[str, Row]
    by_kind: dict[str, Row]
    total: Row

    def unit_row(self, unit_id: int) -> UnitRow | None:
        return next((row for row in self.units if row.unit.id == unit_id), None)


def dashboard(campaign, unit_ids, today: date, now: datetime) -> Dashboard:
    """The figures of `campaign` for `unit_ids` (None: every unit): seven queries."""
    units = _units(unit_ids)
    rows = {unit.id: UnitRow(unit) for unit in units}

    def put(unit_id, rank, metric: str, value) -> None:
        if unit_id in rows and rank in rows[unit_id].by_rank:
            getattr(rows[unit_id].by_rank[rank], metric).add(value)

    if campaign is not None:
        for unit_id, rank, required, signed in _letter_rows(campaign.id, unit_ids):
            put(unit_id, rank, "letters", Rate(signed, required))
        for unit_id, rank, required, submitted, passed in _checklist_rows(campaign.id, unit_ids):
            put(unit_id, rank, "checklists_submitted", Rate(submitted, required))
            put(unit_id, rank, "checklists_passed", Rate(passed, required))
        for unit_id, rank, *counts in _ledger_rows(campaign.id, unit_ids, today):
            put(unit_id, rank, "ledger", LedgerTally(*counts))
        for unit_id, rank, required, present, _leave, _absent in attendance_rows(campaign.id, now, unit_ids):
            put(unit_id, rank, "attendance", Rate(present, required))
        for unit_id, rank, required, read in reading_rows(campaign.id, unit_ids):
            put(unit_id, rank, "readings", Rate(read, required))
        for unit_id, rank, required, passed in _reflection_rows(campaign.id, unit_ids):
            put(unit_id, rank, "reflections", Rate(passed, required))

    by_rank = {rank: Row() for rank in RANKS}
    by_kind = {kind: Row() for kind in KINDS}
    total = Row()
    for row in rows.values():
        for rank, figures in row.by_rank.items():
            row.total.add(figures)
            by_rank[rank].add(figures)
        if row.unit.kind in by_kind:
            by_kind[row.unit.kind].add(row.total)
        total.add(row.total)
    return Dashboard(list(rows.values()), by_rank, by_kind, total)


def _units(unit_ids) -> list[Unit]:
    query = select(Unit).where(Unit.active.is_(True)).order_by(Unit.sort_order, Unit.id)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(list(unit_ids)))
    return list(db.session.scalars(query))


def _people(unit_ids):
    """SQL on User joined with Unit: the active people of active units, within `unit_ids`."""
    condition = and_(User.active.is_(True), Unit.active.is_(True))
    return condition if unit_ids is None else and_(condition, User.unit_id.in_(list(unit_ids)))


def _count_if(condition):
    return func.count(case((condition, 1)))


def _letter_rows(campaign_id: int, unit_ids):
    """(unit, rank, person-letters to sign, signed) over the campaign's published letters."""
    return db.session.execute(
        select(User.unit_id, User.rank, func.count(User.id), func.count(Signature.id))
        .select_from(LetterTemplate)
        .join(User, rank_matches(LetterTemplate.target_ranks, User.rank))
        .join(Unit, Unit.id == User.unit_id)
        .outerjoin(Signature, and_(Signature.template_id == LetterTemplate.id, Signature.user_id == User.id))
        .where(LetterTemplate.campaign_id == campaign_id, LetterTemplate.status == TemplateStatus.PUBLISHED,
               _people(unit_ids))
        .group_by(User.unit_id, User.rank)
    ).all()


def _checklist_rows(campaign_id: int, unit_ids):
    """(unit, rank, person-checklists to fill, handed in, passed) over the published checklists."""
    version = aliased(ChecklistTemplate)
    inspection = (
        select(SelfInspection.user_id, SelfInspection.state, version.family_id)
        .join(version, version.id == SelfInspection.template_id)
        .subquery()
    )
    named = exists().where(ChecklistTemplateUnit.template_id == ChecklistTemplate.id)
    this_unit = exists().where(ChecklistTemplateUnit.template_id == ChecklistTemplate.id,
                               ChecklistTemplateUnit.unit_id == User.unit_id)
    handed_in = (InspectionState.SUBMITTED, InspectionState.RETURNED, InspectionState.PASSED)
    return db.session.execute(
        select(User.unit_id, User.rank, func.count(User.id), _count_if(inspection.c.state.in_(handed_in)),
               _count_if(inspection.c.state == InspectionState.PASSED))
        .select_from(ChecklistTemplate)
        .join(User, rank_matches(ChecklistTemplate.target_ranks, User.rank))
        .join(Unit, Unit.id == User.unit_id)
        .outerjoin(inspection, and_(inspection.c.user_id == User.id,
                                    inspection.c.family_id == ChecklistTemplate.family_id))
        .where(ChecklistTemplate.campaign_id == campaign_id, ChecklistTemplate.status == TemplateStatus.PUBLISHED,
               or_(~named, this_unit), _people(unit_ids))
        .group_by(User.unit_id, User.rank)
    ).all()


def _ledger_rows(campaign_id: int, unit_ids, today: date):
    """(unit, rank of the responsible person, items, closed, overdue, 督办) as app.ledger.figures
    counts them."""
    query = (
        select(LedgerItem.unit_id, User.rank,
               *(ledger_figures.count(key, today) for key in ("total", "closed", "overdue", "supervised")))
        .join(User, User.id == LedgerItem.owner_id)
        .where(LedgerItem.campaign_id == campaign_id)
        .group_by(LedgerItem.unit_id, User.rank)
    )
    if unit_ids is not None:
        query = query.where(LedgerItem.unit_id.in_(list(unit_ids)))
    return db.session.execute(query).all()


def _reflection_rows(campaign_id: int, unit_ids):
    """(unit, rank, people, people with a 合格 reflection in the campaign)."""
    passed = exists().where(Reflection.user_id == User.id, Reflection.campaign_id == campaign_id,
                            Reflection.state == ReflectionState.PASSED)
    return db.session.execute(
        select(User.unit_id, User.rank, func.count(User.id), _count_if(passed))
        .join(Unit, Unit.id == User.unit_id)
        .where(_people(unit_ids))
        .group_by(User.unit_id, User.rank)
    ).all()


# -- 上热中温下冷 ------------------------------------------------------------------------------------
@dataclass
class Lag:
    """A lower level whose rate trails the level above it by more than the allowed gap."""

    metric: str
    upper: str
    lower: str
    upper_rate: int
    lower_rate: int

    @property
    def metric_label(self) -> str:
        return METRIC_LABELS[self.metric]

    @property
    def gap(self) -> int:
        return self.upper_rate - self.lower_rate


def lags(levels: list[tuple[str, Row]], gap: int) -> list[Lag]:
    """Each metric where a level trails the one above it (levels from the top down) by more than
    `gap` points. A level where nobody was asked is skipped: the next level is compared with the
    nearest one above it that has a rate."""
    found = []
    for metric, _label in METRICS:
        above = None
        for label, row in levels:
            rate = row.rate_of(metric)
            if rate is None:
                continue
            if above is not None and above[1] - rate > gap:
                found.append(Lag(metric, above[0], label, above[1], rate))
            above = (label, rate)
    return found


# -- Overdue and rankings --------------------------------------------------------------------------
@dataclass
class OverduePerson:
    user: User
    overdue: int
    oldest_due: date


def people_with_overdue(campaign_id: int, scope, today: date, limit: int = 100) -> list[OverduePerson]:
    """Responsible people with overdue items (逾期 as app.ledger.figures defines it) among the items
    `scope` (an SQL condition on LedgerItem) lets one see, most overdue first: two queries."""
    rows = db.session.execute(
        select(User, func.count(LedgerItem.id), func.min(LedgerItem.due_on))
        .join(LedgerItem, LedgerItem.owner_id == User.id)
        .where(LedgerItem.campaign_id == campaign_id, ledger_figures.FIGURES["overdue"].condition(today), scope)
        .group_by(User.id)
        .options(selectinload(User.unit))
        .order_by(func.count(LedgerItem.id).desc(), func.min(LedgerItem.due_on), User.id)
        .limit(limit)
    ).all()
    return [OverduePerson(user, count, oldest) for user, count, oldest in rows]

