"""Who may do what: the one place that decides, by role, own unit and a leader's portfolio.

Views ask `require(action, obj)` (or wear `@requires(action)`); templates ask `can(action, obj)` to
decide which buttons to show. A view that needs no permission says so with `@public`. In tests,
a view that answers without asking raises (POLICY_ENFORCE_ASKED), so a new route cannot forget.
"""
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g
from flask_login import current_user
from sqlalchemy import and_, false, or_, true

from app.org.models import Role

Rule = Callable[..., bool]
RULES: dict[str, Rule] = {}


def rule(action: str):
    def register(func: Rule) -> Rule:
        RULES[action] = func
        return func

    return register


def can(user, action: str, obj=None) -> bool:
    """Whether `user` may perform `action` (on `obj`, where the action concerns one record)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return RULES[action](user, obj)


def require(action: str, obj=None, *, hide: bool = False) -> None:
    """Abort unless the current user may: 401 → login, else 403 (404 with hide=True).

    hide=True is for records of another unit: their existence is not confirmed.
    """
    g.policy_asked = True
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    if not can(current_user, action, obj):
        abort(404 if hide else 403)


def requires(action: str):
    """View decorator for actions that concern no particular record."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def public(view):
    """Marks a view that anyone may call (login page, static files)."""
    view.policy_public = True
    return view


def enforce_asked(app) -> None:
    """In tests: wrap every view so that answering without asking the policy raises.

    Wrapping the views (rather than checking in after_request) looks only at requests that
    reached a view, not at those a before_request hook answered first.
    """
    for endpoint, view in list(app.view_functions.items()):
        if endpoint == "static" or getattr(view, "policy_public", False):
            continue
        app.view_functions[endpoint] = _checked(endpoint, view)


def _checked(endpoint: str, view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        g.policy_asked = False
        response = view(*args, **kwargs)
        if not g.policy_asked:
            raise AssertionError(f"view {endpoint} answered without asking app.policy")
        return response

    return wrapped


def _is(*roles: Role) -> Rule:
    return lambda user, _obj=None: user.role in roles


# -- Rules ---------------------------------------------------------------------------------
rule("home.view")(lambda user, _obj=None: True)
rule("account.change_password")(lambda user, _obj=None: True)
rule("org.manage")(_is(Role.ADMIN))
rule("campaign.manage")(_is(Role.ADMIN))
rule("audit.view")(_is(Role.ADMIN))


# -- Units a person may see ----------------------------------------------------------------
def sees_all_units(user) -> bool:
    return user.role in (Role.ADMIN, Role.INSPECTOR)


def visible_unit_ids(user) -> frozenset[int] | None:
    """The units whose records `user` may read; None means every unit."""
    if sees_all_units(user):
        return None
    if user.role == Role.LEADER:
        return user.portfolio_unit_ids
    return frozenset({user.unit_id})


def _leads(user, unit_id: int) -> bool:
    return user.role == Role.LEADER and unit_id in user.portfolio_unit_ids


def _heads(user, unit_id: int) -> bool:
    return user.role == Role.UNIT_HEAD and user.unit_id == unit_id


@rule("unit.view")
def _view_unit(user, unit) -> bool:
    scope = visible_unit_ids(user)
    return scope is None or unit.id in scope


# -- The problem ledger --------------------------------------------------------------------
def ledger_scope(user):
    """SQL condition on LedgerItem for the items `user` may see: the same rule as ledger.view."""
    from app.ledger.models import LedgerItem

    if sees_all_units(user):
        return true()
    if user.role == Role.LEADER:
        units = LedgerItem.unit_id.in_(user.portfolio_unit_ids) if user.portfolio_unit_ids else false()
        return or_(LedgerItem.leader_id == user.id, units)
    return LedgerItem.unit_id == user.unit_id


def ledger_unit_scope(user):
    """SQL condition on LedgerItem: in one of the units whose items ledger_scope may let `user`
    see. Lists add it so the database reads only those units' items (by the unit index), not every
    unit's (a province has a thousand), whatever it makes of ledger_scope's OR."""
    from sqlalchemy import select, union

    from app.ledger.models import LedgerItem
    from app.org.models import portfolio

    if sees_all_units(user):
        return true()
    if user.role == Role.LEADER:
        return LedgerItem.unit_id.in_(union(
            select(portfolio.c.unit_id).where(portfolio.c.leader_id == user.id),
            select(LedgerItem.unit_id).where(LedgerItem.leader_id == user.id),
        ))
    return LedgerItem.unit_id == user.unit_id


def first_review_scope(user):
    """SQL condition: items whose 初审 falls to `user` as a unit head (for to-do counts)."""
    from app.ledger.models import LedgerItem

    return LedgerItem.unit_id == user.unit_id if user.role == Role.UNIT_HEAD else false()


def sign_off_scope(user):
    """SQL condition: items `user` signs off as a leader (responsible, or unit in the portfolio)."""
    from app.ledger.models import LedgerItem

    if user.role != Role.LEADER:
        return false()
    units = LedgerItem.unit_id.in_(user.portfolio_unit_ids) if user.portfolio_unit_ids else false()
    return or_(LedgerItem.leader_id == user.id, units)


@rule("ledger.view")
def _view_item(user, item) -> bool:
    """A discipline case is a problem like any other here: its 查处 record is ledger.view_handling."""
    if sees_all_units(user) or item.leader_id == user.id:
        return True
    if user.role == Role.LEADER:
        return item.unit_id in user.portfolio_unit_ids
    return item.unit_id == user.unit_id


rule("ledger.list")(lambda user, _obj=None: True)


@rule("ledger.create")
def _create_item(user, unit=None) -> bool:
    """Unit heads file items for their unit; inspectors and admins for any unit."""
    if user.role in (Role.ADMIN, Role.INSPECTOR):
        return True
    if user.role == Role.UNIT_HEAD:
        return unit is None or unit.id == user.unit_id
    return False


@rule("ledger.edit")
def _edit_item(user, item) -> bool:
    return user.role == Role.ADMIN or _heads(user, item.unit_id)


@rule("ledger.report")
def _report(user, item) -> bool:
    """情况反馈 and 提交: the responsible person."""
    return item.owner_id == user.id


rule("ledger.submit")(_report)
rule("ledger.request_extension")(_report)


@rule("ledger.first_review")
def _first_review(user, item) -> bool:
    return user.role == Role.ADMIN or _heads(user, item.unit_id)


@rule("ledger.sign_off")
def _sign_off(user, item) -> bool:
    """销号: the responsible leader, any leader with the unit in their portfolio, or an admin."""
    return (
        user.role == Role.ADMIN
        or (user.role == Role.LEADER and (item.leader_id == user.id or item.unit_id in user.portfolio_unit_ids))
    )


@rule("ledger.return")
def _return(user, item) -> bool:
    return _first_review(user, item) or _sign_off(user, item)


for _action in ("ledger.close_now", "ledger.reopen", "ledger.supervise", "ledger.decide_extension"):
    rule(_action)(_sign_off)


@rule("ledger.record_handling")
def _record_handling(user, item=None) -> bool:
    return user.role in (Role.ADMIN, Role.INSPECTOR)


@rule("ledger.view_handling")
def _view_handling(user, item) -> bool:
    """The 查处 record of a discipline case (how, who, notes): 督查/纪检, 专项办 and the item's
    responsible leader — not its 责任人, the unit or the unit's other leaders, who still rectify."""
    return user.role in (Role.ADMIN, Role.INSPECTOR) or (user.role == Role.LEADER and item.leader_id == user.id)


@rule("ledger.import")
def _import_ledger(user, unit=None) -> bool:
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.UNIT_HEAD and (unit is None or unit.id == user.unit_id)


@rule("ledger.reconcile")
def _reconcile(user, unit=None) -> bool:
    """对账: the leader in charge and the unit head walk the unit's ledger together.

    Without a unit: whether the person reconciles any unit at all (for the menu).
    """
    if unit is None:
        return user.role in (Role.ADMIN, Role.INSPECTOR, Role.LEADER, Role.UNIT_HEAD)
    return sees_all_units(user) or _leads(user, unit.id) or _heads(user, unit.id)


# -- 上级通报 dispatches ----------------------------------------------------------------------
rule("dispatch.create")(_is(Role.ADMIN, Role.INSPECTOR))
rule("dispatch.list")(lambda user, _obj=None: user.role != Role.STAFF)


@rule("dispatch.view")
def _view_dispatch(user, dispatch) -> bool:
    if sees_all_units(user):
        return True
    scope = visible_unit_ids(user) or frozenset()
    return any(target.unit_id in scope for target in dispatch.targets)


@rule("dispatch.view_target")
def _view_dispatch_target(user, target) -> bool:
    """One unit's answer: read by those who may see the unit."""
    scope = visible_unit_ids(user)
    return scope is None or target.unit_id in scope


@rule("dispatch.answer")
def _answer_dispatch(user, target) -> bool:
    """Answer with ledger items: the unit's head, or 专项办 on the unit's behalf."""
    return user.role == Role.ADMIN or _heads(user, target.unit_id)


@rule("dispatch.zero_report")
def _zero_report(user, target=None) -> bool:
    """零报告 is a statement signed by the unit's own head: nobody signs it on the unit's behalf.

    Without a target: whether the person answers dispatches for a unit at all (the home to-do).
    """
    return user.role == Role.UNIT_HEAD and (target is None or target.unit_id == user.unit_id)


# A problem that turns up after a unit's 零报告: 专项办 files it against the dispatch all the same.
rule("dispatch.correct_zero_report")(_is(Role.ADMIN))


@rule("dispatch.correct")
def _correct_dispatch(user, dispatch) -> bool:
    """更正 / 撤回 a dispatch: its sender alone (whether no unit has answered yet is the service's rule)."""
    return dispatch.created_by_id == user.id


# -- Commitment letters (承诺书) ---------------------------------------------------------------
rule("letter.manage")(_is(Role.ADMIN))
# Everyone signs their own letter; which letters ask whom is the service's rule (target ranks).
rule("letter.sign")(lambda user, _obj=None: True)


@rule("signature.view")
def _view_signature(user, signature) -> bool:
    """A signed letter: the signer, the head of the unit it was signed in, a leader with that unit
    in the portfolio, 专项办 and 督查."""
    return (signature.user_id == user.id or sees_all_units(user) or _heads(user, signature.unit_id)
            or _leads(user, signature.unit_id))


@rule("letter.progress")
def _letter_progress(user, unit=None) -> bool:
    """Who has signed: unit heads for their unit, leaders for their portfolio, 专项办 and 督查 for all.

    Without a unit: whether the person follows any unit's progress at all (the menu, the page).
    """
    if user.role == Role.STAFF:
        return False
    return unit is None or sees_all_units(user) or _heads(user, unit.id) or _leads(user, unit.id)


@rule("letter.print_unit")
def _print_unit_letters(user, unit) -> bool:
    """All of a unit's signed letters in one document, for the paper file."""
    return sees_all_units(user) or _heads(user, unit.id) or _leads(user, unit.id)


# -- Study and warning education (学习教育, 警示教育) ------------------------------------------------
# Everyone studies: sees the sessions of their unit and those they must attend, signs in, reads the
# list, writes reflections. Unit heads schedule their own unit's sessions and record attendance;
# 专项办 schedules for any units and keeps the reading list. Rates: as for letters and checklists.
rule("study.view")(lambda user, _obj=None: True)
rule("reflection.write")(lambda user, _obj=None: True)
rule("reading.manage")(_is(Role.ADMIN))


@rule("study.schedule")
def _schedule_session(user, unit=None) -> bool:
    """Unit heads for their own unit; 专项办 for any units. Without a unit: whether at all."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.UNIT_HEAD and (unit is None or unit.id == user.unit_id)


@rule("study.view_session")
def _view_session(user, session) -> bool:
    """A session of a unit one may see (organiser or target), one for every unit, or one asking me."""
    from app.study.queries import must_attend

    scope = visible_unit_ids(user)
    if scope is None or session.organiser_unit_id in scope or not session.target_units:
        return True
    return any(unit.id in scope for unit in session.target_units) or must_attend(session, user)


def study_session_scope(user):
    """SQL condition on StudySession: the same rule as study.view_session, for lists."""
    from app.org.models import Unit
    from app.study.models import StudySession
    from app.study.queries import sessions_for_person

    scope = visible_unit_ids(user)
    if scope is None:
        return true()
    units = list(scope)
    return or_(
        StudySession.organiser_unit_id.in_(units), ~StudySession.target_units.any(),
        StudySession.target_units.any(Unit.id.in_(units)), sessions_for_person(user),
    )


def _session_involves(session, unit_id: int) -> bool:
    return not session.target_units or any(unit.id == unit_id for unit in session.target_units)


@rule("study.manage_session")
def _manage_session(user, session) -> bool:
    """Edit, record speakers: 专项办, or the unit head of a session of their unit alone."""
    if user.role == Role.ADMIN:
        return True
    return (_heads(user, session.organiser_unit_id)
            and [unit.id for unit in session.target_units] == [session.organiser_unit_id])


@rule("study.record_attendance")
def _record_attendance(user, session) -> bool:
    """考勤登记: 专项办 for everyone; a unit head for their own people, in any session that asks them."""
    return user.role == Role.ADMIN or (user.role == Role.UNIT_HEAD and _session_involves(session, user.unit_id))


@rule("study.view_attendance")
def _view_attendance(user, session) -> bool:
    """The attendance sheet, read: 专项办 and 督查; unit heads and leaders for their units' people."""
    if sees_all_units(user):
        return True
    if user.role == Role.UNIT_HEAD:
        return _session_involves(session, user.unit_id)
    if user.role == Role.LEADER:
        return any(_session_involves(session, unit_id) for unit_id in user.portfolio_unit_ids)
    return False


@rule("study.sign_in")
def _sign_in(user, session) -> bool:
    """People sign themselves in to the sessions they must attend (the time window is the service's)."""
    from app.study.queries import must_attend

    return must_attend(session, user)


@rule("reading.read")
def _read(user, reading) -> bool:
    """已阅: those the item asks (by rank level)."""
    from app.study.queries import must_read

    return must_read(reading, user)


@rule("study.rates")
def _study_rates(user, unit=None) -> bool:
    """出勤率 and 阅读率: unit heads for their unit, leaders for their portfolio, 专项办 and 督查 for
    every unit. Without a unit: whether the person follows any unit's figures at all."""
    if user.role == Role.STAFF:
        return False
    return unit is None or sees_all_units(user) or _heads(user, unit.id) or _leads(user, unit.id)


@rule("reflection.edit")
def _edit_reflection(user, reflection) -> bool:
    """Only the author writes in a reflection (the service says in which states)."""
    return reflection.user_id == user.id


@rule("reflection.view")
def _view_reflection(user, reflection) -> bool:
    return (reflection.user_id == user.id or sees_all_units(user) or _heads(user, reflection.unit_id)
            or _leads(user, reflection.unit_id))


@rule("reflection.review")
def _review_reflection(user, reflection=None) -> bool:
    """合格 / 退回修改: the unit head reviews the unit's reflections; a unit head's own is reviewed
    by the leader in charge of the unit (nobody reviews their own); 专项办 reviews any other.

    Without a reflection: whether the person reviews any at all (the menu, the review list).
    """
    if reflection is None:
        return user.role in (Role.ADMIN, Role.UNIT_HEAD, Role.LEADER)
    if reflection.user_id == user.id:
        return False
    if user.role == Role.ADMIN:
        return True
    if reflection.user.role == Role.UNIT_HEAD:
        return _leads(user, reflection.unit_id)
    return _heads(user, reflection.unit_id)


def reflection_review_scope(user):
    """SQL condition on Reflection joined with its author (User): the same rule as reflection.review."""
    from app.org.models import User
    from app.study.models import Reflection

    others = Reflection.user_id != user.id
    if user.role == Role.ADMIN:
        return others
    if user.role == Role.UNIT_HEAD:
        return and_(others, Reflection.unit_id == user.unit_id, User.role != Role.UNIT_HEAD)
    if user.role == Role.LEADER and user.portfolio_unit_ids:
        return and_(others, Reflection.unit_id.in_(user.portfolio_unit_ids), User.role == Role.UNIT_HEAD)
    return false()


# -- Self-inspection checklists (自查清单) -----------------------------------------------------
rule("checklist.manage")(_is(Role.ADMIN))
rule("checklist.list")(lambda user, _obj=None: True)  # 自查清单: one's own 自查表 (maybe none)


@rule("checklist.start")
def _start_inspection(user, template) -> bool:
    """Begin a 自查表: those the checklist asks (its target ranks and units)."""
    from app.checklists.queries import applies_to

    return applies_to(template, user)


@rule("checklist.fill")
def _fill_inspection(user, inspection) -> bool:
    """Only the author writes in a 自查表."""
    return inspection.user_id == user.id


@rule("checklist.view")
def _view_inspection(user, inspection) -> bool:
    """The author, the head of the unit it was filed in, a leader with that unit in the portfolio,
    专项办 and 督查."""
    return (inspection.user_id == user.id or sees_all_units(user) or _heads(user, inspection.unit_id)
            or _leads(user, inspection.unit_id))


@rule("checklist.review")
def _review_inspection(user, inspection=None) -> bool:
    """通过 / 退回: the unit head reviews the unit's 自查表; a unit head's own is reviewed by the
    leader in charge of the unit (nobody reviews their own); 专项办 reviews any other, which covers
    the bureau's own people (班子成员, 督查) and units without a head.

    Without a 自查表: whether the person reviews any at all (the menu, the review list).
    """
    if inspection is None:
        return user.role in (Role.ADMIN, Role.UNIT_HEAD, Role.LEADER)
    if inspection.user_id == user.id:
        return False
    if user.role == Role.ADMIN:
        return True
    if inspection.user.role == Role.UNIT_HEAD:
        return _leads(user, inspection.unit_id)
    return _heads(user, inspection.unit_id)


def checklist_review_scope(user):
    """SQL condition on SelfInspection joined with its author (User): the same rule as
    checklist.review, for the to-do count."""
    from app.checklists.models import SelfInspection
    from app.org.models import User

    others = SelfInspection.user_id != user.id
    if user.role == Role.ADMIN:
        return others
    if user.role == Role.UNIT_HEAD:
        return and_(others, SelfInspection.unit_id == user.unit_id, User.role != Role.UNIT_HEAD)
    if user.role == Role.LEADER and user.portfolio_unit_ids:
        return and_(others, SelfInspection.unit_id.in_(user.portfolio_unit_ids), User.role == Role.UNIT_HEAD)
    return false()


@rule("checklist.progress")
def _checklist_progress(user, unit=None) -> bool:
    """Who has filled and who has been passed: unit heads for their unit, leaders for their
    portfolio, 专项办 and 督查 for every unit. Without a unit: whether the person follows any."""
    if user.role == Role.STAFF:
        return False
    return unit is None or sees_all_units(user) or _heads(user, unit.id) or _leads(user, unit.id)


# -- 制度建设 (the register of rules) ----------------------------------------------------------
# The register is the bureau's rules: everyone reads issued and abolished rules. A draft (起草中)
# is still the owner unit's work, read by those who may see that unit. 专项办 registers and keeps
# rules for any unit, a unit head for their own unit.
def regulation_scope(user):
    """SQL condition on Regulation for the rules `user` may read: the same rule as regulation.view."""
    from app.regulations.models import Regulation, RuleStatus

    scope = visible_unit_ids(user)
    if scope is None:
        return true()
    own_drafts = Regulation.owner_unit_id.in_(scope) if scope else false()
    return or_(Regulation.status != RuleStatus.DRAFTING, own_drafts)


rule("regulation.list")(lambda user, _obj=None: True)


@rule("regulation.view")
def _view_regulation(user, regulation) -> bool:
    from app.regulations.models import RuleStatus

    if regulation.status != RuleStatus.DRAFTING:
        return True
    scope = visible_unit_ids(user)
    return scope is None or regulation.owner_unit_id in scope


@rule("regulation.create")
def _create_regulation(user, unit=None) -> bool:
    """Without a unit: whether the person registers rules at all (the button)."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.UNIT_HEAD and (unit is None or unit.id == user.unit_id)


@rule("regulation.manage")
def _manage_regulation(user, regulation) -> bool:
    """Edit, 印发, 复审, 废止, the document and the linked ledger items (each item must also be one
    the person may see): 专项办 for any rule, the owner unit's head for theirs."""
    return user.role == Role.ADMIN or _heads(user, regulation.owner_unit_id)


def regulation_manage_scope(user):
    """SQL condition on Regulation: the rules `user` manages, the same rule as regulation.manage."""
    from app.regulations.models import Regulation

    if user.role == Role.ADMIN:
        return true()
    return Regulation.owner_unit_id == user.unit_id if user.role == Role.UNIT_HEAD else false()


# -- 表彰 (commendations) ------------------------------------------------------------------------
# Recording and changing commendations is 专项办's. Reading: 专项办, 督查 and 班子成员 (who decide
# on promotions) all; a unit head their unit's; anyone else their own honours and their unit's
# collective ones. Who is recommended for promotion (推荐提拔使用 / 职级晋升推荐) is a personnel matter:
# only 专项办, 督查 and 班子成员 see it.
def _reads_all_commendations(user) -> bool:
    return user.role in (Role.ADMIN, Role.INSPECTOR, Role.LEADER)


def commendation_scope(user):
    """SQL condition on Commendation for the records `user` may read: the same rule as commendation.view."""
    from app.commendations.models import Commendation

    if _reads_all_commendations(user):
        return true()
    if user.role == Role.UNIT_HEAD:
        return Commendation.unit_id == user.unit_id
    return or_(Commendation.user_id == user.id,
               and_(Commendation.user_id.is_(None), Commendation.unit_id == user.unit_id))


rule("commendation.list")(lambda user, _obj=None: True)
rule("commendation.manage")(_is(Role.ADMIN))
rule("commendation.recommendations")(_is(Role.ADMIN, Role.INSPECTOR, Role.LEADER))


@rule("commendation.view")
def _view_commendation(user, commendation) -> bool:
    if _reads_all_commendations(user):
        return True
    if user.role == Role.UNIT_HEAD:
        return commendation.unit_id == user.unit_id
    if commendation.user_id is None:
        return commendation.unit_id == user.unit_id
    return commendation.user_id == user.id


# -- Overview (工作概况): progress by unit, 上热中温下冷, rankings, reports for reporting upward --------
@rule("overview.progress")
def _overview_progress(user, unit=None) -> bool:
    """The figures of units: 专项办 and 督查 for every unit, leaders for their portfolio, unit heads
    for their own unit. Without a unit: whether the person follows any unit's figures at all."""
    if user.role == Role.STAFF:
        return False
    return unit is None or sees_all_units(user) or _heads(user, unit.id) or _leads(user, unit.id)


rule("overview.report")(_overview_progress)  # the same people, the same units: their reports
