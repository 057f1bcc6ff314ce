"""The ledger in Excel: export in the standard layout, the import template, the all-or-nothing import."""
import re
import zipfile
from datetime import date, datetime, timedelta
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select

from app.audit import AuditLog
from app.campaigns.models import Campaign
from app.extensions import db
from app.ledger import excel, services
from app.ledger.models import LedgerItem, RectifyType, Source, State
from app.org.models import Role
from tests.factories import make_campaign, make_item, make_user, today

HEADER = ["序号", "问题来源", "问题类别", "问题描述", "整改类型", "整改目标", "整改措施", "责任领导", "责任单位",
          "责任人", "整改时限", "整改进展", "完成情况", "状态", "销号时间", "销号人", "备注"]
# What the import takes over: every column but 序号, 状态, 销号时间, 销号人 (and 备注 gains 原序号).
CARRIED = ["问题来源", "问题类别", "问题描述", "整改类型", "整改目标", "整改措施", "责任领导", "责任单位", "责任人",
           "整改时限", "整改进展", "完成情况"]
DUE = today() + timedelta(days=30)


# -- Helpers ------------------------------------------------------------------------------------
def export(client, **args):
    response = client.get("/ledger/export.xlsx", query_string=args)
    assert response.status_code == 200, response.text
    return response


def rows_of(data: bytes) -> list[dict]:
    sheet = load_workbook(BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in values[1:]]


def ledger_file(*rows, header=HEADER, title="问题台账") -> bytes:
    """A workbook like a unit's own ledger: `rows` are dicts by header, or lists in header order."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(h) for h in header] if isinstance(row, dict) else list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def good_row(world, **changes) -> dict:
    row = {
        "序号": "办公室-007", "问题来源": "自查发现", "问题类别": "工作效率", "问题描述": "窗口办件超时，群众多次往返。",
        "整改类型": "限期整改", "整改目标": "按时办结率 100%", "整改措施": "梳理流程，实行限时办结。",
        "责任领导": world["leader"].full_name, "责任单位": "办公室", "责任人": world["staff"].full_name,
        "整改时限": DUE.isoformat(), "整改进展": "", "完成情况": "", "状态": "待整改", "销号时间": None, "销号人": None,
        "备注": "",
    }
    row.update(changes)
    return row


def upload(client, data: bytes, unit_id: int, filename: str = "办公室问题台账.xlsx"):
    return client.post("/ledger/import", data={"unit_id": str(unit_id), "file": (BytesIO(data), filename)},
                       content_type="multipart/form-data")


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(LedgerItem.id))),
        db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "ledger.imported")),
    )


def problems_of(world, *rows, **kwargs) -> list[str]:
    return [str(p) for p in excel.read_upload(ledger_file(*rows, **kwargs), "台账.xlsx", world["office"]).problems]


def _closed(item, world):
    services.report_progress(item, world["staff"], item.version, "已梳理流程")
    db.session.flush()
    services.submit(item, world["staff"], item.version, "已按期办结")
    db.session.flush()
    services.pass_first_review(item, world["head"], item.version)
    db.session.flush()
    services.sign_off(item, world["leader"], item.version)
    db.session.flush()
    return item


@pytest.fixture
def office_items(world):
    """办公室's ledger beyond world's item 001: a long-term one, a closed one, one full of formula-like text."""
    common = {"unit": world["office"], "owner": world["staff"], "leader": world["leader"]}
    make_item(**common, rectify_type=RectifyType.LONG_TERM, due_on=None, source=Source.PUBLIC, category="服务群众",
              description="服务态度生硬。", goal="群众满意", remarks="每季度回访")
    _closed(make_item(**common, rectify_type=RectifyType.IMMEDIATE,
                      description="会议室长明灯。", due_on=today()), world)
    make_item(**common, description="=HYPERLINK(\"http://evil.example\",\"点此\")", measures="+1 加强学习",
              goal="-2 项", remarks="@SUM(A1)", due_on=DUE)
    db.session.commit()
    return world


# -- Export ---------------------------------------------------------------------------------------
def test_export_has_the_standard_header_and_rows_in_order(office_items, client, auth):
    auth.login("admin")
    rows = rows_of(export(client).data)
    assert [r["序号"] for r in rows] == ["办公室-001", "办公室-002", "办公室-003", "办公室-004"]
    first = rows[0]
    world = office_items
    assert first["问题来源"] == "自查发现" and first["整改类型"] == "限期整改" and first["状态"] == "待整改"
    assert first["责任领导"] == world["leader"].full_name and first["责任人"] == world["staff"].full_name
    assert first["责任单位"] == "办公室" and first["整改时限"].date() == world["item"].due_on
    assert rows[1]["整改时限"] is None and rows[1]["备注"] == "每季度回访"


def test_export_shows_who_signed_off_and_when(office_items, client, auth):
    auth.login("admin")
    closed = rows_of(export(client).data)[2]
    assert closed["状态"] == "已销号" and closed["销号人"] == office_items["leader"].full_name
    assert closed["销号时间"].date() == today()


def test_export_header_is_bold_filled_frozen_and_sized(office_items, client, auth):
    auth.login("admin")
    sheet = load_workbook(BytesIO(export(client).data)).active
    assert sheet.title == "问题台账"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["A1"].fill.fgColor.rgb == "FFDDEBF7"
    assert sheet.column_dimensions["D"].width == 40 and sheet.column_dimensions["A"].width == 14
    assert sheet["K2"].number_format == "yyyy-mm-dd"


def test_staff_exports_their_own_unit_only(office_items, client, auth):
    make_item(unit=office_items["other"], owner=office_items["other_staff"], description="财务报销拖延")
    auth.login("staff")
    assert {r["责任单位"] for r in rows_of(export(client).data)} == {"办公室"}
    auth.logout()
    auth.login("other_staff")
    assert [r["序号"] for r in rows_of(export(client).data)] == ["财务股-001"]


def test_export_follows_the_filters(office_items, client, auth):
    auth.login("admin")
    assert [r["序号"] for r in rows_of(export(client, state="closed").data)] == ["办公室-003"]
    assert [r["序号"] for r in rows_of(export(client, rectify_type="long_term").data)] == ["办公室-002"]
    assert [r["序号"] for r in rows_of(export(client, q="长明灯").data)] == ["办公室-003"]
    assert rows_of(export(client, unit=office_items["other"].id).data) == []


def test_text_that_looks_like_a_formula_stays_text(office_items, client, auth):
    auth.login("admin")
    data = export(client).data
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere: Excel evaluates nothing
    sheet = load_workbook(BytesIO(data)).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "办公室-004")
    cells = {HEADER[i]: cell for i, cell in enumerate(row)}
    expected = {"问题描述": '=HYPERLINK("http://evil.example","点此")', "整改措施": "+1 加强学习",
                "整改目标": "-2 项", "备注": "@SUM(A1)"}
    for header, text in expected.items():
        cell = cells[header]
        assert cell.value == text and cell.data_type == "s", header
        assert cell.quotePrefix, header  # Excel shows it as typed and keeps it text when edited
    assert not cells["问题来源"].quotePrefix


def test_export_file_name_is_chinese_with_an_ascii_fallback(office_items, client, auth):
    auth.login("admin")
    response = export(client, unit=office_items["office"].id)
    day = today().isoformat()
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="ledger-{day}.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote(f'问题台账-办公室-{day}.xlsx')}" in disposition
    assert response.headers["Cache-Control"] == "no-store"  # set for every signed-in answer
    assert int(response.headers["Content-Length"]) == len(response.data)


def test_export_reads_the_ledger_in_batches(world, client, auth):
    people = {"unit": world["office"], "owner": world["staff"], "leader": world["leader"]}
    for n in range(2, 602):  # more than one batch
        make_item(**people, description=f"问题{n}")
    db.session.commit()
    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT") and "FROM ledger_item" in statement:
            seen.append(context.execution_options.get("yield_per"))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        auth.login("admin")
        rows = rows_of(export(client).data)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert seen == [500]
    assert len(rows) == 601 and rows[-1]["序号"] == "办公室-601" and rows[-1]["问题描述"] == "问题601"


def test_list_page_links_the_export_with_its_filters(world, client, auth):
    auth.login("head")
    page = client.get("/ledger/?state=open&q=%E7%AA%97%E5%8F%A3").text
    link = re.search(r'href="(/ledger/export\.xlsx\?[^"]*)"[^>]*>导出 Excel', page).group(1)
    assert "state=open" in link and "q=%E7%AA%97%E5%8F%A3" in link
    assert "导入台账" in page


def test_staff_sees_export_but_not_import(world, client, auth):
    auth.login("staff")
    page = client.get("/ledger/").text
    assert "导出 Excel" in page and "导入台账" not in page


# -- Round trip -----------------------------------------------------------------------------------
def test_round_trip_export_then_import_gives_the_same_rows(office_items, client, auth):
    auth.login("admin")
    office = office_items["office"]
    exported = export(client, unit=office.id).data
    before = rows_of(exported)
    # A new campaign: the same unit brings its ledger over.
    old = db.session.scalar(select(Campaign).where(Campaign.is_current.is_(True)))
    old.is_current = False
    new = make_campaign(title="2027年作风建设专项行动")
    db.session.commit()
    response = upload(client, exported, office.id)
    assert response.status_code == 302, response.text
    after = rows_of(export(client, unit=office.id, campaign=new.id).data)
    assert [{k: r[k] for k in CARRIED} for r in after] == [{k: r[k] for k in CARRIED} for r in before]
    assert [r["序号"] for r in after] == [r["序号"] for r in before]  # numbered afresh in the new campaign
    assert {r["状态"] for r in after} == {"待整改"}
    assert after[1]["备注"] == "每季度回访；原序号：办公室-002"
    assert after[2]["备注"] == f"原序号：办公室-003；原状态：已销号（{today()}，{office_items['leader'].full_name} 销号）"


def test_reimport_into_the_same_campaign_continues_the_numbering(office_items, client, auth):
    auth.login("admin")
    office = office_items["office"]
    response = upload(client, export(client, unit=office.id).data, office.id)
    assert response.status_code == 302
    codes = [r["序号"] for r in rows_of(export(client, unit=office.id).data)]
    assert codes == [f"办公室-{n:03d}" for n in range(1, 9)]


# -- The template ---------------------------------------------------------------------------------
def test_template_downloads_with_the_standard_columns(world, client, auth):
    auth.login("head")
    response = client.get("/ledger/import/template", query_string={"unit": world["office"].id})
    assert response.status_code == 200
    assert 'filename="ledger-import-template.xlsx"' in response.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('问题台账导入模板.xlsx')}" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["问题台账", "填写说明"]
    sheet = book["问题台账"]
    assert [c.value.rstrip("*") for c in sheet[1]] == HEADER and sheet.max_row == 1
    assert sheet["B1"].value == "问题来源*" and sheet.freeze_panes == "A2" and sheet["A1"].font.b
    dropdowns = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert dropdowns["E2:E2001"] == '"立行立改,限期整改,长期坚持"'
    guide = [(row[0], row[2]) for row in book["填写说明"].iter_rows(values_only=True)]
    assert (world["leader"].full_name, "leader") in guide
    assert (world["staff"].full_name, "staff") in guide  # the unit's people


def test_filled_in_template_imports(world, client, auth):
    auth.login("head")
    book = load_workbook(BytesIO(client.get("/ledger/import/template").data))
    row = good_row(world, 序号=None, 状态=None)
    book["问题台账"].append([row[h] for h in HEADER])
    out = BytesIO()
    book.save(out)
    response = upload(client, out.getvalue(), world["office"].id)
    assert response.status_code == 302
    item = db.session.scalar(select(LedgerItem).order_by(LedgerItem.id.desc()))
    assert item.code == "办公室-002" and item.state == State.PENDING and item.owner_id == world["staff"].id
    assert item.leader_id == world["leader"].id and item.due_on == DUE and item.remarks == ""


# -- Validation -----------------------------------------------------------------------------------
SOURCES = "自查发现、上级通报、群众反映、媒体曝光、督查检查、其他"
PROBLEMS = {
    "source": ({"问题来源": "自查"}, f"问题台账 第 2 行「问题来源」：“自查”不是有效的问题来源，可选：{SOURCES}。"),
    "category": ({"问题类别": "作风"}, "问题台账 第 2 行「问题类别」：“作风”不是有效的问题类别，可选："
                                       "思想认识、工作效率、纪律意识、廉洁自律、服务群众、其他。"),
    "rectify type": ({"整改类型": "马上改"}, "问题台账 第 2 行「整改类型」：“马上改”不是有效的整改类型，"
                                          "可选：立行立改、限期整改、长期坚持。"),
    "description": ({"问题描述": None}, "问题台账 第 2 行「问题描述」：必须填写。"),
    "measures": ({"整改措施": "  "}, "问题台账 第 2 行「整改措施」：必须填写。"),
    "too long": ({"问题描述": "长" * 2001}, "问题台账 第 2 行「问题描述」：不能超过 2000 个字（现为 2001 个）。"),
    "error value": ({"整改目标": "#REF!"}, "问题台账 第 2 行「整改目标」：单元格是公式错误值 #REF!，请填写实际内容。"),
    "no leader": ({"责任领导": None}, "问题台账 第 2 行「责任领导」：必须填写。"),
    "unknown leader": ({"责任领导": "王局长"}, "问题台账 第 2 行「责任领导」：班子成员中没有“王局长”。"
                                             "责任领导须是在岗的班子成员。请核对姓名，或先在人员管理中添加。"),
    "no owner": ({"责任人": None}, "问题台账 第 2 行「责任人」：必须填写。"),
    "unknown owner": ({"责任人": "赵六"}, "问题台账 第 2 行「责任人」：办公室在岗人员中没有“赵六”。"
                                        "责任人须是办公室的在岗人员。请核对姓名，或先在人员管理中添加。"),
    "unit mismatch": ({"责任单位": "财务股"}, "问题台账 第 2 行「责任单位」：“财务股”与所选的责任单位“办公室”不一致。"
                                           "一个文件只能导入一个单位的问题：请选择正确的单位，或清空此列。"),
    "no due date": ({"整改时限": None}, "问题台账 第 2 行「整改时限」：立行立改和限期整改的问题须填写整改时限"
                                     "（如 2026-12-31）；只有长期坚持的问题可以不填。"),
    "due date text": ({"整改时限": "年底前"}, "问题台账 第 2 行「整改时限」：“年底前”不是日期，"
                                          "请按 2026-12-31 的格式填写，或设为 Excel 日期格式。"),
    "impossible date": ({"整改时限": "2026-02-30"}, "问题台账 第 2 行「整改时限」：“2026-02-30”不是有效的日期。"),
}


@pytest.mark.parametrize("changes, expected", PROBLEMS.values(), ids=PROBLEMS.keys())
def test_each_problem_is_named_by_row_and_column(world, changes, expected):
    assert problems_of(world, good_row(world, **changes)) == [expected]


def test_owner_from_another_unit_is_refused(world):
    name = world["other_staff"].full_name
    assert problems_of(world, good_row(world, 责任人=name)) == [
        f"问题台账 第 2 行「责任人」：办公室在岗人员中没有“{name}”。责任人须是办公室的在岗人员。请核对姓名，或先在人员管理中添加。"
    ]


def test_deactivated_owner_is_refused(world):
    world["staff"].active = False
    db.session.commit()
    assert problems_of(world, good_row(world)) == [
        f"问题台账 第 2 行「责任人」：“{world['staff'].full_name}”已停用。责任人须是办公室的在岗人员。"
    ]


def test_staff_member_is_not_a_leader(world):
    name = world["head"].full_name
    assert problems_of(world, good_row(world, 责任领导=name))[0].startswith(f"问题台账 第 2 行「责任领导」：班子成员中没有“{name}”")


def test_two_people_of_one_name_must_be_told_apart(world):
    twin = make_user(Role.STAFF, world["office"], "staff2", full_name=world["staff"].full_name, title="科员")
    db.session.commit()
    problems = problems_of(world, good_row(world))
    assert len(problems) == 1
    assert f"办公室在岗人员中有 2 位“{twin.full_name}”" in problems[0] and "无法确定是哪一位" in problems[0]
    assert f"“{twin.full_name}（staff）”" in problems[0]
    plan = excel.read_upload(ledger_file(good_row(world, 责任人=f"{twin.full_name}（staff2）")), "台账.xlsx",
                             world["office"])
    assert plan.ok and plan.rows[0].fields["owner_id"] == twin.id


def test_dates_may_be_excel_dates_or_text_and_long_term_needs_none(world):
    rows = [
        good_row(world, 整改时限=datetime(2026, 12, 31)),  # noqa: DTZ001 - Excel cells hold naive dates
        good_row(world, 整改时限="2026/12/31"),
        good_row(world, 整改时限="2026年12月31日"),
        good_row(world, 整改类型="长期坚持", 整改时限="长期"),
        good_row(world, 整改类型="长期坚持", 整改时限=None),
    ]
    plan = excel.read_upload(ledger_file(*rows), "台账.xlsx", world["office"])
    assert plan.ok, plan.problems
    assert [r.fields["due_on"] for r in plan.rows] == [date(2026, 12, 31)] * 3 + [None, None]


def test_padded_names_and_columns_in_another_order_are_read(world):
    header = list(reversed(HEADER))
    row = good_row(world, 责任人=" " + world["staff"].full_name + " ")
    plan = excel.read_upload(ledger_file(row, header=header, title="Sheet1"), "台账.xlsx", world["office"])
    assert plan.ok, plan.problems
    assert plan.rows[0].fields["owner_id"] == world["staff"].id


def test_title_rows_above_the_column_names_are_skipped(world):
    book = Workbook()
    sheet = book.active
    sheet.append(["办公室作风问题整改台账"])
    sheet.append(["填报单位：办公室", None, None, None, None, None, None, None, None, None, "填报日期：2026年11月"])
    sheet.append([h if h != "问题描述" else "问题\n描述" for h in HEADER])
    sheet.append([good_row(world)[h] for h in HEADER])
    sheet.append([good_row(world, 问题来源="自查")[h] for h in HEADER])
    out = BytesIO()
    book.save(out)
    plan = excel.read_upload(out.getvalue(), "台账.xlsx", world["office"])
    assert [str(p) for p in plan.problems] == [
        f"Sheet 第 5 行「问题来源」：“自查”不是有效的问题来源，可选：{SOURCES}。"
    ]
    assert [r.row for r in plan.rows] == [4]


def test_every_problem_of_every_row_is_reported(world):
    problems = problems_of(world, good_row(world), good_row(world, 问题来源="自查", 责任人="赵六"), (),
                           good_row(world, 整改时限="下月"))
    assert [p.split("：")[0] for p in problems] == [
        "问题台账 第 3 行「问题来源」", "问题台账 第 3 行「责任人」", "问题台账 第 5 行「整改时限」",
    ]


def test_wrong_and_missing_columns_are_named(world):
    header = [h for h in HEADER if h != "整改措施"] + ["联系电话"]
    problems = problems_of(world, {}, header=header)
    assert "问题台账 第 1 行「联系电话」：无法识别的列名（第 Q 列）。请使用导入模板中的列名，不需要的列请删除。" in problems
    assert "问题台账 第 1 行「整改措施」：缺少此列，请使用下载的导入模板填写。" in problems


def test_an_empty_sheet_is_refused(world):
    assert problems_of(world) == ["问题台账：工作表「问题台账」中没有需要导入的问题。"]


def test_more_than_the_row_limit_is_refused(world, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 2)
    problems = problems_of(world, *[good_row(world)] * 3)
    assert problems == ["问题台账 第 4 行：数据超过 2 行，请拆分为多个文件分批导入。"]


def test_a_file_with_problems_imports_nothing_and_gets_a_report(world, client, auth):
    auth.login("head")
    before = counts()
    data = ledger_file(good_row(world), good_row(world, 问题类别="作风", 整改时限="下月"))
    response = upload(client, data, world["office"].id)
    assert response.status_code == 422
    page = response.text
    assert "「办公室问题台账.xlsx」的「问题台账」工作表中有 2 处问题" in page and "未导入任何数据" in page
    assert "<th>行</th><th>列</th><th>问题</th>" in page
    assert "第 3 行" in page and "“作风”不是有效的问题类别" in page and "“下月”不是日期" in page
    assert counts() == before


# -- Refused files --------------------------------------------------------------------------------
def zip_bomb() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


REFUSED = {
    "old xls": (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "台账.xls", "只能导入 .xlsx 格式的 Excel 文件"),
    "html renamed": ("<html><body><table><tr><td>问题</td></tr></table></body></html>".encode(), "台账.xlsx",
                     "文件内容不是 Excel（.xlsx）格式"),
    "broken zip": (b"PK\x03\x04" + b"garbage" * 50, "台账.xlsx", "文件无法读取"),
    "zip bomb": (zip_bomb(), "台账.xlsx", "疑似恶意构造的文件"),
}


@pytest.mark.parametrize("data, filename, message", REFUSED.values(), ids=REFUSED.keys())
def test_files_that_are_not_plain_workbooks_are_refused(world, client, auth, data, filename, message):
    auth.login("head")
    before = counts()
    response = upload(client, data, world["office"].id, filename)
    assert response.status_code == 422
    assert message in response.text
    assert counts() == before


def test_missing_file_is_asked_for(world, client, auth):
    auth.login("head")
    response = client.post("/ledger/import", data={"unit_id": world["office"].id}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "请选择要导入的 Excel 文件" in response.text


def test_upload_page_works_without_javascript(world, client, auth):
    auth.login("head")
    page = client.get("/ledger/import").text
    assert 'enctype="multipart/form-data"' in page and 'hx-boost="false"' in page and 'type="file"' in page
    assert re.search(r'<select[^>]*name="unit_id"', page)
    assert f'<option selected value="{world["office"].id}">办公室</option>' in page
    assert "财务股" not in page  # a unit head imports for their own unit only


# -- Who may import -------------------------------------------------------------------------------
@pytest.mark.parametrize("method, path", [
    ("get", "/ledger/import"), ("post", "/ledger/import"), ("get", "/ledger/import/template"),
])
def test_staff_may_not_import(world, client, auth, method, path):
    auth.login("staff")
    before = counts()
    data = {"unit_id": world["office"].id, "file": (BytesIO(ledger_file(good_row(world))), "台账.xlsx")}
    response = getattr(client, method)(path, data=data if method == "post" else None)
    assert response.status_code == 403
    assert counts() == before


def test_head_of_another_unit_may_not_import_into_this_one(world, client, auth):
    auth.login("other_head")
    before = counts()
    response = upload(client, ledger_file(good_row(world)), world["office"].id)
    assert response.status_code == 403
    assert counts() == before


def test_admin_imports_for_any_unit(world, client, auth):
    auth.login("admin")
    row = good_row(world, 责任单位="财务股", 责任人=world["other_staff"].full_name)
    response = upload(client, ledger_file(row), world["other"].id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ledger/?unit={world['other'].id}"
    page = client.get(response.headers["Location"]).text
    assert "已从「办公室问题台账.xlsx」导入财务股的问题 1 条（财务股-001），均为待整改状态。" in page


@pytest.mark.parametrize("path", ["/ledger/export.xlsx", "/ledger/import", "/ledger/import/template"])
def test_anonymous_is_sent_to_login(world, client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_without_a_current_campaign_import_is_a_409(world, client, auth):
    world["campaign"].is_current = False
    db.session.commit()
    auth.login("head")
    response = client.get("/ledger/import")
    assert response.status_code == 409
    assert "尚未设置当前专项行动，无法导入问题台账" in response.text


# -- The record -----------------------------------------------------------------------------------
def test_import_writes_one_audit_row_and_each_item_its_own(world, client, auth):
    auth.login("head")
    created_before = db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "ledger.created"))
    response = upload(client, ledger_file(good_row(world), good_row(world, 序号="办公室-008")), world["office"].id)
    assert response.status_code == 302
    log = db.session.scalars(select(AuditLog).where(AuditLog.action == "ledger.imported")).all()
    assert len(log) == 1
    assert log[0].summary == "导入问题台账：办公室 2 条" and log[0].actor_username == "head"
    assert '"codes": ["办公室-002", "办公室-003"]' in log[0].details and "办公室问题台账.xlsx" in log[0].details
    created = db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "ledger.created"))
    assert created == created_before + 2
    items = db.session.scalars(select(LedgerItem).where(LedgerItem.serial > 1).order_by(LedgerItem.id)).all()
    assert [i.remarks for i in items] == ["原序号：办公室-007", "原序号：办公室-008"]
    assert all(i.events[0].kind == "created" and i.created_by_id == world["head"].id for i in items)
