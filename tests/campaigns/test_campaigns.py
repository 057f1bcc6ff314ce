"""Campaign administration and the current phase shown in the layout."""
from datetime import date, timedelta

import pytest

from app.audit import AuditLog
from app.campaigns.models import Campaign, PhaseKind
from app.extensions import db
from tests.factories import make_bureau, make_campaign


@pytest.fixture
def admin(app, auth):
    make_bureau()
    auth.login("admin")


def _phase_data(start: date, **overrides):
    data = {"title": "2027年作风建设专项行动", "year": 2027, "description": "方案"}
    for i, kind in enumerate(PhaseKind):
        data[f"{kind}_starts_on"] = (start + timedelta(days=20 * i)).isoformat()
        data[f"{kind}_ends_on"] = (start + timedelta(days=20 * i + 19)).isoformat()
    data.update(overrides)
    return data


def test_create_campaign_with_four_phases(admin, client):
    response = client.post("/campaigns/new", data=_phase_data(date(2027, 3, 1)))
    assert response.status_code == 302
    campaign = db.session.query(Campaign).one()
    assert [p.kind for p in campaign.phases] == list(PhaseKind)
    assert campaign.phases[2].starts_on == date(2027, 4, 10)
    assert db.session.query(AuditLog).filter_by(action="campaign.created").count() == 1


def test_phase_ending_before_it_starts_is_refused(admin, client):
    data = _phase_data(date(2027, 3, 1), study_ends_on="2027-02-01")
    response = client.post("/campaigns/new", data=data)
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.text
    assert db.session.query(Campaign).count() == 0


def test_phases_out_of_order_refused(admin, client):
    data = _phase_data(date(2027, 3, 1), warning_starts_on="2027-02-01")
    response = client.post("/campaigns/new", data=data)
    assert response.status_code == 422
    assert "不能早于上一阶段开始" in response.text


def test_bad_date_format_refused_in_chinese(admin, client):
    response = client.post("/campaigns/new", data=_phase_data(date(2027, 3, 1), study_starts_on="明年三月"))
    assert response.status_code == 422
    assert "2026-11-26 的格式" in response.text


def test_edit_campaign_dates(admin, client):
    campaign = make_campaign()
    db.session.commit()
    response = client.post(f"/campaigns/{campaign.id}/edit", data=_phase_data(date(2026, 9, 1), title="改名"))
    assert response.status_code == 302
    assert db.session.get(Campaign, campaign.id).title == "改名"


def test_editing_another_campaign_than_the_current_one_saves_that_one(admin, client):
    make_campaign()
    older = make_campaign("2025年作风建设专项行动", current=False, start=date(2025, 3, 1))
    db.session.commit()
    assert f'action="/campaigns/{older.id}/edit"' in client.get(f"/campaigns/{older.id}/edit").text
    assert 'action="/campaigns/new"' in client.get("/campaigns/new").text


def test_only_one_campaign_is_current(admin, client):
    first = make_campaign("第一")
    second = make_campaign("第二", current=False)
    db.session.commit()
    response = client.post(f"/campaigns/{second.id}/make-current")
    assert response.status_code == 302
    assert db.session.get(Campaign, second.id).is_current
    assert not db.session.get(Campaign, first.id).is_current


def test_layout_shows_current_phase(admin, client):
    make_campaign()
    home = client.get("/")
    assert "2026年作风建设专项行动" in home.text
    assert "当前阶段：自查整改" in home.text
    assert "剩余" in home.text


def test_home_says_plainly_when_no_campaign(admin, client):
    home = client.get("/")
    assert "尚未设置当前专项行动" in home.text
