"""Who reads commendations: 专项办, 督查 and 班子成员 all; a unit head their unit's; anyone else their
own and their unit's collective honours. Who is recommended (推荐对象) only the first three.
Only 专项办 records, corrects and deletes."""
import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.commendations.models import Commendation
from app.extensions import db

ROLES = ["staff", "head", "other_head", "other_staff", "leader", "inspector", "admin"]
ALL = {"staff_honour", "other_honour", "office_honour", "other_unit_honour"}
READS = {
    "staff": {"staff_honour", "office_honour"},
    "other_staff": {"other_honour", "other_unit_honour"},
    "head": {"staff_honour", "office_honour"},
    "other_head": {"other_honour", "other_unit_honour"},
    "leader": ALL, "inspector": ALL, "admin": ALL,
}
SEES_RECOMMENDATIONS = {"leader", "inspector", "admin"}


def listed(world, html: str) -> set[str]:
    ids = {int(i) for i in re.findall(r'id="commendation-(\d+)"', html)}
    return {key for key in ALL if world[key].id in ids}


@pytest.mark.parametrize("who", ROLES)
def test_what_each_role_reads(world, client, auth, who):
    auth.login(who)
    page = client.get("/commendations/")
    assert page.status_code == 200
    assert listed(world, page.text) == READS[who]
    assert ("推荐提拔使用" in page.text) == (who in SEES_RECOMMENDATIONS)
    assert "表彰" in client.get("/").text  # the menu


@pytest.mark.parametrize("who", ROLES)
def test_the_recommendation_list_is_for_leaders(world, client, auth, who):
    auth.login(who)
    expected = 200 if who in SEES_RECOMMENDATIONS else 403
    assert client.get("/commendations/recommendations").status_code == expected
    assert client.get("/commendations/recommendations.xlsx").status_code == expected
    # the filter is ignored for those who may not see recommendations
    filtered = client.get("/commendations/?recommendation=promotion").text
    assert listed(world, filtered) == (READS[who] & {"staff_honour"} if who in SEES_RECOMMENDATIONS else READS[who])


@pytest.mark.parametrize("who", ROLES)
def test_the_export_holds_what_the_list_shows(world, client, auth, who):
    auth.login(who)
    response = client.get("/commendations/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert ("推荐情况" in rows[0]) == (who in SEES_RECOMMENDATIONS)
    assert len(rows) - 1 == len(READS[who])


@pytest.mark.parametrize("who", ["staff", "head", "leader", "inspector"])
def test_only_admin_records_commendations(world, client, auth, who):
    auth.login(who)
    honour = world["staff_honour"]
    assert client.get("/commendations/new").status_code == 403
    assert client.post("/commendations/new", data={"kind": "unit", "unit_id": world["office"].id,
                                                   "honour": "先进", "reason": "好", "awarded_on": "2026-11-20",
                                                   "issuer": "局党组", "recommendation": "none"}).status_code == 403
    assert client.get(f"/commendations/{honour.id}/edit").status_code == 403
    assert client.post(f"/commendations/{honour.id}/delete").status_code == 403
    assert db.session.query(Commendation).count() == 4
    assert "登记表彰" not in client.get("/commendations/").text


def test_another_units_record_is_not_confirmed(world, client, auth):
    auth.login("head")
    assert client.get(f"/commendations/{world['other_honour'].id}/edit").status_code == 404
