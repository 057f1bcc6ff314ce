"""工作概况 pages: who sees which units, sorting, links, the gauge's warning, the Excel equal to the page."""
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.overview import excel


def page(client, auth, username, url):
    auth.login(username)
    return client.get(url)


def unit_names(html: str) -> list[str]:
    body = html.split('id="progress-table"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr id="unit-\d+">\s*<td class="nowrap">([^<]+)</td>', body)


@pytest.mark.parametrize(("username", "expected"), [
    ("admin", ["测试局", "办公室", "财务股", "服务中心", "二级站", "空股室"]),
    ("inspector", ["测试局", "办公室", "财务股", "服务中心", "二级站", "空股室"]),
    ("leader", ["办公室", "财务股"]),
    ("head", ["办公室"]),
])
def test_progress_shows_the_units_one_may_see(client, auth, counted, username, expected):
    response = page(client, auth, username, "/overview/progress")
    assert response.status_code == 200
    assert unit_names(response.get_data(as_text=True)) == expected


@pytest.mark.parametrize("url", ["/overview/progress", "/overview/gauge", "/overview/overdue",
                                 "/overview/progress.xlsx"])
def test_staff_are_refused(client, auth, counted, url):
    assert page(client, auth, "staff", url).status_code == 403


def test_a_unit_head_sees_no_other_unit_anywhere(client, auth, counted):
    auth.login("head")
    for url in ("/overview/progress", "/overview/gauge", "/overview/overdue"):
        html = client.get(url).get_data(as_text=True)
        assert "财务股" not in html and "other_staff" not in html
        assert "按单位类型" not in html  # the kinds of unit compare units a head does not follow


def test_the_total_row_carries_the_bureau_figures(client, auth, counted):
    html = page(client, auth, "admin", "/overview/progress").get_data(as_text=True)
    total = html.split('id="unit-total"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'class="rate">(\d+)%', total)[:3] == ["46", "46", "20"]


def test_sorting_by_a_rate_puts_units_without_it_last(client, auth, counted):
    html = page(client, auth, "admin", "/overview/progress?sort=letters&order=desc").get_data(as_text=True)
    assert unit_names(html) == ["测试局", "办公室", "财务股", "服务中心", "二级站", "空股室"]
    html = client.get("/overview/progress?sort=letters&order=asc").get_data(as_text=True)
    assert unit_names(html) == ["二级站", "财务股", "服务中心", "办公室", "测试局", "空股室"]


def test_an_unknown_sort_keeps_the_usual_order(client, auth, counted):
    html = page(client, auth, "admin", "/overview/progress?sort=drop+table&order=x").get_data(as_text=True)
    assert unit_names(html)[0] == "测试局"


def test_each_figure_links_to_the_list_behind_it(client, auth, counted):
    html = page(client, auth, "admin", "/overview/progress").get_data(as_text=True)
    office = counted["office"].id
    row = html.split(f'id="unit-{office}"', 1)[1].split("</tr>", 1)[0]
    assert f"/ledger/?unit={office}&amp;overdue=1" in row
    assert f"/commitments/progress?unit={office}&amp;status=unsigned#names" in row
    assert f"/checklists/progress?unit={office}" in row


def test_the_gauge_flags_a_unit_where_staff_lag_their_head(client, auth, counted):
    html = page(client, auth, "admin", "/overview/gauge?metric=letters").get_data(as_text=True)
    row = html.split(f'id="gauge-unit-{counted["office"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "一般干部低于中层干部 67 个百分点" in row  # head signed both letters (100%), 一般干部 1 of 3 (33%)
    assert "card-alert" in html


def test_the_gap_is_configurable(app, client, auth, counted):
    app.config["GAUGE_GAP_POINTS"] = 70
    html = page(client, auth, "admin", "/overview/gauge?metric=letters").get_data(as_text=True)
    row = html.split(f'id="gauge-unit-{counted["office"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "个百分点" not in row
    assert "低 70 个百分点以上即提示" in html


def test_overdue_ranking_and_people(client, auth, counted):
    html = page(client, auth, "admin", "/overview/overdue").get_data(as_text=True)
    ranking = html.split('id="rank-overdue"', 1)[1].split("</table>", 1)[0]
    assert ranking.index("办公室") < ranking.index("财务股") and "二级站" not in ranking
    closure = html.split('id="rank-closure"', 1)[1].split("</table>", 1)[0]
    assert closure.index("财务股") < closure.index("办公室") < closure.index("二级站")
    people = html.split('id="overdue-people"', 1)[1].split("</table>", 1)[0]
    assert people.split("<tbody>", 1)[1].count("<tr>") == 2


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    book = load_workbook(BytesIO(data), read_only=True)
    return [tuple(row) for row in book[title].iter_rows(min_row=2, values_only=True)]


def test_the_excel_holds_the_page_figures(client, auth, counted):
    auth.login("admin")
    html = client.get("/overview/progress").get_data(as_text=True)
    response = client.get("/overview/progress.xlsx")
    assert response.status_code == 200
    rows = {row[0]: row for row in sheet_rows(response.data, excel.PROGRESS_SHEET)}
    for unit in (counted["office"], counted["other"]):
        page_row = html.split(f'id="unit-{unit.id}"', 1)[1].split("</tr>", 1)[0]
        page_figures = [int(n) for n in re.findall(r'(?:class="rate">|>)(\d+)%?<', page_row)]
        excel_figures = [value for value in rows[unit.name][2:] if value is not None]
        assert page_figures == excel_figures
    assert rows["合计"][2:5] == (46, 46, 20)
    ranks = {row[0]: row for row in sheet_rows(response.data, excel.RANK_SHEET)}
    assert (ranks["班子成员"][1], ranks["中层干部"][1], ranks["一般干部"][1]) == (100, 66, 14)


def test_the_excel_of_a_leader_holds_the_portfolio_only(client, auth, counted):
    auth.login("leader")
    data = client.get("/overview/progress.xlsx").data
    assert [row[0] for row in sheet_rows(data, excel.PROGRESS_SHEET)] == ["办公室", "财务股", "合计"]
    assert excel.KIND_SHEET not in load_workbook(BytesIO(data), read_only=True).sheetnames


def test_without_a_campaign_the_pages_say_so(client, auth, counted):
    from app.extensions import db

    counted["campaign"].is_current = False
    db.session.commit()
    auth.login("admin")
    for url in ("/overview/progress", "/overview/gauge", "/overview/overdue"):
        assert "尚未设置当前专项行动" in client.get(url).get_data(as_text=True)
    assert client.get("/overview/progress.xlsx").status_code == 404


def test_the_menu_shows_the_overview_to_those_who_follow_figures(client, auth, counted):
    assert "工作概况" in page(client, auth, "head", "/").get_data(as_text=True)
    auth.logout()
    assert "工作概况" not in page(client, auth, "staff", "/").get_data(as_text=True)
