"""情况报告: the figures against a hand-counted ledger, the page against its Excel, Word and print
view, who may report on what, bad periods, and the number of queries."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import html
from openpyxl import load_workbook

from app.campaigns.models import Campaign, Phase, PhaseKind
from app.extensions import db
from app.org.models import Unit
from app.overview import reports
from app.templating import today
from tests.factories import make_item
from tests.ledger.test_query_counts import counting_queries
from tests.overview.report_world import END_DAYS_AGO, START_DAYS_AGO, build_world, period_args

URLS = ("/overview/report", "/overview/report/print", "/overview/report.xlsx", "/overview/report.docx")
LIST_IDS = {"新增问题": "new", "推进落实": "ongoing", "已办结销号": "closed"}


@pytest.fixture
def world(app):
    return build_world()


def codes(world, *letters) -> list[str]:
    return [world["items"][letter].code for letter in letters]


def head_report(world) -> reports.Report:
    period = reports.Period(today() - timedelta(days=START_DAYS_AGO), today() - timedelta(days=END_DAYS_AGO))
    return reports.build(world["head"], world["campaign"], period, [world["office"]])


def table_rows(page: str, path: str) -> list[list[str]]:
    """The text of the cells (th and td) of every row under `path` (XPath) on `page`."""
    return [[cell.text_content().strip() for cell in row.xpath("./th|./td")]
            for row in html.fromstring(page).xpath(path + "//tr")]


def table(css_class: str, part: str = "") -> str:
    return f"//table[contains(concat(' ', @class, ' '), ' {css_class} ')]" + (f"/{part}" if part else "")


def sheets(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _grouped(rows: list[list[str]]) -> list[list[str]]:
    """Rows of a table whose group cell spans its rows, with the group name on every row."""
    group = None
    for row in rows:
        if len(row) == 5:
            group = row[0]
        else:
            row.insert(0, group)
    return rows


# -- The figures -----------------------------------------------------------------------------------
def test_figures_match_the_hand_count(world):
    report = head_report(world)
    new, ongoing, closed = report.new, report.ongoing, report.signed_off
    assert (report.registered, report.closed, report.closed_rate, report.with_feedback) == (8, 3, 37, 2)

    assert [e.item.code for e in new.entries] == codes(world, "B", "C", "G", "J")
    assert (new.tally.total, new.tally.overdue) == (4, 1)
    assert {k: n for k, n in new.tally.by_source.items() if n} == {"superior": 1, "public": 1, "media": 2}
    assert {k: n for k, n in new.tally.by_category.items() if n} == {
        "纪律意识": 1, "服务群众": 1, "其他": 1, "廉洁自律": 1}

    assert [e.item.code for e in ongoing.entries] == codes(world, "A", "C", "F", "G", "J")
    assert [e.state.label for e in ongoing.entries] == ["整改中", "待销号", "整改中", "待整改", "待整改"]
    assert [e.overdue for e in ongoing.entries] == [True, True, False, False, False]
    assert ongoing.entries[0].feedback == "本期反馈：限时办结制度已试行。"
    assert {k: n for k, n in ongoing.tally.by_source.items() if n} == {"self_inspection": 2, "public": 1, "media": 2}
    assert {k: n for k, n in ongoing.tally.by_category.items() if n} == {
        "工作效率": 1, "服务群众": 1, "思想认识": 1, "其他": 1, "廉洁自律": 1}

    assert [e.item.code for e in closed.entries] == codes(world, "B", "E")
    assert [e.closed_on for e in closed.entries] == [today() - timedelta(days=12), today() - timedelta(days=19)]
    assert [e.completion for e in closed.entries] == ["B 整改完成：考勤制度已落实。", "E 整改完成：超期办结。"]
    assert (closed.tally.total, closed.tally.overdue) == (2, 1)
    assert {k: n for k, n in closed.tally.by_source.items() if n} == {"superior": 1, "inspection": 1}
    assert list(report.count_rows())[0] == ("合计", "问题总数", 4, 5, 2)
    assert list(report.count_rows())[-1] == ("其中", "逾期", 1, 2, 1)


def test_presets_cover_week_month_last_month_and_the_campaign():
    campaign = Campaign(title="专项行动", year=2026, phases=[
        Phase(kind=PhaseKind.STUDY, sort_order=0, starts_on=date(2026, 1, 10), ends_on=date(2026, 2, 10))])
    day = date(2026, 3, 4)  # a Wednesday
    assert reports.preset_period("week", campaign, day) == reports.Period(date(2026, 3, 2), day)
    assert reports.preset_period("month", campaign, day) == reports.Period(date(2026, 3, 1), day)
    assert reports.preset_period("last_month", campaign, day) == reports.Period(date(2026, 2, 1), date(2026, 2, 28))
    assert reports.preset_period("all", campaign, day) == reports.Period(date(2026, 1, 10), day)


def test_page_excel_and_print_view_show_the_same_hand_counted_figures(world, client, auth):
    auth.login("head")
    page = client.get("/overview/report", query_string=period_args())
    assert page.status_code == 200
    counts = _grouped(table_rows(page.text, table("report-counts", "tbody")))
    summary = table_rows(page.text, table("report-summary"))[1]
    assert counts[0] == ["合计", "问题总数", "4", "5", "2"]
    assert ["问题来源", "上级通报", "1", "0", "1"] in counts and ["问题类别", "工作效率", "0", "1", "1"] in counts
    assert counts[-1] == ["其中", "逾期", "1", "2", "1"]
    assert summary == ["4", "2", "5", "2", "2", "8", "3", "37%"]

    book = sheets(client.get("/overview/report.xlsx", query_string=period_args()).data)
    progress_sheet = f"工作进展（截至{today():%m月%d日}）"
    assert list(book) == ["总体情况", progress_sheet, "分类统计", *LIST_IDS, "口径说明"]
    assert [[str(value) for value in row] for row in book["分类统计"][1:]] == counts
    assert [str(value) for _label, value in book["总体情况"][3:]] == summary
    # 各项工作进展 for 办公室's three people: nothing asked of them yet but a 学习心得 each.
    progress = table_rows(page.text, table("report-progress", "tbody"))
    assert [row[:3] for row in progress] == [[label, "0", "0"] for label in (
        "承诺书签署率", "自查表提交率", "自查表通过率", "学习出勤率", "书录阅读率")] + [["心得合格率", "0", "3"]]
    assert [[str(v) for v in row[:3]] for row in book[progress_sheet][1:]] == [row[:3] for row in progress]
    for title, letters in (("新增问题", "BCGJ"), ("推进落实", "ACFGJ"), ("已办结销号", "BE")):
        on_page = table_rows(page.text, f"//*[@id='report-{LIST_IDS[title]}']//tbody")
        assert [row[0] for row in book[title][1:]] == [row[0] for row in on_page] == codes(world, *letters)
        # each list's own columns, not another list's: the second last (期末状态, 反馈日期, 完成情况)
        shown = [f"{row[-2]:%Y-%m-%d}" if hasattr(row[-2], "year") else str(row[-2] or "") for row in book[title][1:]]
        assert shown == [row[-2] for row in on_page], title

    printed = client.get("/overview/report/print", query_string=period_args()).text
    assert table_rows(printed, table("doc"))[1] == summary
    assert _grouped(table_rows(printed, table("doc", "tbody"))) == counts


def test_without_dates_the_page_reports_on_this_month(world, client, auth):
    auth.login("head")
    page = client.get("/overview/report").text
    assert f'value="{today():%Y-%m}-01"' in page and f'value="{today():%Y-%m-%d}"' in page


def test_htmx_gets_only_the_report_panel(world, client, auth):
    auth.login("head")
    response = client.get("/overview/report", query_string=period_args(), headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="report-panel">') and "<html" not in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_word_report_opens_with_the_figures_tables_and_official_fonts(world, client, auth):
    auth.login("head")
    response = client.get("/overview/report.docx", query_string=period_args())
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    document = Document(BytesIO(response.data))

    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "关于2026年作风建设专项行动问题整改情况的报告"
    period = head_report(world).period
    assert f"现将办公室{period.text}问题排查整改情况报告如下" in paragraphs[2]
    body = "".join(paragraphs)
    for figure in ("新增问题4个（上级通报1个、群众反映1个、媒体曝光2个）", "办结销号2个，其中超过整改时限销号1个",
                   "正在推进落实的问题5个，其中逾期2个，本期有情况反馈的2个", "累计发现问题8个（含违纪案件所涉问题），已销号3个，销号率37%",
                   f"截至{today().month}月{today().day}日，心得合格率0%（0/3）。"):
        assert figure in body
    assert "此处由专项办填写" in body
    assert "附件：1．新增问题清单" in body and "附件3已办结销号情况表" in body

    counts, *lists = document.tables
    assert [[cell.text for cell in row.cells] for row in counts.rows[1:]] == [
        [str(value) for value in row] for row in head_report(world).count_rows()]
    assert [[row.cells[0].text for row in table.rows[1:]] for table in lists] == [
        codes(world, *"BCGJ"), codes(world, *"ACFGJ"), codes(world, *"BE")]

    def east_asian(r_pr):
        return r_pr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asian(document.paragraphs[0].runs[0]._element.rPr) == "方正小标宋简体"
    assert east_asian(document.styles["Normal"].element.rPr) == "仿宋_GB2312"
    font_table = next(r.target_part.blob.decode() for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table
    section = document.sections[0]
    assert [round(length.cm, 2) for length in (section.page_width, section.page_height, section.top_margin,
                                               section.bottom_margin, section.left_margin, section.right_margin)] \
        == [21.0, 29.7, 3.7, 3.5, 2.8, 2.6]
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT] + [WD_ORIENT.LANDSCAPE] * 3


def test_text_pasted_with_line_breaks_and_control_characters_reaches_word(world, client, auth):
    world["items"]["B"].description = "考勤不严：\n迟到早退\x0b未登记\x01。"
    db.session.commit()
    auth.login("head")
    response = client.get("/overview/report.docx", query_string=period_args())
    assert response.status_code == 200
    new_list = Document(BytesIO(response.data)).tables[1]
    assert new_list.rows[1].cells[3].text == "考勤不严：\n迟到早退\n未登记。"


# -- Who reports on what ---------------------------------------------------------------------------
def new_codes(client, **args) -> list[str]:
    page = client.get("/overview/report", query_string={**period_args(), **args})
    assert page.status_code == 200
    return [row[0] for row in table_rows(page.text, "//*[@id='report-new']//tbody")]


@pytest.mark.parametrize("url", URLS)
def test_staff_are_refused(world, client, auth, url):
    auth.login("staff")
    assert client.get(url, query_string=period_args()).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_a_unit_head_cannot_ask_for_another_unit(world, client, auth, url):
    auth.login("head")
    assert client.get(url, query_string={**period_args(), "unit": world["other"].id}).status_code == 403


def test_a_unit_head_reports_on_the_unit_with_its_discipline_case(world, client, auth):
    """J is the unit's problem to rectify, counted as in every figure; its 查处 record is not shown."""
    auth.login("head")
    page = client.get("/overview/report", query_string=period_args()).text
    assert new_codes(client) == codes(world, "B", "C", "G", "J")
    assert "某某" not in page


def test_a_leader_reports_on_the_portfolio_only(world, client, auth):
    """I (财务股) names the leader as 责任领导 but is outside the portfolio; the discipline case J is
    the leader's own."""
    auth.login("leader")
    assert new_codes(client) == codes(world, "B", "C", "G", "J")


def test_an_inspector_reports_on_every_unit_or_on_one(world, client, auth):
    auth.login("inspector")
    assert new_codes(client) == codes(world, "B", "C", "G", "J", "I")
    assert new_codes(client, unit=world["other"].id) == codes(world, "I")


# -- Bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    ({"start": "2026-13-45", "end": 1}, "“2026-13-45”不是有效的日期"),
    ({"start": "<script>", "end": 1}, "“&lt;script&gt;”不是有效的日期"),
    ({"start": 1, "end": 5}, "结束日期不能早于开始日期"),
    ({"start": 5, "end": -1}, "结束日期不能晚于今天"),
    ({"start": "", "end": 1}, "请填写开始日期"),
    ({"start": 5}, "请填写结束日期"),  # the other date left out of the address altogether
    ({"end": 1}, "请填写开始日期"),
    ({"start": 5, "end": 1, "unit": "abc"}, "请从列表中选择统计单位"),
])
def test_a_bad_period_is_explained_in_chinese(world, client, auth, args, message):
    """Numbers in `args` are days ago."""
    args = {key: f"{today() - timedelta(days=value):%Y-%m-%d}" if isinstance(value, int) else value
            for key, value in args.items()}
    auth.login("head")
    page = client.get("/overview/report", query_string=args)
    assert page.status_code == 422 and message in page.text
    for url in URLS[1:]:
        download = client.get(url, query_string=args)
        assert download.status_code == 400 and message in download.text


def test_without_a_campaign_there_is_nothing_to_report(app, client, auth):
    from tests.factories import make_bureau

    make_bureau()
    auth.login("admin")
    page = client.get("/overview/report")
    assert page.status_code == 200 and "尚未设置当前专项行动" in page.text
    assert client.get("/overview/report.xlsx").status_code == 409


# -- Cost ------------------------------------------------------------------------------------------
def test_queries_do_not_grow_with_units_or_items(world, client, auth):
    auth.login("admin")

    def queries() -> list[int]:
        counted = []
        for url in URLS:
            with counting_queries() as statements:
                assert client.get(url, query_string=period_args()).status_code == 200
            counted.append(len(statements))
        return counted

    few = queries()
    for n in range(3):
        unit = db.session.get(Unit, make_item().unit_id)
        for _ in range(10):
            make_item(unit=unit, description=f"新增问题 {n}")
    db.session.commit()
    assert queries() == few
    assert max(few) <= 13  # the items in one, the progress figures in seven, the rest the login and the page


def test_dates_typed_without_a_date_picker_are_understood(world, client, auth):
    """IE11 has no date input: people type 2026/11/1 or 2026年11月1日."""
    start, end = (today() - timedelta(days=days) for days in (START_DAYS_AGO, END_DAYS_AGO))
    auth.login("head")
    typed = {"start": f"{start.year}/{start.month}/{start.day}", "end": f"{end.year}年{end.month}月{end.day}日"}
    assert new_codes(client, **typed) == codes(world, "B", "C", "G", "J")
