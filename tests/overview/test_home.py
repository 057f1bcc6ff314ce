"""The home page: to-dos and the campaign timeline."""
from app.extensions import db
from tests.factories import make_bureau, make_campaign, make_unit


def test_staff_with_nothing_to_do_is_told_so(app, client, auth):
    make_bureau()
    make_campaign()
    auth.login("staff")
    assert "目前没有需要您办理的事项" in client.get("/").text


def test_admin_is_asked_to_set_up_a_campaign(app, client, auth):
    make_bureau()
    auth.login("admin")
    page = client.get("/").text
    assert "设置当前专项行动" in page


def test_admin_is_told_which_units_lack_a_head(app, client, auth):
    people = make_bureau()
    make_campaign()
    make_unit("档案馆", parent=people["bureau"])
    db.session.commit()
    auth.login("admin")
    page = client.get("/").text
    assert "为以下单位指定股室负责人：档案馆" in page


def test_timeline_shows_four_phases_with_the_current_one(app, client, auth):
    make_bureau()
    make_campaign()
    auth.login("staff")
    page = client.get("/").text
    for label in ("学习教育", "警示教育", "自查整改", "制度建设"):
        assert label in page
    assert "phase-current" in page and "进行中" in page

