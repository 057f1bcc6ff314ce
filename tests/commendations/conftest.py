from datetime import date

import pytest

from app.commendations import services
from app.extensions import db
from tests.factories import make_bureau, make_campaign


def commend(admin, campaign, person=None, unit=None, honour="作风建设先进个人", recommendation="none",
            reason="服务群众热情周到，办件按时办结率100%。"):
    commendation = services.create(admin, campaign, user_id=person.id if person else None,
                                   unit_id=unit.id if unit else None, honour=honour, reason=reason,
                                   awarded_on=date(2026, 11, 20), issuer="局党组", recommendation=recommendation)
    db.session.flush()
    return commendation


@pytest.fixture
def world(app):
    """The test bureau and four commendations: staff of 办公室 (推荐提拔使用), other_staff of 财务股
    (职级晋升推荐), 办公室 and 财务股 as 先进集体."""
    people = make_bureau()
    people["staff"].full_name = "李晓东"
    people["staff"].title = "科员"
    people["other_staff"].full_name = "王芳"
    campaign = make_campaign()
    made = {
        "staff_honour": commend(people["admin"], campaign, person=people["staff"], recommendation="promotion"),
        "other_honour": commend(people["admin"], campaign, person=people["other_staff"], honour="服务群众标兵",
                                recommendation="rank"),
        "office_honour": commend(people["admin"], campaign, unit=people["office"], honour="作风建设先进集体"),
        "other_unit_honour": commend(people["admin"], campaign, unit=people["other"], honour="文明科室"),
    }
    db.session.commit()
    return {**people, "campaign": campaign, **made}
