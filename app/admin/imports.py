"""Importing units and people from an Excel workbook (批量导入): the template, the checks, the import.

All or nothing: `read_upload()` checks the file and every row and collects every problem;
`apply()` is only called on a plan without problems. Nothing here commits: the caller does.

The workbook has two data sheets, 单位 and 人员, whose first row holds the column names of the
template (a trailing * marks a required column); a third sheet, 填写说明, explains the rules and
holds the examples, so the data sheets start empty and nothing has to be skipped.
"""
import logging
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import func, select

from app import audit, xlsx
from app.auth.passwords import password_problem
from app.extensions import db
from app.org.models import RANK_LABELS, ROLE_LABELS, UNIT_KIND_LABELS, Role, Unit, User, units_in_order
from app.xlsx import XLSX_MIMETYPE, Column, FileRefused, Problem  # noqa: F401  (part of this module's API)

log = logging.getLogger(__name__)

TEMPLATE_FILENAME = "单位与人员导入模板.xlsx"
TEMPLATE_ASCII_FILENAME = "danwei-renyuan-daoru-muban.xlsx"  # for browsers without RFC 5987

UNIT_SHEET, USER_SHEET, GUIDE_SHEET = "单位", "人员", "填写说明"
MAX_ROWS = 5000
MAX_UNCOMPRESSED_BYTES = xlsx.MAX_UNCOMPRESSED_BYTES  # a module setting, so a test can lower it

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+$")
PORTFOLIO_SEPARATORS = re.compile(r"[、,，;；]")
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # no 0/O, 1/l/I  # nosec B105  # not a password
GENERATED_PASSWORD_LENGTH = 10


UNIT_COLUMNS = (
    Column("name", "单位名称", True, 30, "不超过 60 个字；不能与系统中已有的单位或本表中其他行重名。", 60),
    Column("parent", "上级单位", False, 30,
           "填写系统中已有的单位，或本表中的其他单位；留空表示最上级（如本局）。", 60),
    Column("kind", "类型", True, 16, f"从下拉列表选择：{xlsx.choices_text(UNIT_KIND_LABELS)}。"),
    Column("sort_order", "排序号", False, 10, "0 至 9999 的整数，数字越小越靠前；可留空。"),
)
USER_COLUMNS = (
    Column("username", "用户名", True, 18,
           "登录用的账号，只能包含字母、数字、下划线、点和短横线，不超过 40 个字符；不区分大小写，不能与已有用户重复。",
           40, as_text=True),
    Column("full_name", "姓名", True, 12, "不超过 40 个字。", 40),
    Column("unit", "所在单位", True, 30, "填写系统中已有的单位，或「单位」表中的单位。", 60),
    Column("role", "角色", True, 14, f"从下拉列表选择：{xlsx.choices_text(ROLE_LABELS)}。"),
    Column("rank", "职级层次", True, 12, f"从下拉列表选择：{xlsx.choices_text(RANK_LABELS)}。"),
    Column("title", "职务", False, 14, "如：股长、副局长、科员；不超过 40 个字。", 40),
    Column("phone", "联系电话", False, 18, "不超过 30 个字符。", 30, as_text=True),
    Column("portfolio", "分管单位", False, 40,
           "仅角色为「班子成员」时填写；多个单位用顿号（、）、逗号或分号隔开。"),
    Column("password", "初始密码", False, 16,
           "可留空，由系统随机生成并在导入成功后显示一次；如填写，至少 8 位、不能全是数字、不能包含用户名。"
           "无论哪种，本人首次登录时都必须修改密码。", as_text=True),
)
SHEETS = {UNIT_SHEET: UNIT_COLUMNS, USER_SHEET: USER_COLUMNS}

UNIT_EXAMPLES = (
    ("城市管理综合执法大队", "青山县住房和城乡建设局", "二级单位", 30),
    ("执法一中队", "城市管理综合执法大队", "二级单位", 31),
    ("行政审批股", "青山县住房和城乡建设局", "机关股室", 12),
)
USER_EXAMPLES = (
    ("lijianguo", "李建国", "青山县住房和城乡建设局", "班子成员", "班子成员", "副局长", "0731-84561234",
     "城市管理综合执法大队、行政审批股", ""),
    ("zhouhaiyan", "周海燕", "行政审批股", "股室负责人", "中层干部", "股长", "13807310001", "", ""),
    ("chenyu", "陈雨", "执法一中队", "干部职工", "一般干部", "科员", "13807310002", "", "Qs-2026chen"),
)


@dataclass
class UnitRow:
    row: int
    name: str
    parent: str
    kind: str
    sort_order: int


@dataclass
class UserRow:
    row: int
    username: str
    full_name: str
    unit: str
    role: str
    rank: str
    title: str
    phone: str
    portfolio: list[str]
    password: str


@dataclass
class ImportPlan:
    """What a file would import, in the order to create it, and everything wrong with it."""

    units: list[UnitRow] = field(default_factory=list)  # parents before children
    users: list[UserRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    existing_units: dict[str, Unit] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class GeneratedPassword:
    username: str
    full_name: str
    unit: str
    password: str


@dataclass
class ImportResult:
    units: list[Unit]
    users: list[User]
    generated: list[GeneratedPassword]

    @property
    def summary(self) -> str:
        return f"批量导入：新增单位 {len(self.units)} 个、人员 {len(self.users)} 人"


# -- The template -------------------------------------------------------------------------------
HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="E7E6E6")
TITLE_FONT = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")


def build_template() -> bytes:
    """The import template: empty 单位 and 人员 sheets with dropdowns, and a 填写说明 sheet."""
    workbook = Workbook()
    units_sheet = workbook.active
    units_sheet.title = UNIT_SHEET
    _header(units_sheet, UNIT_COLUMNS)
    _dropdown(units_sheet, UNIT_COLUMNS, "kind", UNIT_KIND_LABELS, "类型")
    users_sheet = workbook.create_sheet(USER_SHEET)
    _header(users_sheet, USER_COLUMNS)
    _dropdown(users_sheet, USER_COLUMNS, "role", ROLE_LABELS, "角色")
    _dropdown(users_sheet, USER_COLUMNS, "rank", RANK_LABELS, "职级层次")
    _guide(workbook.create_sheet(GUIDE_SHEET))
    for sheet in workbook.worksheets:
        xlsx.keep_as_text(sheet)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _header(sheet, columns) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.template_header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.as_text:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"


def _dropdown(sheet, columns, key: str, labels: dict, header: str) -> None:
    letter = get_column_letter(next(i for i, c in enumerate(columns, start=1) if c.key == key))
    choices = list(labels.values())
    validation = DataValidation(
        type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle=f"{header}不正确", error="请从下拉列表中选择：" + "、".join(choices),
    )
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)


def _guide(sheet) -> None:
    rows: list[tuple] = [
        ("单位与人员导入模板 · 填写说明",),
        (),
        ("1. 在「单位」「人员」两个工作表中从第 2 行起逐行填写，第 1 行的列名请勿修改；列名带 * 的必须填写。",),
        ("2. 只导入人员时「单位」表留空即可；只导入单位时「人员」表留空即可。每个工作表最多 "
         f"{MAX_ROWS} 行。",),
        ("3. 上传后系统逐行校验：只要有一处错误，整个文件都不导入，并按行列出问题；改好后重新上传即可。",),
        ("4. 导入的人员首次登录时必须修改初始密码。「初始密码」留空时由系统随机生成，"
         "导入成功后只在页面上显示一次，请妥善转交本人。",),
        ("5. 单元格首尾的空格会被忽略。下面的示例仅供参考，请不要复制到「单位」「人员」表中。",),
        (),
        ("工作表", "列名", "是否必填", "填写要求"),
    ]
    heading_rows = [len(rows)]
    for sheet_name, columns in SHEETS.items():
        for column in columns:
            rows.append((sheet_name, column.header, "必填" if column.required else "选填", column.rule))
    rows += [(), ("示例：「单位」表",)]
    heading_rows.append(len(rows) + 1)
    rows.append(tuple(c.template_header for c in UNIT_COLUMNS))
    rows += UNIT_EXAMPLES
    rows += [(), ("示例：「人员」表",)]
    heading_rows.append(len(rows) + 1)
    rows.append(tuple(c.template_header for c in USER_COLUMNS))
    rows += USER_EXAMPLES
    existing = units_in_order()
    if existing:
        rows += [(), ("系统中已有的单位（可直接作为上级单位、所在单位或分管单位填写）",)]
        heading_rows.append(len(rows) + 1)
        rows.append(("单位名称", "类型", "上级单位"))
        rows += [(u.name, u.kind_label, u.parent.name if u.parent else "") for u in existing if u.active]
    for row in rows:
        sheet.append(row)
    sheet["A1"].font = TITLE_FONT
    for number in heading_rows:
        for cell in sheet[number]:
            cell.font = HEADER_FONT
            cell.fill = OPTIONAL_FILL
    for letter, width in zip("ABCDEFGHI", (26, 24, 24, 70, 12, 14, 16, 34, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    for cell in sheet["D"]:
        cell.alignment = WRAP


# -- Reading an upload --------------------------------------------------------------------------
def read_upload(data: bytes, filename: str) -> ImportPlan:
    """Check the file, read both sheets and validate every row. Raises FileRefused."""
    check_file(data, filename)
    workbook = xlsx.open_workbook(data)
    try:
        sheets = {name.strip(): workbook[name] for name in workbook.sheetnames}
        if UNIT_SHEET not in sheets and USER_SHEET not in sheets:
            raise FileRefused(f"文件中没有「{UNIT_SHEET}」或「{USER_SHEET}」工作表，请使用下载的导入模板填写。")
        problems: list[Problem] = []
        tables = {}
        for name, columns in SHEETS.items():
            tables[name] = (xlsx.read_sheet(sheets[name], name, columns, problems, MAX_ROWS)
                            if name in sheets else [])
    except FileRefused:
        raise
    except Exception:
        log.info("import: workbook could not be read", exc_info=True)
        raise FileRefused(xlsx.UNREADABLE) from None
    finally:
        workbook.close()
    if problems:  # wrong columns or too many rows: the rows cannot be checked meaningfully
        return ImportPlan(problems=problems)
    if not tables[UNIT_SHEET] and not tables[USER_SHEET]:
        return ImportPlan(problems=[Problem("", None, "", "文件中没有需要导入的数据：「单位」和「人员」表都是空的。")])
    return validate(tables[UNIT_SHEET], tables[USER_SHEET])


def check_file(data: bytes, filename: str) -> None:
    """Refuse anything but a plain, reasonably sized .xlsx before any parser sees it."""
    xlsx.check_upload(
        data, filename, max_uncompressed=MAX_UNCOMPRESSED_BYTES,
        advice=f"请确认文件来源，或将数据复制到新的导入模板中（每个工作表最多 {MAX_ROWS} 行）后重新上传。",
    )


# -- Validation ---------------------------------------------------------------------------------
def validate(unit_records: list[dict], user_records: list[dict]) -> ImportPlan:
    """Check every row of both sheets against each other and the database; collect every problem."""
    plan = ImportPlan()
    file_unit_names = {r.get("name", "") for r in unit_records} - {""}
    plan.existing_units = _existing_units(
        file_unit_names
        | {r.get("parent", "") for r in unit_records}
        | {r.get("unit", "") for r in user_records}
        | {name for r in user_records for name in _split_portfolio(r.get("portfolio", ""))}
    )
    # Every name the 单位 sheet gives counts as known, even on rows with problems of their own:
    # those rows are reported there, and a person placed in such a unit needs no second problem.
    _validate_units(unit_records, plan, file_unit_names)
    _validate_users(user_records, plan, file_unit_names)
    order = {UNIT_SHEET: 0, USER_SHEET: 1}
    positions = {s: {c.header: i for i, c in enumerate(cols)} for s, cols in SHEETS.items()}
    plan.problems.sort(key=lambda p: (
        order.get(p.sheet, -1), p.row or 0, positions.get(p.sheet, {}).get(p.column, 99),
    ))
    return plan


def _existing_units(names: set[str]) -> dict[str, Unit]:
    names = sorted(names - {""})
    found: dict[str, Unit] = {}
    for start in range(0, len(names), 500):  # stay well inside every database's parameter limit
        chunk = names[start:start + 500]
        found.update((u.name, u) for u in db.session.scalars(select(Unit).where(Unit.name.in_(chunk))))
    return found


def _existing_usernames(usernames: set[str]) -> set[str]:
    lowered = sorted({u.lower() for u in usernames})
    found: set[str] = set()
    for start in range(0, len(lowered), 500):
        chunk = lowered[start:start + 500]
        found.update(db.session.scalars(
            select(func.lower(User.username)).where(func.lower(User.username).in_(chunk))
        ))
    return found


def _unit_problem(name: str, plan: ImportPlan, file_units: set[str], what: str) -> str | None:
    """Why `name` cannot be used as a unit reference, or None."""
    if name in file_units:
        return None
    unit = plan.existing_units.get(name)
    if unit is None:
        return f"{what}“{name}”不存在：系统中没有这个单位，「单位」表中也没有。"
    if not unit.active:
        return f"{what}“{name}”已停用，请先在单位管理中启用，或改填其他单位。"
    return None


def _validate_units(records: list[dict], plan: ImportPlan, file_units: set[str]) -> None:
    check = xlsx.Checker(UNIT_SHEET, UNIT_COLUMNS, plan.problems)
    rows: dict[str, UnitRow] = {}
    first_row: dict[str, int] = {}
    for record in records:
        number = record["row"]
        name = check.value(record, "name")
        if name:
            if name in first_row:
                check.add(number, "name", f"“{name}”与第 {first_row[name]} 行重复。")
                name = None
            else:
                first_row[name] = number
                if name in plan.existing_units:
                    check.add(number, "name", f"“{name}”单位已存在，不能重复导入（人员表可直接填写已有单位）。")
        parent = check.value(record, "parent")
        kind = check.choice(record, "kind", UNIT_KIND_LABELS, "类型")
        sort_order = _sort_order(check, record)
        if name and parent == name:
            check.add(number, "parent", "上级单位不能是本单位自己。")
            parent = None
        if name and parent is not None and kind and sort_order is not None:
            rows[name] = UnitRow(number, name, parent, kind, sort_order)
    for record in records:
        parent = record.get("parent", "")
        if parent and parent != record.get("name") and len(parent) <= 60 and parent not in ERROR_CODES:
            problem = _unit_problem(parent, plan, file_units, "上级单位")
            if problem:
                check.add(record["row"], "parent", problem)
    _check_cycles(rows, check)
    plan.units = _parents_first(rows)


def _sort_order(check: xlsx.Checker, record: dict) -> int | None:
    text = check.value(record, "sort_order")
    if text is None:
        return None
    if not text:
        return 0
    if not re.fullmatch(r"[+-]?\d+", text):
        check.add(record["row"], "sort_order", f"“{text}”不是整数。")
        return None
    number = int(text)
    if not 0 <= number <= 9999:
        check.add(record["row"], "sort_order", "应在 0 至 9999 之间。")
        return None
    return number


def _check_cycles(rows: dict[str, UnitRow], check: xlsx.Checker) -> None:
    """A → B → A among the file's own units can never be created: name every unit in the loop."""
    reported: set[str] = set()
    for start in rows:
        path: list[str] = []
        current = start
        while current in rows and current not in path and current not in reported:
            path.append(current)
            current = rows[current].parent
        if current in path:
            loop = path[path.index(current):]
            text = " → ".join(loop + [current])
            for name in loop:
                check.add(rows[name].row, "parent", f"上级单位形成循环：{text}。")
            reported.update(loop)
        reported.update(path)


def _parents_first(rows: dict[str, UnitRow]) -> list[UnitRow]:
    depth: dict[str, int] = {}

    def depth_of(name: str, seen: frozenset = frozenset()) -> int:
        if name not in depth:
            parent = rows[name].parent
            inside = parent in rows and parent not in seen
            depth[name] = depth_of(parent, seen | {name}) + 1 if inside else 0
        return depth[name]

    return sorted(rows.values(), key=lambda r: (depth_of(r.name), r.row))


def _split_portfolio(text: str) -> list[str]:
    names: list[str] = []
    for part in PORTFOLIO_SEPARATORS.split(text or ""):
        part = part.strip()
        if part and part not in names:
            names.append(part)
    return names


def _validate_users(records: list[dict], plan: ImportPlan, file_units: set[str]) -> None:
    check = xlsx.Checker(USER_SHEET, USER_COLUMNS, plan.problems)
    taken = _existing_usernames({r.get("username", "") for r in records} - {""})
    first_row: dict[str, int] = {}
    for record in records:
        number = record["row"]
        username = check.value(record, "username")
        if username:
            key = username.lower()
            if not USERNAME_PATTERN.match(username):
                check.add(number, "username", f"“{username}”含有不允许的字符：只能包含字母、数字、下划线、点和短横线。")
                username = None
            elif key in first_row:
                check.add(number, "username", f"“{username}”与第 {first_row[key]} 行重复（用户名不区分大小写）。")
                username = None
            else:
                first_row[key] = number
                if key in taken:
                    check.add(number, "username", f"用户名“{username}”已存在，请换一个。")
                    username = None
        full_name = check.value(record, "full_name")
        if full_name:
            full_name = xlsx.person_name(full_name)
        unit = check.value(record, "unit")
        if unit:
            problem = _unit_problem(unit, plan, file_units, "所在单位")
            if problem:
                check.add(number, "unit", problem)
                unit = None
        role = check.choice(record, "role", ROLE_LABELS, "角色")
        rank = check.choice(record, "rank", RANK_LABELS, "职级层次")
        title = check.value(record, "title")
        phone = check.value(record, "phone")
        portfolio = _split_portfolio(check.value(record, "portfolio") or "")
        portfolio_ok = True
        if portfolio and role is not None and role != Role.LEADER:
            check.add(number, "portfolio", f"只有角色为「{ROLE_LABELS[Role.LEADER]}」的人员可以填写分管单位。")
            portfolio_ok = False
        for name in portfolio if portfolio_ok else ():
            problem = _unit_problem(name, plan, file_units, "分管单位")
            if problem:
                check.add(number, "portfolio", problem)
                portfolio_ok = False
        password = check.value(record, "password")
        if password:
            problem = password_problem(password, username or record.get("username", ""))
            if problem:
                check.add(number, "password", problem)
                password = None
        if username and full_name and unit and role and rank and title is not None and phone is not None \
                and portfolio_ok and password is not None:
            plan.users.append(UserRow(number, username, full_name, unit, role, rank, title, phone,
                                      portfolio, password))


# -- Importing ----------------------------------------------------------------------------------
def generate_password(username: str) -> str:
    """A random 10-character initial password of letters and digits that passes the rules."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_PASSWORD_LENGTH))
        has_all = (any(c.isupper() for c in password) and any(c.islower() for c in password)
                   and any(c.isdigit() for c in password))
        if has_all and password_problem(password, username) is None:
            return password


def apply(plan: ImportPlan, source: str = "") -> ImportResult:
    """Create the plan's units (parents first) and people, and one audit row. The caller commits."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be imported")
    units = dict(plan.existing_units)
    created_units: list[Unit] = []
    for row in plan.units:
        unit = Unit(name=row.name, kind=row.kind, sort_order=row.sort_order,
                    parent=units.get(row.parent) if row.parent else None)
        db.session.add(unit)
        units[row.name] = unit
        created_units.append(unit)
    db.session.flush()

    passwords = [row.password or generate_password(row.username) for row in plan.users]
    people = [
        User(username=row.username, full_name=row.full_name, role=row.role, rank=row.rank,
             title=row.title, phone=row.phone, active=True, session_version=1, must_change_password=True)
        for row in plan.users
    ]
    # Password hashing is slow on purpose (~0.1 s each); hashlib releases the GIL, so a few threads
    # cut the wait for a large file. The users are not in the session yet: nothing else touches them.
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(User.set_password, people, passwords))
    generated: list[GeneratedPassword] = []
    for row, user, password in zip(plan.users, people, passwords, strict=True):
        user.unit = units[row.unit]
        user.portfolio_units = [units[name] for name in row.portfolio]
        db.session.add(user)
        if not row.password:
            generated.append(GeneratedPassword(row.username, row.full_name, row.unit, password))
    db.session.flush()

    result = ImportResult(created_units, people, generated)
    details = {"units": [u.name for u in created_units], "users": [u.username for u in people]}
    if source:
        details["file"] = source
    audit.record("org.imported", None, result.summary, **details)
    return result
