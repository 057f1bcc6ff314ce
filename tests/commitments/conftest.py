import pytest

from app.commitments import services
from app.extensions import db
from tests.factories import make_bureau, make_campaign

BODY = (
    "本人{姓名}，系{单位}{职务}（{职级}）。为深入推进作风建设专项行动，本人郑重承诺：\n"
    "一、严守纪律规矩，不迟到早退，不擅离职守。\n"
    "二、拒绝吃拿卡要，不接受管理服务对象宴请。\n"
    "本承诺书自{日期}起生效。"
)


def publish_letter(admin, campaign, title="作风建设承诺书", body=BODY, target_ranks=(), due_on=None):
    """A letter written and published by 专项办 through the services."""
    template = services.create_template(admin, campaign, title=title, body=body, target_ranks=list(target_ranks),
                                        due_on=due_on)
    services.publish(template, admin)
    db.session.flush()
    return template


@pytest.fixture
def world(app):
    """The test bureau (办公室 with admin, head, staff; 财务股 with other_head, other_staff; the
    leader has 办公室 in the portfolio), a current campaign and a published letter for everyone."""
    people = make_bureau()
    people["staff"].full_name = "李晓东"
    people["staff"].title = "科员"
    campaign = make_campaign()
    letter = publish_letter(people["admin"], campaign)
    db.session.commit()
    return {**people, "campaign": campaign, "letter": letter}
