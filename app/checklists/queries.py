"""Reading the checklists: who must fill a checklist, everyone's 自查表 state, progress in figures.

Who must fill (应填人员) a checklist: every active person in an active unit whose rank level is one of
the template's target ranks (none chosen: every rank) and whose unit is one of its target units
(none chosen: every unit, the bureau itself included — the speech asks 班子成员 to 带头查摆问题,
and the 上热中温下冷 view needs their rank in the figures). The rule is written twice, once in SQL
for lists and counts and once in Python for one person, side by side here so they stay the same.

A checklist is followed by family (all versions of it): a person has at most one 自查表 per family,
on the version they filled; figures count it whatever its version.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from app.checklists.models import (
    ChecklistTemplate,
    ChecklistTemplateUnit,
    InspectionState,
    SelfInspection,
    SelfInspectionAnswer,
    TemplateStatus,
)
from app.extensions import db
from app.org.models import Rank, Unit, User

NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: "未开始", **{state.value: state.label for state in InspectionState}}


def _has_target_units(template_id):
    return exists().where(ChecklistTemplateUnit.template_id == template_id)


def _in_target_units(template_id, unit_id):
    return exists().where(ChecklistTemplateUnit.template_id == template_id, ChecklistTemplateUnit.unit_id == unit_id)


def required_condition(template: ChecklistTemplate):
    """SQL condition on User (joined with Unit): the people who must fill `template`."""
    conditions = [User.active.is_(True), Unit.active.is_(True)]
    if template.rank_list:
        conditions.append(User.rank.in_(template.rank_list))
    conditions.append(or_(~_has_target_units(template.id), _in_target_units(template.id, User.unit_id)))
    return and_(*conditions)


def applies_to(template: ChecklistTemplate, user) -> bool:
    """Whether `user` must fill `template`: the same rule as required_condition, for one person."""
    if not user.active or not user.unit.active:
        return False
    if template.rank_list and user.rank not in template.rank_list:
        return False
    unit_ids = {unit.id for unit in template.target_units}
    return not unit_ids or user.unit_id in unit_ids


def family_ids(family_id: int):
    """The ids of every version of a checklist, as a subquery."""
    return select(ChecklistTemplate.id).where(ChecklistTemplate.family_id == family_id).scalar_subquery()


def published_templates(campaign_id: int | None) -> list[ChecklistTemplate]:
    """The checklists in use in a campaign: the published version of each family."""
    if campaign_id is None:
        return []
    return db.session.scalars(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.campaign_id == campaign_id, ChecklistTemplate.status == TemplateStatus.PUBLISHED)
        .order_by(ChecklistTemplate.family_id)
    ).all()


def published_version(family_id: int) -> ChecklistTemplate | None:
    return db.session.scalar(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.family_id == family_id, ChecklistTemplate.status == TemplateStatus.PUBLISHED)
    )


def inspection_of(user_id: int, family_id: int) -> SelfInspection | None:
    """A person's 自查表 for a checklist, on whichever version they filled."""
    return db.session.scalar(
        select(SelfInspection)
        .where(SelfInspection.user_id == user_id, SelfInspection.template_id.in_(family_ids(family_id)))
    )


def my_checklists(user, campaign_id: int | None) -> list[tuple[ChecklistTemplate, SelfInspection | None]]:
    """The checklists `user` must fill in the campaign, each with their 自查表 (None: not started),
    plus any they filled that no longer apply to them (after a move to another unit)."""
    templates = published_templates(campaign_id)
    if not templates:
        return []
    mine = {
        inspection.template.family_id: inspection
        for inspection in db.session.scalars(
            select(SelfInspection)
            .join(ChecklistTemplate, ChecklistTemplate.id == SelfInspection.template_id)
            .where(SelfInspection.user_id == user.id, ChecklistTemplate.campaign_id == campaign_id)
            .options(selectinload(SelfInspection.template))
        )
    }
    return [
        (template, mine.get(template.family_id)) for template in templates
        if template.family_id in mine or applies_to(template, user)
    ]


def todo_states(user, campaign_id: int) -> list[tuple[str, int, str | None, object]]:
    """For the home page, in one query: (title, template id, state of my 自查表 or None, due date)
    of each checklist in use that asks me or that I filled."""
    version = aliased(ChecklistTemplate)
    mine = and_(SelfInspection.user_id == user.id, SelfInspection.template_id.in_(
        select(version.id).where(version.family_id == ChecklistTemplate.family_id)))
    rows = db.session.execute(
        select(ChecklistTemplate.title, ChecklistTemplate.id, SelfInspection.state, ChecklistTemplate.due_on,
               ChecklistTemplate.target_ranks)
        .select_from(ChecklistTemplate).outerjoin(SelfInspection, mine)
        .where(ChecklistTemplate.campaign_id == campaign_id, ChecklistTemplate.status == TemplateStatus.PUBLISHED,
               or_(SelfInspection.id.is_not(None), ~_has_target_units(ChecklistTemplate.id),
                   _in_target_units(ChecklistTemplate.id, user.unit_id)))
        .order_by(ChecklistTemplate.family_id)
    ).all()
    return [
        (title, template_id, state, due_on) for title, template_id, state, due_on, ranks in rows
        if state is not None or not ranks or user.rank in ranks.split(",")
    ]


# -- One checklist, person by person --------------------------------------------------------------
@dataclass
class PersonRow:
    """One line of the review list: a person who must fill (or has filled) the checklist."""

    person: User
    inspection: SelfInspection | None = None
    problems: int = 0

    @property
    def state(self) -> str:
        return self.inspection.state if self.inspection else NOT_STARTED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def person_rows(template: ChecklistTemplate, unit_ids) -> list[PersonRow]:
    """Everyone who must fill the checklist in these units, and everyone who filled it there, in
    unit and rank order, with their 自查表 and its number of problems: three queries in all."""
    people = db.session.scalars(
        select(User).join(Unit, Unit.id == User.unit_id)
        .where(required_condition(template), User.unit_id.in_(unit_ids))
        .options(selectinload(User.unit))
    ).all()
    inspections = db.session.scalars(
        select(SelfInspection)
        .where(SelfInspection.template_id.in_(family_ids(template.family_id)), SelfInspection.unit_id.in_(unit_ids))
        .options(selectinload(SelfInspection.user).selectinload(User.unit), selectinload(SelfInspection.template))
    ).all()
    by_user = {inspection.user_id: inspection for inspection in inspections}
    problems = dict(db.session.execute(
        select(SelfInspectionAnswer.inspection_id, func.count())
        .where(SelfInspectionAnswer.inspection_id.in_([i.id for i in inspections]),
               SelfInspectionAnswer.has_problem.is_(True))
        .group_by(SelfInspectionAnswer.inspection_id)
    ).all()) if inspections else {}
    everyone = {person.id: person for person in people}
    for inspection in inspections:
        everyone.setdefault(inspection.user_id, inspection.user)
    rows = [
        PersonRow(person, by_user.get(person.id), problems.get(by_user[person.id].id, 0) if person.id in by_user else 0)
        for person in everyone.values()
    ]
    rank_order = {rank.value: i for i, rank in enumerate(Rank)}
    rows.sort(key=lambda row: (
        row.person.unit.sort_order, row.person.unit_id, rank_order.get(row.person.rank, 9), row.person.id,
    ))
    return rows


def person_row(inspection: SelfInspection) -> PersonRow:
    """The review-list line of one 自查表 (after an inline 通过 or 退回)."""
    problems = sum(1 for answer in inspection.answers if answer.has_problem)
    return PersonRow(inspection.user, inspection, problems)


# -- Progress in figures -------------------------------------------------------------------------
@dataclass
class Progress:
    """How far a group of people (a unit, a rank level, everyone) has got with a checklist."""

    required: int = 0
    counts: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, state: str, number: int) -> None:
        self.required += number
        self.counts[state] += number

    @property
    def not_started(self) -> int:
        return self.counts[NOT_STARTED]

    @property
    def draft(self) -> int:
        return self.counts[InspectionState.DRAFT]

    @property
    def waiting(self) -> int:
        return self.counts[InspectionState.SUBMITTED]

    @property
    def returned(self) -> int:
        return self.counts[InspectionState.RETURNED]

    @property
    def passed(self) -> int:
        return self.counts[InspectionState.PASSED]

    @property
    def submitted(self) -> int:
        """Everyone who has handed it in at least once (waiting, returned or passed)."""
        return self.waiting + self.returned + self.passed

    @property
    def submitted_rate(self) -> int | None:
        """Whole percent rounded down (99.6% never reads 100%), as every rate; None: nobody must fill."""
        return self.submitted * 100 // self.required if self.required else None

    @property
    def passed_rate(self) -> int | None:
        return self.passed * 100 // self.required if self.required else None


@dataclass
class ProgressReport:
    by_unit: dict[int, Progress]
    by_rank: dict[str, Progress]
    total: Progress


def progress(template: ChecklistTemplate, unit_ids) -> ProgressReport:
    """Figures per unit and per rank level for the people who must fill, in one grouped query."""
    state = func.coalesce(SelfInspection.state, NOT_STARTED)
    query = (
        select(User.unit_id, User.rank, state, func.count(User.id))
        .select_from(User).join(Unit, Unit.id == User.unit_id)
        .outerjoin(SelfInspection, and_(
            SelfInspection.user_id == User.id, SelfInspection.template_id.in_(family_ids(template.family_id))))
        .where(required_condition(template), User.unit_id.in_(unit_ids))
        .group_by(User.unit_id, User.rank, state)
    )
    by_unit = {unit_id: Progress() for unit_id in unit_ids}
    by_rank = {rank.value: Progress() for rank in Rank}
    total = Progress()
    for unit_id, rank, row_state, number in db.session.execute(query):
        for group in (by_unit[unit_id], by_rank.setdefault(rank, Progress()), total):
            group.add(row_state, number)
    return ProgressReport(by_unit, by_rank, total)


def reminders(template: ChecklistTemplate, unit_ids) -> dict[str, list[User]]:
    """Who to remind: not started, a draft not yet handed in, returned and not yet handed in again."""
    wanted = {NOT_STARTED: [], InspectionState.DRAFT.value: [], InspectionState.RETURNED.value: []}
    for row in person_rows(template, unit_ids):
        if row.state in wanted:
            wanted[row.state].append(row.person)
    return wanted


def waiting_count(user, campaign_id: int) -> int:
    """How many handed-in 自查表 of the campaign wait for `user`'s review (one query)."""
    from app import policy

    return db.session.scalar(
        select(func.count(SelfInspection.id))
        .join(User, User.id == SelfInspection.user_id)
        .join(ChecklistTemplate, ChecklistTemplate.id == SelfInspection.template_id)
        .where(ChecklistTemplate.campaign_id == campaign_id, SelfInspection.state == InspectionState.SUBMITTED,
               policy.checklist_review_scope(user))
    ) or 0
