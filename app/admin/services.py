"""Changing units and users under the rules, with the audit trail. The caller commits."""
from app import audit
from app.extensions import db
from app.org.models import Role, Unit, User


def save_unit(unit: Unit | None, form) -> Unit:
    created = unit is None
    if created:
        unit = Unit()
        db.session.add(unit)
    was_active = unit.active
    unit.name = form.name.data
    unit.kind = form.kind.data
    unit.parent_id = form.parent_id.data or None
    unit.sort_order = form.sort_order.data or 0
    unit.active = form.active.data
    db.session.flush()
    if created:
        action, summary = "unit.created", f"新建单位「{unit.name}」"
    elif was_active and not unit.active:
        action, summary = "unit.deactivated", f"停用单位「{unit.name}」"
    else:
        action, summary = "unit.updated", f"修改单位「{unit.name}」"
    audit.record(action, unit, summary, kind=unit.kind, parent_id=unit.parent_id, active=unit.active)
    return unit


def save_user(user: User | None, form) -> User:
    created = user is None
    if created:
        user = User(session_version=1)
        db.session.add(user)
    was_active = user.active
    old_role = user.role
    for name in ("username", "full_name", "unit_id", "role", "rank"):
        setattr(user, name, getattr(form, name).data)
    user.title = (form.title.data or "").strip()
    user.phone = (form.phone.data or "").strip()
    user.active = form.active.data
    if form.role.data == Role.LEADER:
        user.portfolio_units = db.session.query(Unit).filter(Unit.id.in_(form.portfolio.data or [])).all()
    else:
        user.portfolio_units = []
    if form.password.data:
        user.set_password(form.password.data)
        user.must_change_password = True
    if not created and (
        (was_active and not user.active) or form.password.data or old_role != user.role
    ):
        # Deactivation, a password reset or a new role: the person must log in afresh.
        user.end_all_sessions()
    db.session.flush()
    if created:
        action, summary = "user.created", f"新建用户 {user.username}（{user.full_name}）"
    elif was_active and not user.active:
        action, summary = "user.deactivated", f"停用用户 {user.username}（{user.full_name}）"
    else:
        action, summary = "user.updated", f"修改用户 {user.username}（{user.full_name}）"
    audit.record(
        action, user, summary,
        unit_id=user.unit_id, role=user.role, rank=user.rank, active=user.active,
        portfolio=sorted(u.id for u in user.portfolio_units), password_reset=bool(form.password.data),
    )
    return user
