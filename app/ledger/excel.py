"""The problem ledger in Excel: the standard column layout, the export, the template, the import.

Export: the filtered ledger, one row per item in the columns units already keep, streamed into
the file (app/xlsx.py) while the query is read in batches.

Import: one unit's existing ledger into the current campaign, all or nothing. `read_upload()`
checks the file and every row and collects every problem; `apply()` is only called on a plan
without problems and files the rows through services.create_items (each its 序号, timeline event
and audit row, all in one flush), plus one audit row for the import. Imported items start 待整改: the columns
序号, 状态, 销号时间 and 销号人 describe the unit's old numbering and progress, so they are not
taken over but noted in 备注 (原序号, 原状态). Nothing here commits: the caller does.
"""
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app import audit, xlsx
from app.extensions import db
from app.ledger import services
from app.ledger.models import CATEGORIES, LedgerItem, RectifyType, Source, State, item_code
from app.ledger.queries import LedgerFilters, ledger_query
from app.org.models import Role, Unit, User
from app.templating import local_zone
from app.xlsx import Column, Problem

log = logging.getLogger(__name__)

SHEET = "问题台账"
GUIDE_SHEET = "填写说明"
TEMPLATE_FILENAME = "问题台账导入模板.xlsx"
TEMPLATE_ASCII_FILENAME = "ledger-import-template.xlsx"  # for browsers without RFC 5987
MAX_ROWS = 2000
HEADER_SEARCH_ROWS = 10  # units' own ledgers often carry a title row or two above the column names
LONG_TERM_DUE = ("长期", "长期坚持")  # what ledgers write in 整改时限 for 长期坚持 items

# The standard layout, in order. Export writes every column; import reads them by header, in
# any order, and takes over all but the four marked "不导入".
COLUMNS = (
    Column("code", "序号", False, 14, "不导入：系统按责任单位重新编号；原序号记入备注。"),
    Column("source", "问题来源", True, 11, f"可选：{xlsx.choices_text(Source.LABELS)}。"),
    Column("category", "问题类别", True, 11, f"可选：{xlsx.choices_text(CATEGORIES)}。"),
    Column("description", "问题描述", True, 40, "不超过 2000 个字。", 2000, wrap=True),
    Column("rectify_type", "整改类型", True, 11, f"可选：{xlsx.choices_text(RectifyType.LABELS)}。"),
    Column("goal", "整改目标", False, 28, "不超过 1000 个字。", 1000, wrap=True),
    Column("measures", "整改措施", True, 40, "不超过 2000 个字。", 2000, wrap=True),
    Column("leader", "责任领导", True, 10,
           "填写班子成员的姓名；同名时写成“姓名（职务）”或“姓名（用户名）”。"),
    Column("unit", "责任单位", False, 14, "可留空；填写时须与导入页面上选择的责任单位一致。", 60),
    Column("owner", "责任人", True, 10,
           "填写责任单位在岗人员的姓名；同名时写成“姓名（用户名）”。"),
    Column("due_on", "整改时限", False, 12,
           "日期，如 2026-12-31（Excel 日期格式或文字均可）；整改类型为长期坚持的可留空或填“长期”，其他必须填写。",
           expected=True),
    Column("progress", "整改进展", False, 30, "不超过 2000 个字。", 2000, wrap=True),
    Column("completion", "完成情况", False, 30, "不超过 2000 个字。", 2000, wrap=True),
    Column("state", "状态", False, 9, "不导入：导入的问题一律为待整改；原状态不是待整改的，记入备注。"),
    Column("closed_at", "销号时间", False, 12, "不导入：记入备注。"),
    Column("closed_by", "销号人", False, 10, "不导入：记入备注。"),
    Column("remarks", "备注", False, 24, "不超过 1000 个字。", 1000, wrap=True),
)
NOT_IMPORTED = ("code", "state", "closed_at", "closed_by")

UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\s]')
NAME_WITH_HINT = re.compile(r"^(.+?)\s*[（(]\s*(.+?)\s*[)）]$")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


# -- Export ---------------------------------------------------------------------------------------
def export_query(user, filters: LedgerFilters, today: date):
    """The filtered ledger as plain columns in COLUMNS' order (unit name and 序号 for the first):
    a tenth of the work per row of loading items with their unit and people."""
    owner, leader, closer = aliased(User), aliased(User), aliased(User)
    columns = (
        Unit.name, LedgerItem.serial, LedgerItem.source, LedgerItem.category, LedgerItem.description,
        LedgerItem.rectify_type, LedgerItem.goal, LedgerItem.measures, leader.full_name, owner.full_name,
        LedgerItem.due_on, LedgerItem.progress, LedgerItem.completion, LedgerItem.state, LedgerItem.closed_at,
        closer.full_name, LedgerItem.remarks,
    )
    return (
        ledger_query(user, filters, today, columns)
        .join(owner, owner.id == LedgerItem.owner_id)
        .outerjoin(leader, leader.id == LedgerItem.leader_id)
        .outerjoin(closer, closer.id == LedgerItem.closed_by_id)
    )


def export(file, rows) -> int:
    """Write the rows of export_query (any iterable, read as it goes) to `file` as the standard
    ledger workbook."""
    zone = local_zone()

    def layout(row) -> tuple:
        (unit, serial, source, category, description, rectify_type, goal, measures, leader, owner, due_on,
         progress, completion, state, closed_at, closed_by, remarks) = row
        return (
            item_code(unit, serial), Source.LABELS[source], category, description, RectifyType.LABELS[rectify_type],
            goal, measures, leader or "", unit, owner, due_on, progress, completion, State.LABELS[state],
            closed_at.astimezone(zone).date() if closed_at else None, closed_by or "", remarks,
        )

    return xlsx.write_table(file, SHEET, COLUMNS, (layout(row) for row in rows))


def export_filenames(unit: Unit | None, day: date) -> tuple[str, str]:
    """The Chinese file name (with the unit when the export is one unit's) and its ASCII fallback."""
    unit_part = UNSAFE_IN_FILENAME.sub("", unit.name) + "-" if unit else ""
    return f"问题台账-{unit_part}{day:%Y-%m-%d}.xlsx", f"ledger-{day:%Y-%m-%d}.xlsx"


# -- The template ---------------------------------------------------------------------------------
HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="E7E6E6")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")

EXAMPLE = (
    "", "自查发现", "工作效率", "窗口办件超时，群众多次往返。", "限期整改", "办件按时办结率达到 100%",
    "梳理办件流程，实行首问负责和限时办结。", "（班子成员姓名）", "", "（本单位人员姓名）", "2026-12-31",
    "", "", "", "", "", "",
)


def build_template(leaders: list[User], people: list[User] | None = None, unit: Unit | None = None) -> bytes:
    """The import template: an empty 问题台账 sheet in the standard layout with dropdowns, and a
    填写说明 sheet with the rules, an example, the leaders and (for one unit) its people."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.template_header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required or column.expected else OPTIONAL_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.key == "due_on":
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        elif column.key != "code":
            sheet.column_dimensions[letter].alignment = WRAP
    sheet.freeze_panes = "A2"
    _dropdown(sheet, "source", list(Source.LABELS.values()), "问题来源")
    _dropdown(sheet, "category", list(CATEGORIES), "问题类别")
    _dropdown(sheet, "rectify_type", list(RectifyType.LABELS.values()), "整改类型")
    _guide(workbook.create_sheet(GUIDE_SHEET), leaders, people or [], unit)
    for sheet in workbook.worksheets:
        xlsx.keep_as_text(sheet)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _dropdown(sheet, key: str, choices: list[str], header: str) -> None:
    letter = get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key))
    validation = DataValidation(
        type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle=f"{header}不正确", error="请从下拉列表中选择：" + "、".join(choices),
    )
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)


def _guide(sheet, leaders: list[User], people: list[User], unit: Unit | None) -> None:
    rows: list[tuple] = [
        ("问题台账导入模板 · 填写说明",),
        (),
        ("1. 在「问题台账」工作表中从第 2 行起逐行填写，第 1 行的列名请勿修改；列名带 * 的必须填写。"
         "也可以直接上传本系统导出的问题台账。",),
        (f"2. 一个文件只导入一个责任单位的问题，单位在导入页面上选择；每个文件最多 {MAX_ROWS} 行。",),
        ("3. 上传后系统逐行校验：只要有一处错误，整个文件都不导入，并按行、列列出问题；改好后重新上传即可。",),
        ("4. 导入的问题一律为“待整改”状态，由系统按单位重新编号；「序号」「状态」「销号时间」「销号人」列不导入，"
         "原序号和原状态记入备注。",),
        ("5. 单元格首尾的空格会被忽略。下面的示例仅供参考，请不要复制到「问题台账」表中。",),
        (),
        ("列名", "是否必填", "填写要求"),
    ]
    headings = [len(rows)]
    for column in COLUMNS:
        need = "必填" if column.required else ("视情况" if column.expected else "选填")
        rows.append((column.header, need, column.rule))
    rows += [(), ("示例",)]
    headings.append(len(rows) + 1)
    rows.append(tuple(c.template_header for c in COLUMNS))
    rows.append(EXAMPLE)
    if leaders:
        rows += [(), ("「责任领导」可填写的班子成员",)]
        headings.append(len(rows) + 1)
        rows.append(("姓名", "职务", "用户名"))
        rows += [(u.full_name, u.title, u.username) for u in leaders]
    if unit is not None and people:
        rows += [(), (f"「责任人」可填写的{unit.name}在岗人员",)]
        headings.append(len(rows) + 1)
        rows.append(("姓名", "职务", "用户名"))
        rows += [(u.full_name, u.title, u.username) for u in people]
    for row in rows:
        sheet.append(row)
    sheet["A1"].font = TITLE_FONT
    for number in headings:
        for cell in sheet[number]:
            cell.font = HEADER_FONT
            cell.fill = OPTIONAL_FILL
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", (14, 10, 70) + tuple(c.width for c in COLUMNS[3:]), strict=True):
        sheet.column_dimensions[letter].width = width
    for cell in sheet["C"]:
        cell.alignment = WRAP


# -- Reading an upload ----------------------------------------------------------------------------
@dataclass
class ItemRow:
    """One valid row: the Excel row number and the LedgerItem columns to file it with."""

    row: int
    fields: dict


@dataclass
class ImportPlan:
    """What a file would import into `unit`, in the file's order, and everything wrong with it."""

    unit: Unit
    sheet: str = SHEET
    rows: list[ItemRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_upload(data: bytes, filename: str, unit: Unit) -> ImportPlan:
    """Check the file, read its ledger sheet and validate every row for `unit`. Raises FileRefused.

    The sheet is the one named 问题台账, or else the first: units name their sheets freely. Title
    rows above the column names are skipped.
    """
    xlsx.check_upload(data, filename, advice=f"请确认文件来源，或将数据复制到新的导入模板中（每个文件最多 {MAX_ROWS} 行）后重新上传。")
    workbook = xlsx.open_workbook(data)
    try:
        sheets = {name.strip(): workbook[name] for name in workbook.sheetnames}
        worksheets = workbook.worksheets
        if SHEET in sheets:
            name, sheet = SHEET, sheets[SHEET]
        elif worksheets:
            name, sheet = worksheets[0].title.strip(), worksheets[0]
        else:
            raise xlsx.FileRefused("文件中没有工作表，请使用下载的导入模板填写。")
        problems: list[Problem] = []
        records = xlsx.read_sheet(sheet, name, COLUMNS, problems, MAX_ROWS, header_row=_header_row(sheet))
    except xlsx.FileRefused:
        raise
    except Exception:
        log.info("ledger import: workbook could not be read", exc_info=True)
        raise xlsx.FileRefused(xlsx.UNREADABLE) from None
    finally:
        workbook.close()
    plan = ImportPlan(unit=unit, sheet=name, problems=problems)
    if problems:  # wrong columns or too many rows: the rows cannot be checked meaningfully
        return plan
    if not records:
        plan.problems.append(Problem(name, None, "", f"工作表「{name}」中没有需要导入的问题。"))
        return plan
    _validate(records, plan)
    return plan


def _header_row(sheet) -> int:
    """The row of column names: the first of the top rows naming three standard columns, else row 1."""
    known = {c.header for c in COLUMNS}
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
        if sum(xlsx.header_text(value) in known for value in values) >= 3:
            return number
    return 1


class _People:
    """Names → people, for 责任领导 (active leaders) and 责任人 (the unit's members)."""

    def __init__(self, people: list[User]):
        self.by_name: dict[str, list[User]] = {}
        for person in people:
            self.by_name.setdefault(person.full_name, []).append(person)

    def find(self, text: str) -> tuple[User | None, list[User]]:
        """The one person `text` names, or None and the candidates (none, or several)."""
        text = xlsx.person_name(text)
        candidates = self.by_name.get(text, [])
        if not candidates and (match := NAME_WITH_HINT.match(text)):
            # "王强（副局长）" or "王强（wangqiang）": the hint picks one of several 王强
            named = self.by_name.get(xlsx.person_name(match.group(1)), [])
            hint = match.group(2).lower()
            candidates = [p for p in named if hint in (p.username.lower(), p.title.lower())] or named
        return (candidates[0], candidates) if len(candidates) == 1 else (None, candidates)


def _validate(records: list[dict], plan: ImportPlan) -> None:
    check = xlsx.Checker(plan.sheet, COLUMNS, plan.problems)
    unit = plan.unit
    leaders = _People(db.session.scalars(
        select(User).where(User.role == Role.LEADER, User.active.is_(True)).order_by(User.id)
    ).all())
    members = db.session.scalars(select(User).where(User.unit_id == unit.id).order_by(User.id)).all()
    people = _People([u for u in members if u.active])
    inactive = {u.full_name for u in members if not u.active}
    for record in records:
        number = record["row"]
        source = check.choice(record, "source", Source.LABELS, "问题来源")
        category = check.choice(record, "category", {c: c for c in CATEGORIES}, "问题类别")
        description = check.value(record, "description")
        rectify_type = check.choice(record, "rectify_type", RectifyType.LABELS, "整改类型")
        goal = check.value(record, "goal")
        measures = check.value(record, "measures")
        leader = _person(check, record, "leader", leaders, "班子成员中", "责任领导须是在岗的班子成员。", set())
        unit_name = check.value(record, "unit")
        if unit_name and unit_name != unit.name:
            check.add(number, "unit", f"“{unit_name}”与所选的责任单位“{unit.name}”不一致。"
                                      "一个文件只能导入一个单位的问题：请选择正确的单位，或清空此列。")
            unit_name = None
        owner = _person(check, record, "owner", people, f"{unit.name}在岗人员中",
                        f"责任人须是{unit.name}的在岗人员。", inactive)
        due_on = _due_on(check, record, rectify_type)
        progress = check.value(record, "progress")
        completion = check.value(record, "completion")
        remarks = check.value(record, "remarks")
        values = (source, category, description, rectify_type, goal, measures, leader, unit_name, owner,
                  progress, completion, remarks)
        if any(v is None for v in values) or due_on is False:
            continue
        plan.rows.append(ItemRow(number, {
            "source": source, "category": category, "description": description, "rectify_type": rectify_type,
            "goal": goal, "measures": measures, "leader_id": leader.id, "owner_id": owner.id, "due_on": due_on,
            "progress": progress, "completion": completion, "remarks": _remarks(record, remarks),
        }))


def _person(check, record: dict, key: str, people: _People, where: str, rule: str, inactive: set[str]):
    text = check.value(record, key)
    if not text:
        return None
    person, candidates = people.find(text)
    if person is not None:
        return person
    if candidates:
        who = "、".join(f"{p.full_name}（{p.title or p.unit.name}，用户名 {p.username}）" for p in candidates)
        check.add(record["row"], key, f"{where}有 {len(candidates)} 位“{text}”：{who}，无法确定是哪一位。"
                                      f"请写成“姓名（用户名）”，如“{candidates[0].full_name}（{candidates[0].username}）”。")
    elif xlsx.person_name(text) in inactive:
        check.add(record["row"], key, f"“{text}”已停用。{rule}")
    else:
        check.add(record["row"], key, f"{where}没有“{text}”。{rule}请核对姓名，或先在人员管理中添加。")
    return None


def _due_on(check, record: dict, rectify_type: str | None) -> date | None | bool:
    """整改时限: a date, None where 长期坚持 needs none, or False after reporting a problem."""
    text = check.value(record, "due_on")
    if text is None:
        return False
    long_term = rectify_type == RectifyType.LONG_TERM
    if not text or text in LONG_TERM_DUE:
        if long_term or rectify_type is None:  # an invalid 整改类型 is reported on its own
            return None
        check.add(record["row"], "due_on", "立行立改和限期整改的问题须填写整改时限（如 2026-12-31）；"
                                           "只有长期坚持的问题可以不填。")
        return False
    match = DATE_TEXT.match(text)
    if match is None:
        check.add(record["row"], "due_on", f"“{text}”不是日期，请按 2026-12-31 的格式填写，或设为 Excel 日期格式。")
        return False
    try:
        due_on = date(*(int(part) for part in match.groups()))
    except ValueError:
        check.add(record["row"], "due_on", f"“{text}”不是有效的日期。")
        return False
    if not 2000 <= due_on.year <= 2099:
        check.add(record["row"], "due_on", f"“{text}”年份有误。")
        return False
    return due_on


def _remarks(record: dict, remarks: str) -> str:
    """备注, with the unit's old 序号 and (if not 待整改) old state noted, once."""
    notes = []
    if code := record.get("code", "")[:60]:
        notes.append(f"原序号：{code}")
    state = record.get("state", "")[:20]
    if state and state != State.PENDING.label:
        old = f"原状态：{state}"
        closed = "，".join(filter(None, (record.get("closed_at", "")[:20], record.get("closed_by", "")[:40])))
        notes.append(f"{old}（{closed} 销号）" if closed and state == State.CLOSED.label else old)
    notes = [note for note in notes if note not in remarks]
    return "；".join(filter(None, [remarks, *notes]))


# -- Importing ------------------------------------------------------------------------------------
def apply(plan: ImportPlan, actor, campaign, source: str = "") -> list[LedgerItem]:
    """File every row of a plan without problems into `campaign`, and one audit row. The caller commits."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be imported")
    items = services.create_items(actor, campaign, plan.unit.id, [row.fields for row in plan.rows])
    details = {"unit_id": plan.unit.id, "campaign_id": campaign.id, "codes": [item.code for item in items]}
    if source:
        details["file"] = source
    audit.record("ledger.imported", None, f"导入问题台账：{plan.unit.name} {len(items)} 条", actor=actor, **details)
    return items
