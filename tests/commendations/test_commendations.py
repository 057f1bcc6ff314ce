"""Recording commendations (表彰): a person (their unit follows) or a unit, the reason, date and
issuer, 推荐提拔使用 / 职级晋升推荐 for people only; corrections and deletions in the audit log; the
lists and their Excel exports."""
import re
from datetime import date
from io import BytesIO
from urllib.parse import quote

from openpyxl import load_workbook
from sqlalchemy import select

from app.audit import AuditLog
from app.commendations.models import Commendation, Recommendation
from app.extensions import db

FORM = {"kind": "person", "user_id": 0, "unit_id": 0, "honour": "作风建设先进个人", "reason": "带头落实首问负责制。",
        "awarded_on": "2026-11-25", "issuer": "局党组", "recommendation": "none"}


def audit_rows(action: str) -> list[AuditLog]:
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.seq)).all()


def sheet_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))


def test_record_a_person_with_a_recommendation(world, client, auth):
    auth.login("admin")
    response = client.post("/commendations/new", data={**FORM, "user_id": world["head"].id,
                                                       "recommendation": "promotion"})
    assert response.status_code == 302
    made = db.session.scalars(select(Commendation).order_by(Commendation.id.desc())).first()
    assert made.user_id == world["head"].id and made.unit_id == world["office"].id  # the person's unit
    assert made.recommendation == Recommendation.PROMOTION and made.awarded_on == date(2026, 11, 25)
    assert made.campaign_id == world["campaign"].id and made.created_by_id == world["admin"].id
    row = audit_rows("commendation.created")[-1]
    assert row.actor_username == "admin" and "列为推荐提拔使用对象" in row.summary
    assert row.details_dict["honour"] == "作风建设先进个人"


def test_record_a_unit(world, client, auth):
    auth.login("admin")
    response = client.post("/commendations/new", data={**FORM, "kind": "unit", "unit_id": world["other"].id,
                                                       "honour": "作风建设先进集体"})
    assert response.status_code == 302
    made = db.session.scalars(select(Commendation).order_by(Commendation.id.desc())).first()
    assert made.user_id is None and made.unit_id == world["other"].id


def test_a_unit_is_not_recommended_for_promotion(world, client, auth):
    auth.login("admin")
    response = client.post("/commendations/new", data={**FORM, "kind": "unit", "unit_id": world["other"].id,
                                                       "recommendation": "rank"})
    assert response.status_code == 422 and "只适用于个人" in response.text
    missing = client.post("/commendations/new", data={**FORM, "user_id": 0, "reason": ""})
    assert missing.status_code == 422
    assert "请选择受表彰人员" in missing.text and "请填写表彰事由" in missing.text
    assert db.session.query(Commendation).count() == 4


def test_edit_is_audited(world, client, auth):
    honour = world["other_honour"]
    auth.login("admin")
    page = client.get(f"/commendations/{honour.id}/edit").text
    assert f'<option selected value="{world["other_staff"].id}">' in page
    response = client.post(f"/commendations/{honour.id}/edit", data={
        **FORM, "user_id": world["other_staff"].id, "honour": "服务群众标兵", "recommendation": "promotion",
        "reason": honour.reason, "awarded_on": "2026-11-20"})
    assert response.status_code == 302
    honour = db.session.get(Commendation, honour.id)
    assert honour.recommendation == Recommendation.PROMOTION
    row = audit_rows("commendation.edited")[-1]
    assert row.details_dict["before"] == {"recommendation": "rank"}
    assert row.details_dict["after"] == {"recommendation": "promotion"}


def test_delete_after_confirmation_keeps_the_record_in_the_audit_log(world, client, auth):
    honour_id = world["other_unit_honour"].id
    auth.login("admin")
    confirm = client.get(f"/commendations/{honour_id}/delete")
    assert confirm.status_code == 200 and "确定删除" in confirm.text and "文明科室" in confirm.text
    response = client.post(f"/commendations/{honour_id}/delete")
    assert response.status_code == 302
    assert db.session.get(Commendation, honour_id) is None
    row = audit_rows("commendation.deleted")[-1]
    assert row.object_id == str(honour_id) and row.details_dict["honour"] == "文明科室"
    assert row.details_dict["unit_id"] == world["other"].id and "服务群众热情周到" in row.details_dict["reason"]
    assert client.post(f"/commendations/{honour_id}/delete").status_code == 404


def test_filters(world, client, auth):
    auth.login("admin")
    people = client.get("/commendations/?kind=person").text
    assert "李晓东" in people and "文明科室" not in people
    units = client.get("/commendations/?kind=unit").text
    assert "文明科室" in units and "李晓东" not in units
    recommended = client.get("/commendations/?recommendation=any").text
    assert "李晓东" in recommended and "王芳" in recommended and "作风建设先进集体" not in recommended
    assert "王芳" in client.get("/commendations/?q=标兵").text
    assert client.get("/commendations/?recommendation=bogus&unit=x").status_code == 200


def test_recommendation_list(world, client, auth):
    auth.login("leader")
    page = client.get("/commendations/recommendations").text
    rows = re.findall(r'<tr id="recommendation-(\d+)"', page)
    assert {int(r) for r in rows} == {world["staff_honour"].id, world["other_honour"].id}
    assert "推荐提拔使用" in page and "职级晋升推荐" in page


def test_excel_exports(world, client, auth):
    auth.login("admin")
    response = client.get("/commendations/export.xlsx?kind=person")
    assert response.status_code == 200
    assert f"filename*=UTF-8''{quote('表彰名单-')}" in response.headers["Content-Disposition"]
    rows = sheet_rows(response.data)
    assert rows[0] == ("序号", "类别", "姓名/集体", "单位", "职务", "荣誉称号", "表彰事由", "表彰日期", "表彰单位", "推荐情况")
    by_name = {row[2]: row for row in rows[1:]}
    assert set(by_name) == {"李晓东", "王芳"}
    assert by_name["李晓东"][1:6] == ("个人", "李晓东", "办公室", "科员", "作风建设先进个人")
    assert by_name["李晓东"][7].date() == date(2026, 11, 20) and by_name["李晓东"][9] == "推荐提拔使用"

    recommended = client.get("/commendations/recommendations.xlsx")
    assert f"filename*=UTF-8''{quote('推荐对象名单-')}" in recommended.headers["Content-Disposition"]
    rows = sheet_rows(recommended.data)
    assert rows[0][:6] == ("序号", "姓名", "单位", "职务", "职级层次", "推荐类别")
    assert sorted((row[1], row[5]) for row in rows[1:]) == [("李晓东", "推荐提拔使用"), ("王芳", "职级晋升推荐")]


def test_formula_like_text_stays_text(world, client, auth):
    honour = world["staff_honour"]
    honour.reason = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    auth.login("admin")
    rows = sheet_rows(client.get("/commendations/export.xlsx").data)
    assert any(row[6] == "=HYPERLINK(\"http://evil\")" for row in rows[1:])
