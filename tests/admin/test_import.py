"""批量导入: the template, the all-or-nothing import of units and people, the report, the CLI."""
import re
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.admin import imports
from app.audit import AuditLog
from app.extensions import db
from app.org.models import Rank, Role, Unit, UnitKind, User
from tests.factories import make_bureau, make_unit

NEW_PASSWORD = "Qingshan#Imp2026"


def workbook(units=(), users=(), unit_header=None, user_header=None) -> bytes:
    """A workbook laid out like the template; rows are in the template's column order."""
    book = Workbook()
    sheet = book.active
    sheet.title = "单位"
    sheet.append(unit_header or [c.template_header for c in imports.UNIT_COLUMNS])
    for row in units:
        sheet.append(list(row))
    sheet = book.create_sheet("人员")
    sheet.append(user_header or [c.template_header for c in imports.USER_COLUMNS])
    for row in users:
        sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def person(username, full_name, unit, role="干部职工", rank="一般干部", title="科员", phone="",
           portfolio="", password=NEW_PASSWORD):
    return (username, full_name, unit, role, rank, title, phone, portfolio, password)


def upload(client, data: bytes, filename: str = "住建局人员名单.xlsx"):
    return client.post("/admin/import", data={"file": (BytesIO(data), filename)},
                       content_type="multipart/form-data")


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count(Unit.id))),
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "org.imported")),
    )


def user_named(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def unit_named(name: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def problems_of(data: bytes) -> list[str]:
    return [str(p) for p in imports.read_upload(data, "名单.xlsx").problems]


@pytest.fixture
def bureau(app):
    return make_bureau()


@pytest.fixture
def admin(bureau, auth):
    auth.login("admin")
    return bureau


VALID = workbook(
    units=[
        ("城市管理综合执法大队", "测试局", "二级单位", 30),
        ("执法一中队", "城市管理综合执法大队", "二级单位", 31),
    ],
    users=[
        person("lijianguo", "李建国", "测试局", "班子成员", "班子成员", "副局长", "0731-84561234",
               "城市管理综合执法大队、财务股"),
        person("zhouhaiyan", "周海燕", "城市管理综合执法大队", "股室负责人", "中层干部", "大队长", 13807310001),
        person(10086, "王  芳", "执法一中队", password=""),
    ],
)


# -- The template ------------------------------------------------------------------------------
def test_template_downloads_with_a_chinese_file_name(admin, client):
    response = client.get("/admin/import/template")
    assert response.status_code == 200
    assert response.mimetype == imports.XLSX_MIMETYPE
    disposition = response.headers["Content-Disposition"]
    assert 'filename="danwei-renyuan-daoru-muban.xlsx"' in disposition
    assert "filename*=UTF-8''%E5%8D%95%E4%BD%8D%E4%B8%8E%E4%BA%BA%E5%91%98" in disposition
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["单位", "人员", "填写说明"]
    users = book["人员"]
    assert [c.value for c in users[1]] == [
        "用户名*", "姓名*", "所在单位*", "角色*", "职级层次*", "职务", "联系电话", "分管单位", "初始密码",
    ]
    assert users.max_row == 1 and book["单位"].max_row == 1  # examples live in 填写说明 only
    assert users.freeze_panes == "A2" and users["A1"].font.bold
    dropdowns = {str(v.sqref): v.formula1 for v in users.data_validations.dataValidation}
    assert dropdowns["D2:D5001"] == '"干部职工,股室负责人,班子成员,督查/纪检,专项办"'
    guide = [row[:3] for row in book["填写说明"].iter_rows(values_only=True)]
    assert ("财务股", "机关股室", "测试局") in guide  # existing units, ready to be referred to


def test_filled_in_template_imports_cleanly(admin, client):
    book = load_workbook(BytesIO(client.get("/admin/import/template").data))
    book["单位"].append(["信访股", "测试局", "机关股室", 12])
    book["人员"].append(["zhaomin", "赵敏", "信访股", "股室负责人", "中层干部", "股长", "13907310002", "", ""])
    out = BytesIO()
    book.save(out)
    response = upload(client, out.getvalue())
    assert response.status_code == 200, response.text
    assert user_named("zhaomin").unit is unit_named("信访股")


# -- A valid file ------------------------------------------------------------------------------
def test_valid_file_creates_units_and_people(admin, client):
    response = upload(client, VALID)
    assert response.status_code == 200
    assert "导入成功" in response.text and "新增单位 2 个、人员 3 人" in response.text
    team = unit_named("执法一中队")
    assert team.parent is unit_named("城市管理综合执法大队")
    assert team.parent.parent is unit_named("测试局")
    assert (team.kind, team.sort_order) == (UnitKind.SUBORDINATE, 31)
    leader = user_named("lijianguo")
    assert (leader.role, leader.rank, leader.title) == (Role.LEADER, Rank.LEADERSHIP, "副局长")
    assert {u.name for u in leader.portfolio_units} == {"城市管理综合执法大队", "财务股"}
    head = user_named("zhouhaiyan")
    assert (head.role, head.rank, head.phone) == (Role.UNIT_HEAD, Rank.MIDDLE, "13807310001")
    typed_as_number = user_named("10086")
    assert typed_as_number.full_name == "王芳"  # padding spaces inside a Han name closed up
    assert all(u.must_change_password for u in (leader, head, typed_as_number))


def test_imported_person_logs_in_and_must_change_password_first(admin, client, auth):
    upload(client, VALID)
    auth.logout()
    response = auth.login("lijianguo", NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/password")
    assert client.get("/").headers["Location"].endswith("/auth/password")


def test_generated_passwords_are_shown_once_and_work(admin, client, auth):
    response = upload(client, VALID)
    assert "请妥善转交，离开本页后无法再次查看" in response.text
    row = re.search(r"<td>10086</td><td>王芳</td><td>执法一中队</td><td class=\"nowrap\"><code>(\w+)</code>",
                    response.text)
    password = row.group(1)
    assert len(password) == 10 and re.search(r"\d", password) and re.search(r"[A-Za-z]", password)
    assert "另有 2 人使用表中填写的初始密码" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert password not in client.get("/admin/import").text
    auth.logout()
    assert auth.login("10086", password).headers["Location"].endswith("/auth/password")


def test_import_is_audited_once(admin, client):
    upload(client, VALID)
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "org.imported"))
    assert row.summary == "批量导入：新增单位 2 个、人员 3 人"
    assert row.actor_username == "admin"
    assert row.details_dict["units"] == ["城市管理综合执法大队", "执法一中队"]
    assert row.details_dict["users"] == ["lijianguo", "zhouhaiyan", "10086"]
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action.like("user.%"))) == 0


def test_units_may_name_a_parent_further_down_the_sheet(admin, client):
    data = workbook(units=[("执法一中队", "执法大队", "二级单位", ""), ("执法大队", "", "二级单位", "")])
    assert upload(client, data).status_code == 200
    assert unit_named("执法一中队").parent is unit_named("执法大队")
    assert unit_named("执法大队").parent is None


def test_blank_rows_and_surrounding_spaces_are_ignored(admin, client):
    data = workbook(units=[("  信访股 ", " 测试局", "机关股室 ", " 5 "), (None, None, None, None), ("", " ", "", "")],
                    users=[(None,) * 9, person(" chenyu ", " 陈雨 ", "信访股 ")])
    response = upload(client, data)
    assert response.status_code == 200, response.text
    assert unit_named("信访股").sort_order == 5
    assert user_named("chenyu").full_name == "陈雨"


# -- Problems: every row checked, every problem named, nothing written ---------------------------
ROLE_PROBLEM = "人员 第 2 行「角色」：“组长”不是有效的角色，可选：干部职工、股室负责人、班子成员、督查/纪检、专项办。"
ERROR_CASES = {
    "unit name missing": ([(None, "测试局", "机关股室", 1)], [], "单位 第 2 行「单位名称」：必须填写。"),
    "unit type missing": ([("信访股", "测试局", None, 1)], [], "单位 第 2 行「类型」：必须填写。"),
    "unit type unknown": ([("信访股", "测试局", "科室", 1)], [],
                          "单位 第 2 行「类型」：“科室”不是有效的类型，可选：局、机关股室、政务服务中心、二级单位。"),
    "unit name twice": ([("信访股", "测试局", "机关股室", 1), ("信访股", "测试局", "机关股室", 2)], [],
                        "单位 第 3 行「单位名称」：“信访股”与第 2 行重复。"),
    "unit name too long": ([("信" * 61, "测试局", "机关股室", 1)], [],
                           "单位 第 2 行「单位名称」：不能超过 60 个字（现为 61 个）。"),
    "unknown parent": ([("信访股", "县住建局", "机关股室", 1)], [],
                       "单位 第 2 行「上级单位」：上级单位“县住建局”不存在：系统中没有这个单位，「单位」表中也没有。"),
    "parent cycle": ([("甲股", "乙股", "机关股室", 1), ("乙股", "甲股", "机关股室", 2)], [],
                     "单位 第 2 行「上级单位」：上级单位形成循环：甲股 → 乙股 → 甲股。"),
    "own parent": ([("甲股", "甲股", "机关股室", 1)], [], "单位 第 2 行「上级单位」：上级单位不能是本单位自己。"),
    "sort order not integer": ([("信访股", "测试局", "机关股室", "第三")], [],
                               "单位 第 2 行「排序号」：“第三”不是整数。"),
    "sort order fraction": ([("信访股", "测试局", "机关股室", 2.5)], [], "单位 第 2 行「排序号」：“2.5”不是整数。"),
    "username missing": ([], [person(None, "陈雨", "办公室")], "人员 第 2 行「用户名」：必须填写。"),
    "username characters": ([], [person("陈雨", "陈雨", "办公室")],
                            "人员 第 2 行「用户名」：“陈雨”含有不允许的字符：只能包含字母、数字、下划线、点和短横线。"),
    "username twice": ([], [person("chenyu", "陈雨", "办公室"), person("ChenYu", "陈宇", "办公室")],
                       "人员 第 3 行「用户名」：“ChenYu”与第 2 行重复（用户名不区分大小写）。"),
    "username too long": ([], [person("c" * 41, "陈雨", "办公室")],
                          "人员 第 2 行「用户名」：不能超过 40 个字（现为 41 个）。"),
    "full name missing": ([], [person("chenyu", "", "办公室")], "人员 第 2 行「姓名」：必须填写。"),
    "full name too long": ([], [person("chenyu", "陈" * 41, "办公室")],
                           "人员 第 2 行「姓名」：不能超过 40 个字（现为 41 个）。"),
    "unit unknown": ([], [person("chenyu", "陈雨", "信访股")],
                     "人员 第 2 行「所在单位」：所在单位“信访股”不存在：系统中没有这个单位，「单位」表中也没有。"),
    "role unknown": ([], [person("chenyu", "陈雨", "办公室", role="组长")], ROLE_PROBLEM),
    "rank unknown": ([], [person("chenyu", "陈雨", "办公室", rank="科员")],
                     "人员 第 2 行「职级层次」：“科员”不是有效的职级层次，可选：班子成员、中层干部、一般干部。"),
    "title too long": ([], [person("chenyu", "陈雨", "办公室", title="职" * 41)],
                       "人员 第 2 行「职务」：不能超过 40 个字（现为 41 个）。"),
    "phone too long": ([], [person("chenyu", "陈雨", "办公室", phone="1" * 31)],
                       "人员 第 2 行「联系电话」：不能超过 30 个字（现为 31 个）。"),
    "portfolio for staff": ([], [person("chenyu", "陈雨", "办公室", portfolio="财务股")],
                            "人员 第 2 行「分管单位」：只有角色为「班子成员」的人员可以填写分管单位。"),
    "portfolio unknown": ([], [person("chenyu", "陈雨", "测试局", "班子成员", "班子成员", portfolio="财务股；信访股")],
                          "人员 第 2 行「分管单位」：分管单位“信访股”不存在：系统中没有这个单位，「单位」表中也没有。"),
    "password all digits": ([], [person("chenyu", "陈雨", "办公室", password=20261126)],
                            "人员 第 2 行「初始密码」：密码不能全是数字，请加入字母或符号。"),
    "password contains username": ([], [person("chenyu", "陈雨", "办公室", password="chenyu2026!")],
                                   "人员 第 2 行「初始密码」：密码不能包含用户名。"),
    "formula error value": ([], [person("chenyu", "#REF!", "办公室")],
                            "人员 第 2 行「姓名」：单元格是公式错误值 #REF!，请填写实际内容。"),
}


@pytest.mark.parametrize("units, users, expected", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_each_problem_is_reported_by_row_and_column(bureau, units, users, expected):
    assert expected in problems_of(workbook(units=units, users=users))


def test_units_and_usernames_already_in_the_system_are_refused(bureau):
    problems = problems_of(workbook(units=[("财务股", "测试局", "机关股室", 3)],
                                    users=[person("STAFF", "张强", "办公室")]))
    assert problems == [
        "单位 第 2 行「单位名称」：“财务股”单位已存在，不能重复导入（人员表可直接填写已有单位）。",
        "人员 第 2 行「用户名」：用户名“STAFF”已存在，请换一个。",
    ]


def test_deactivated_unit_cannot_receive_people(bureau):
    make_unit("原档案室", active=False)
    assert problems_of(workbook(users=[person("chenyu", "陈雨", "原档案室")])) == [
        "人员 第 2 行「所在单位」：所在单位“原档案室”已停用，请先在单位管理中启用，或改填其他单位。"
    ]


def test_a_unit_row_with_problems_does_not_cascade_to_its_people(bureau):
    problems = problems_of(workbook(units=[("信访股", "测试局", "科室", 1)],
                                    users=[person("chenyu", "陈雨", "信访股")]))
    assert len(problems) == 1 and problems[0].startswith("单位 第 2 行「类型」")


def test_wrong_columns_are_named(bureau):
    header = ["用户名*", "姓名", "单位", "角色*", "职级层次*"]
    problems = problems_of(workbook(users=[("chenyu", "陈雨", "办公室", "干部职工", "一般干部")], user_header=header))
    assert problems == [
        "人员 第 1 行「单位」：无法识别的列名（第 C 列）。请使用导入模板中的列名，不需要的列请删除。",
        "人员 第 1 行「所在单位」：缺少此列，请使用下载的导入模板填写。",
    ]


def test_data_in_a_column_without_a_header_is_named(bureau):
    data = workbook(users=[person("chenyu", "陈雨", "办公室") + ("借调人员",)])
    assert problems_of(data) == [
        "人员 第 2 行「第 J 列」：该列没有列名，无法识别其内容。请删除该列内容，或使用模板中的列。"
    ]


def test_an_empty_file_is_refused(bureau):
    assert problems_of(workbook()) == ["文件中没有需要导入的数据：「单位」和「人员」表都是空的。"]


def test_more_than_the_row_limit_is_refused(bureau, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    data = workbook(users=[person(f"user{i}", "陈雨", "办公室") for i in range(4)])
    assert problems_of(data) == ["人员 第 5 行：数据超过 3 行，请拆分为多个文件分批导入。"]


def test_5000_rows_are_accepted_by_the_checks(bureau):
    data = workbook(users=[person(f"user{i}", "陈雨", "办公室") for i in range(5000)])
    assert problems_of(data) == []
    assert len(imports.read_upload(data, "名单.xlsx").users) == 5000


def test_file_with_problems_gets_a_report_and_imports_nothing(admin, client):
    before = counts()
    data = workbook(
        units=[("信访股", "测试局", "机关股室", 1), ("信访股", "测试局", "机关股室", 2)],
        users=[person("chenyu", "陈雨", "信访股"), person("wangqiang", "王强", "办公室", role="组长")],
    )
    response = upload(client, data)
    assert response.status_code == 422
    assert "中有 2 处问题" in response.text and "未导入任何数据" in response.text
    assert "<th>工作表</th><th>行</th><th>列</th><th>问题</th>" in response.text
    assert "第 3 行" in response.text and "“组长”不是有效的角色" in response.text
    assert counts() == before


# -- Refused files -----------------------------------------------------------------------------
def zip_bomb() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


REFUSED = {
    "old xls": (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "名单.xls", "只能导入 .xlsx 格式的 Excel 文件"),
    "html renamed": ("<html><body><table><tr><td>张三</td></tr></table></body></html>".encode(), "名单.xlsx",
                     "文件内容不是 Excel（.xlsx）格式"),
    "broken zip": (b"PK\x03\x04" + b"garbage" * 50, "名单.xlsx", "文件无法读取"),
    "zip without a workbook": (None, "名单.xlsx", "文件无法读取"),
    "zip bomb": (zip_bomb(), "名单.xlsx", "疑似恶意构造的文件"),
}


@pytest.mark.parametrize("data, filename, message", REFUSED.values(), ids=REFUSED.keys())
def test_files_that_are_not_plain_workbooks_are_refused(admin, client, data, filename, message):
    if data is None:
        out = BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "不是表格")
        data = out.getvalue()
    before = counts()
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert message in response.text
    assert counts() == before


def test_too_much_uncompressed_data_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(imports.FileRefused, match="解压后过大"):
        imports.check_file(VALID, "名单.xlsx")


def test_missing_file_is_asked_for(admin, client):
    response = client.post("/admin/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "请选择要导入的 Excel 文件" in response.text


def test_oversize_upload_gets_a_chinese_413(app, admin, client):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    response = upload(client, VALID + b"\0" * 8192)
    assert response.status_code == 413
    assert "文件过大" in response.text


def test_a_clash_at_insert_time_imports_nothing(admin, client, monkeypatch):
    # Someone adds the same username between our check and our insert.
    monkeypatch.setattr(imports, "_existing_usernames", lambda usernames: set())
    before = counts()
    response = upload(client, workbook(units=[("信访股", "测试局", "机关股室", 1)],
                                       users=[person("staff", "张强", "信访股")]))
    assert response.status_code == 409
    assert "本次未导入任何数据" in response.text
    assert counts() == before


# -- Who may import ----------------------------------------------------------------------------
ENDPOINTS = [("get", "/admin/import"), ("post", "/admin/import"), ("get", "/admin/import/template")]


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_staff_may_not_import(bureau, client, auth, method, path):
    auth.login("staff")
    before = counts()
    response = getattr(client, method)(path, data={"file": (BytesIO(VALID), "名单.xlsx")} if method == "post" else None)
    assert response.status_code == 403
    assert counts() == before


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_anonymous_is_sent_to_login(bureau, client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_upload_page_works_without_javascript(admin, client):
    page = client.get("/admin/import").text
    assert 'enctype="multipart/form-data"' in page and 'hx-boost="false"' in page
    assert 'type="file"' in page and "下载导入模板" in page


# -- The command line --------------------------------------------------------------------------
def test_cli_imports_and_prints_generated_passwords(bureau, runner, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(VALID)
    result = runner.invoke(args=["import-org", str(path)])
    assert result.exit_code == 0, result.output
    assert "导入成功：新增单位 2 个、人员 3 人。" in result.output
    password = re.search(r"^10086\t王芳\t执法一中队\t(\w{10})$", result.output, re.M).group(1)
    assert user_named("10086").check_password(password)
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "org.imported"))
    assert row.address == "cli" and row.actor_id is None


def test_cli_prints_the_report_and_fails(bureau, runner, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(workbook(users=[person("chenyu", "陈雨", "办公室", role="组长")]))
    before = counts()
    result = runner.invoke(args=["import-org", str(path)])
    assert result.exit_code == 1
    assert "1 处问题，未导入任何数据" in result.output
    assert ROLE_PROBLEM in result.output
    assert counts() == before
