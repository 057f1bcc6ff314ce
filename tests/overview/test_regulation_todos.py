"""制度 past their review date: a to-do for 专项办 and for the head of the unit that owns them."""
from datetime import timedelta

import pytest

from app.extensions import db
from app.regulations import services
from tests.factories import make_bureau, make_campaign, today
from tests.regulations.conftest import make_rule

TODO = "制度已到复审日期"


@pytest.fixture
def overdue_rule(app):
    people = make_bureau()
    make_campaign()
    rule = make_rule(people["admin"], people["office"])
    services.issue(rule, people["admin"], rule.version, today() - timedelta(days=400),
                   today() - timedelta(days=35), "青住建〔2025〕3号", today())
    db.session.commit()
    return people


@pytest.mark.parametrize(("username", "shown"), [
    ("admin", True), ("head", True), ("other_head", False), ("staff", False), ("leader", False),
])
def test_a_rule_due_for_review_is_a_to_do_for_those_who_review_it(client, auth, overdue_rule, username, shown):
    auth.login(username)
    assert (TODO in client.get("/").text) is shown


def test_the_to_do_leads_to_the_rules_due(client, auth, overdue_rule):
    auth.login("head")
    page = client.get("/").text
    link = page.split(TODO, 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert "due=1" in link
    assert "窗口服务首问负责制度" in client.get(link.replace("&amp;", "&")).text
