"""签署进度: per unit and per rank level, the names behind every figure, the Excel export, and a
bounded number of queries however many people there are."""
import re
from io import BytesIO
from urllib.parse import quote

from openpyxl import load_workbook

from app.commitments import queries, services
from app.extensions import db
from app.org.models import Rank, Role
from tests.factories import make_user
from tests.ledger.test_query_counts import counting_queries


def sign(world, *people):
    for name in people:
        user = world[name] if isinstance(name, str) else name
        services.sign(world["letter"], user, user.full_name, "")
    db.session.commit()


def test_figures_per_unit_and_rank(world):
    sign(world, "staff", "head", "leader")
    figures = queries.progress(world["letter"])
    by_unit = {row.unit.name: row for row in figures.units}
    assert set(by_unit) == {"测试局", "办公室", "财务股"}
    office = by_unit["办公室"]
    assert (office.total.required, office.total.signed, office.total.rate) == (3, 2, 66)
    assert office.unsigned_names == [world["admin"].full_name]
    assert (office.by_rank[Rank.MIDDLE].required, office.by_rank[Rank.MIDDLE].signed) == (1, 1)
    assert (figures.by_rank[Rank.LEADERSHIP].required, figures.by_rank[Rank.LEADERSHIP].signed) == (1, 1)
    assert (figures.total.required, figures.total.signed, figures.total.unsigned) == (7, 3, 4)


def test_inactive_people_and_other_ranks_are_not_asked(world):
    world["other_staff"].active = False
    letter = world["letter"]
    letter.target_ranks = "general"
    db.session.commit()
    figures = queries.progress(letter)
    assert figures.total.required == 3  # staff, admin, inspector
    assert {row.unit.name for row in figures.units} == {"测试局", "办公室"}  # nobody left in 财务股


def test_unit_head_sees_their_unit_with_names(world, client, auth):
    sign(world, "staff")
    auth.login("head")
    page = client.get("/commitments/progress").text
    assert "按单位" in page and "按职级（上热中温下冷）" in page
    assert f'id="unit-{world["office"].id}"' in page and f'id="unit-{world["other"].id}"' not in page
    assert world["admin"].full_name in page and world["other_staff"].full_name not in page
    assert "应签 <strong>3</strong> 人" in page


def test_figures_link_to_the_names(world, client, auth):
    sign(world, "staff")
    auth.login("head")
    page = client.get("/commitments/progress").text
    links = [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]*)"', page)]
    link = next(href for href in links if f"unit={world['office'].id}" in href and "status=unsigned" in href
                and "rank=" not in href)
    names = client.get(link).text
    listed = re.search(r'<div class="card" id="names">(.*?)</div>', names, re.S).group(1)
    assert "人员名单：办公室 · 未签署（2 人）" in listed
    assert world["admin"].full_name in listed and world["head"].full_name in listed
    assert "李晓东" not in listed


def test_names_of_another_unit_are_not_given_to_a_unit_head(world, client, auth):
    auth.login("head")
    page = client.get(f"/commitments/progress?unit={world['other'].id}&status=unsigned").text
    assert world["other_staff"].full_name not in page
    assert "人员名单：未签署" in page


def test_leader_sees_the_portfolio(world, client, auth):
    auth.login("leader")
    page = client.get("/commitments/progress").text
    assert f'id="unit-{world["office"].id}"' in page
    assert f'id="unit-{world["other"].id}"' not in page and world["other_staff"].full_name not in page


def test_inspector_and_admin_see_every_unit(world, client, auth):
    for username in ("inspector", "admin"):
        auth.login(username)
        page = client.get("/commitments/progress").text
        assert all(f'id="unit-{world[u].id}"' in page for u in ("bureau", "office", "other"))
        auth.logout()


def test_staff_cannot_see_progress(world, client, auth):
    auth.login("staff")
    assert client.get("/commitments/progress").status_code == 403
    assert client.get("/commitments/progress.xlsx").status_code == 403
    assert "签署进度" not in client.get("/commitments/").text


def test_progress_of_an_old_version(world, client, auth):
    sign(world, "staff", "head")
    old = world["letter"].id
    new = services.revise(world["letter"], world["admin"])
    services.publish(new, world["admin"])
    db.session.commit()
    auth.login("admin")
    current = client.get("/commitments/progress").text
    assert "第 2 版" in current and "已签 <strong>0</strong>" in current
    previous = client.get(f"/commitments/progress?letter={old}").text
    assert "已被新版本替代" in previous and re.search(r"已签 <strong><a [^>]*>2</a></strong>", previous)


def test_no_letter_yet(app, client, auth):
    make_user(Role.ADMIN, username="admin")
    db.session.commit()
    auth.login("admin")
    assert "本次专项行动还没有发布承诺书" in client.get("/commitments/progress").text
    assert client.get("/commitments/progress.xlsx").status_code == 404


def test_excel_export(world, client, auth):
    sign(world, "staff")
    auth.login("head")
    response = client.get("/commitments/progress.xlsx")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert 'filename="commitment-letters-v1-' in disposition
    assert quote("作风建设承诺书签署情况-第1版-") in disposition
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["签署情况统计", "人员名单"]
    summary = [[c.value for c in row] for row in book["签署情况统计"].iter_rows()]
    assert summary[0][:5] == ["单位", "应签人数", "已签人数", "未签人数", "签署率（%）"]
    assert summary[0][-1] == "未签署人员"
    office = summary[1]
    assert office[:5] == ["办公室", 3, 1, 2, 33]
    assert set(office[-1].split("、")) == {world["admin"].full_name, world["head"].full_name}
    assert summary[-1][0] == "合计" and len(summary) == 3  # a unit head: one unit and the total
    people = [[c.value for c in row] for row in book["人员名单"].iter_rows()]
    assert people[0] == ["单位", "姓名", "职务", "职级", "签署情况", "签署时间", "签名"]
    assert ["办公室", "李晓东", "科员", "一般干部", "已签署"] in [row[:5] for row in people]
    assert len(people) == 4


def test_progress_queries_do_not_grow_with_people(world, client, auth):
    auth.login("admin")

    def queries_for(url):
        with counting_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    url = f"/commitments/progress?unit={world['office'].id}"
    few = queries_for(url)
    for i in range(30):
        person = make_user(unit=world["office"] if i % 2 else world["other"], rank=Rank.GENERAL)
        if i % 3:
            services.sign(world["letter"], person, person.full_name, "")
    db.session.commit()
    assert queries_for(url) == few <= 14
