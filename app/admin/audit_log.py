"""The audit log as people read it: filters (action from a list, person, unit, dates), each row's
action in Chinese and its object by its own name with a link where the viewer may open it, and the
filtered log in Excel. Objects are read per kind in one query each, so a page costs the same few
statements whatever its rows point at."""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from app import audit, policy
from app.audit import AuditLog
from app.extensions import db
from app.forms import Form, choices
from app.org.models import Unit, User
from app.overview.report_routes import parse_date
from app.templating import local_zone
from app.xlsx import export_column


# -- Filters ---------------------------------------------------------------------------------------
@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""  # a person's name or username
    unit: int | None = None
    start: date | None = None
    end: date | None = None

    def as_args(self) -> dict:
        """The filters as query arguments, for page links and the Excel link."""
        args = {"action": self.action, "actor": self.actor, "unit": self.unit,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}
        return {key: value for key, value in args.items() if value}


def action_choices() -> list[tuple[str, str]]:
    """(code, 分类：名称) of every action, by area: the filter's list."""
    order = list(audit.ACTION_GROUPS)
    codes = sorted(audit.ACTION_LABELS, key=lambda code: (order.index(code.split(".")[0]), code))
    return [(code, f"{audit.ACTION_GROUPS[code.split('.')[0]]}：{audit.ACTION_LABELS[code]}") for code in codes]


def filtered(filters: AuditFilters):
    """The log's rows the filters keep, newest first."""
    query = select(AuditLog).order_by(AuditLog.seq.desc())
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    if filters.actor:
        named = select(User.id).where(User.full_name == filters.actor)
        query = query.where(or_(AuditLog.actor_username == filters.actor, AuditLog.actor_id.in_(named)))
    if filters.unit:
        query = query.where(AuditLog.actor_unit_id == filters.unit)
    zone = local_zone()
    if filters.start:
        query = query.where(AuditLog.occurred_at >= datetime.combine(filters.start, time.min, zone))
    if filters.end:
        query = query.where(AuditLog.occurred_at < datetime.combine(filters.end + timedelta(days=1), time.min, zone))
    return query


# -- Rows as people read them ------------------------------------------------------------------------
@dataclass
class Shown:
    """What a row's object is called, and where it opens (None: nowhere the viewer may go)."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Kind:
    """How the log names and links one kind of object."""

    noun: str
    model: Callable  # returns the model class (imported late: the admin views import no area's models)
    name: Callable
    link: Callable | None = None  # obj → url, or None
    permission: str | None = None  # what the viewer must be allowed on the object to follow the link
    load: tuple = ()  # relationships the name reads


def _models(module: str, name: str) -> Callable:
    def load():
        import importlib

        return getattr(importlib.import_module(module), name)
    return load


def _person(user) -> str:
    return user.full_name if user is not None else ""


KINDS = {
    "LedgerItem": Kind("问题", _models("app.ledger.models", "LedgerItem"), lambda o: o.code,
                       lambda o: url_for("ledger.detail", item_id=o.id), "ledger.view", ("unit",)),
    "User": Kind("人员", lambda: User, lambda o: f"{o.full_name}（{o.username}）",
                 lambda o: url_for("admin.user_edit", user_id=o.id), "org.manage"),
    "Unit": Kind("单位", lambda: Unit, lambda o: o.name, lambda o: url_for("admin.unit_edit", unit_id=o.id),
                 "org.manage"),
    "Campaign": Kind("专项行动", _models("app.campaigns.models", "Campaign"), lambda o: o.title,
                     lambda o: url_for("campaigns.index"), "campaign.manage"),
    "ChecklistTemplate": Kind("自查清单", _models("app.checklists.models", "ChecklistTemplate"), lambda o: o.title,
                              lambda o: url_for("checklists.template_detail", template_id=o.id), "checklist.manage"),
    "SelfInspection": Kind("自查表", _models("app.checklists.models", "SelfInspection"),
                           lambda o: f"{_person(o.user)}的自查表", lambda o: url_for("checklists.detail",
                                                                                 inspection_id=o.id),
                           "checklist.view", ("user",)),
    "LetterTemplate": Kind("承诺书", _models("app.commitments.models", "LetterTemplate"), lambda o: o.title,
                           lambda o: url_for("commitments.template_detail", template_id=o.id), "letter.manage"),
    "Signature": Kind("承诺书签署", _models("app.commitments.models", "Signature"),
                      lambda o: f"{_person(o.user)}签署的《{o.title}》",
                      lambda o: url_for("commitments.print_signature", signature_id=o.id), "signature.view", ("user",)),
    "Reading": Kind("书录或资料", _models("app.study.models", "Reading"), lambda o: o.title,
                    lambda o: url_for("study.readings"), "study.view"),
    "Reflection": Kind("学习心得", _models("app.study.models", "Reflection"),
                       lambda o: f"{_person(o.user)}《{o.title}》",
                       lambda o: url_for("study.reflection", reflection_id=o.id), "reflection.view", ("user",)),
    "StudySession": Kind("学习活动", _models("app.study.models", "StudySession"), lambda o: o.title,
                         lambda o: url_for("study.detail", session_id=o.id), "study.view_session"),
    "Regulation": Kind("制度", _models("app.regulations.models", "Regulation"), lambda o: o.title,
                       lambda o: url_for("regulations.detail", regulation_id=o.id), "regulation.view"),
    "Commendation": Kind("表彰", _models("app.commendations.models", "Commendation"),
                         lambda o: f"{_person(o.user) or o.unit.name}：{o.honour}",
                         lambda o: url_for("commendations.index"), "commendation.view", ("user", "unit")),
    "Dispatch": Kind("上级通报", _models("app.ledger.models", "Dispatch"), lambda o: o.title,
                     lambda o: url_for("ledger.dispatch_detail", dispatch_id=o.id), "dispatch.view"),
    "DispatchTarget": Kind("上级通报答复", _models("app.ledger.models", "DispatchTarget"),
                           lambda o: f"{o.unit.name}答复《{o.dispatch.title}》",
                           lambda o: url_for("ledger.dispatch_detail", dispatch_id=o.dispatch_id), "dispatch.view",
                           ("unit", "dispatch")),
}


def shown_objects(viewer, rows) -> dict[tuple[str, str], Shown]:
    """(object type, id) → how each row's object is shown: one query per kind of object on the page."""
    wanted = defaultdict(set)
    for row in rows:
        if row.object_type in KINDS and row.object_id.isdigit():
            wanted[row.object_type].add(int(row.object_id))
    shown = {}
    for type_name, ids in wanted.items():
        kind = KINDS[type_name]
        model = kind.model()
        query = select(model).where(model.id.in_(ids))
        if kind.load:
            query = query.options(*(selectinload(getattr(model, name)) for name in kind.load))
        for obj in db.session.scalars(query):
            url = kind.link(obj) if kind.link and _may_open(viewer, kind.permission, obj) else None
            shown[(type_name, str(obj.id))] = Shown(f"{kind.noun} {kind.name(obj)}", url)
    for row in rows:  # a record deleted since (a discarded draft, a removed commendation)
        key = (row.object_type, row.object_id)
        if row.object_type and key not in shown:
            noun = KINDS[row.object_type].noun if row.object_type in KINDS else "记录"
            shown[key] = Shown(f"{noun}（已删除）")
    return shown


def _may_open(viewer, permission: str | None, obj) -> bool:
    return permission is not None and policy.can(viewer, permission, obj)


def people_and_units(rows) -> tuple[dict[int, User], dict[int, Unit]]:
    """The people who acted and their units, for the page's rows: two queries."""
    actor_ids = {row.actor_id for row in rows if row.actor_id}
    unit_ids = {row.actor_unit_id for row in rows if row.actor_unit_id}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    return people, units


# -- The filter form -------------------------------------------------------------------------------
class AuditFilterForm(Form):
    """The log's filters; read from the address (GET), so no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField("操作", validate_choice=False)
    actor = StringField("操作人", render_kw={"size": 10, "placeholder": "姓名或用户名", "maxlength": 40})
    unit = SelectField("操作人单位", coerce=lambda value: int(value) if str(value).isdigit() else -1, default=0,
                       validate_choice=False)
    start = StringField("开始日期", render_kw={"type": "date", "size": 11})
    end = StringField("结束日期", render_kw={"type": "date", "size": 11})

    def __init__(self, units: list[Unit], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = choices([("", "全部操作"), *action_choices()])
        self.unit.choices = choices([(0, "全部单位")] + [(unit.id, unit.name) for unit in units])
        self.start_on: date | None = None
        self.end_on: date | None = None

    def validate_action(self, field):
        if field.data and field.data not in audit.ACTION_LABELS:
            raise ValidationError("请从列表中选择操作。")

    def validate_unit(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("请从列表中选择单位。")

    def validate_start(self, field):
        self.start_on = parse_date(field.data) if (field.data or "").strip() else None

    def validate_end(self, field):
        self.end_on = parse_date(field.data) if (field.data or "").strip() else None
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError("结束日期不能早于开始日期。")

    @property
    def filters(self) -> AuditFilters:
        return AuditFilters(self.action.data or "", (self.actor.data or "").strip()[:40], self.unit.data or None,
                            self.start_on, self.end_on)


# -- Excel -------------------------------------------------------------------------------------------
EXPORT_COLUMNS = (
    export_column("seq", "序号", 8), export_column("time", "时间", 18), export_column("actor", "操作人", 16),
    export_column("unit", "单位", 16), export_column("action", "操作", 16), export_column("summary", "说明", 40, wrap=True),
    export_column("object", "对象", 30, wrap=True), export_column("address", "来源地址", 16),
)


def export_rows(viewer, query):
    """The filtered log as Excel rows, read a batch at a time (names resolved per batch)."""
    zone = local_zone()
    for batch in db.session.scalars(query.execution_options(yield_per=500)).partitions():
        people, units = people_and_units(batch)
        shown = shown_objects(viewer, batch)
        for row in batch:
            yield (row.seq, f"{row.occurred_at.astimezone(zone):%Y-%m-%d %H:%M:%S}", actor_name(row, people),
                   units[row.actor_unit_id].name if row.actor_unit_id in units else "", audit.action_label(row.action),
                   row.summary, shown[(row.object_type, row.object_id)].name if row.object_type else "", row.address)


def actor_name(row, people: dict[int, User]) -> str:
    """Who acted: their name and username, 系统 for the command line."""
    if not row.actor_username:
        return "系统"
    person = people.get(row.actor_id)
    return f"{person.full_name}（{row.actor_username}）" if person else row.actor_username
