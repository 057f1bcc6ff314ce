"""Plain factory functions building realistic records for tests."""
import itertools
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from werkzeug.security import generate_password_hash

from app.campaigns.models import PHASE_ORDER, Campaign, Phase
from app.config import Config
from app.extensions import db
from app.org.models import Rank, Role, Unit, UnitKind, User

PASSWORD = "Qingshan#2026"
_serial = itertools.count(1)


def today() -> date:
    """The bureau's today, as the app counts days (Asia/Shanghai), not the test machine's: on a
    machine running on UTC the two differ from 16:00 to midnight."""
    return datetime.now(ZoneInfo(Config.TIMEZONE)).date()


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # A cheap hash for tests: production uses scrypt, slow on purpose (0.1 s per login).
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_unit(name: str | None = None, kind: str = UnitKind.OFFICE, parent: Unit | None = None, **fields) -> Unit:
    unit = Unit(name=name or f"测试股{next(_serial)}", kind=kind, parent=parent, **fields)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(
    role: str = Role.STAFF, unit: Unit | None = None, username: str | None = None,
    rank: str | None = None, **fields,
) -> User:
    default_rank = {Role.LEADER: Rank.LEADERSHIP, Role.UNIT_HEAD: Rank.MIDDLE}.get(role, Rank.GENERAL)
    user = User(
        username=username or f"user{next(_serial)}",
        full_name=fields.pop("full_name", f"测试人员{next(_serial)}"),
        unit=unit or make_unit(),
        role=role,
        rank=rank or default_rank,
        password_hash=_password_hash(),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_campaign(title: str = "2026年作风建设专项行动", current: bool = True, start: date | None = None) -> Campaign:
    """A campaign whose phases are 30 days each, the third (自查整改) running today by default."""
    start = start or today() - timedelta(days=70)
    phases = [
        Phase(kind=kind, sort_order=i, starts_on=start + timedelta(days=30 * i),
              ends_on=start + timedelta(days=30 * i + 29))
        for i, kind in enumerate(PHASE_ORDER)
    ]
    campaign = Campaign(title=title, year=start.year, is_current=current, phases=phases)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def make_bureau():
    """A bureau with two offices, a leader with one of them in the portfolio, and one of each role."""
    bureau = make_unit("测试局", kind=UnitKind.BUREAU)
    office = make_unit("办公室", parent=bureau)
    other = make_unit("财务股", parent=bureau)
    people = {
        "admin": make_user(Role.ADMIN, office, "admin"),
        "leader": make_user(Role.LEADER, bureau, "leader"),
        "head": make_user(Role.UNIT_HEAD, office, "head"),
        "staff": make_user(Role.STAFF, office, "staff"),
        "inspector": make_user(Role.INSPECTOR, bureau, "inspector"),
        "other_head": make_user(Role.UNIT_HEAD, other, "other_head"),
        "other_staff": make_user(Role.STAFF, other, "other_staff"),
    }
    people["leader"].portfolio_units = [office]
    db.session.commit()
    return {"bureau": bureau, "office": office, "other": other, **people}


def make_item(unit=None, owner=None, leader=None, campaign=None, actor=None, **fields):
    """A ledger item filed through the service (so it has its 序号, first event and audit row)."""
    from app.ledger import services
    from app.ledger.models import RectifyType, Source

    owner = owner or make_user(unit=unit)
    unit = unit or owner.unit
    from app.campaigns.models import current_campaign

    campaign = campaign or current_campaign() or make_campaign()
    values = {
        "unit_id": unit.id, "owner_id": owner.id, "leader_id": leader.id if leader else None,
        "source": Source.SELF_INSPECTION, "category": "工作效率",
        "description": "窗口办件超时，群众多次往返。", "rectify_type": RectifyType.DEADLINE,
        "measures": "梳理办件流程，实行首问负责和限时办结。", "due_on": today() + timedelta(days=20),
    }
    values.update(fields)
    item = services.create_item(actor or owner, campaign, **values)
    db.session.flush()
    return item
