import pytest

from app.extensions import db
from app.ledger import services as ledger_services
from app.ledger.models import RectifyType
from app.regulations import services
from tests.factories import make_bureau, make_campaign, make_item


def closed_item(world_people, campaign, unit_key="office", owner_key="staff", **fields):
    """A 立行立改 item closed by the leader in one step (a closed ledger item, as rules answer)."""
    item = make_item(unit=world_people[unit_key], owner=world_people[owner_key], leader=world_people["leader"],
                     campaign=campaign, rectify_type=RectifyType.IMMEDIATE, **fields)
    ledger_services.close_now(item, world_people["admin"], item.version, "已建立制度，立行立改。")
    db.session.flush()
    return item


def make_rule(actor, unit, title="窗口服务首问负责制度", action="new", **fields):
    values = {"document_number": "", "summary": "首问责任人负责解答、受理或引导办理。"}
    values.update(fields)
    rule = services.create(actor, title=title, owner_unit_id=unit.id, action=action, **values)
    db.session.flush()
    return rule


@pytest.fixture
def world(app):
    """The test bureau (办公室: admin, head, staff; 财务股: other_head, other_staff; the leader has
    办公室 in the portfolio), a current campaign, a closed and an open item of 办公室, an item of
    财务股, and a rule of 办公室 being drafted."""
    people = make_bureau()
    campaign = make_campaign()
    closed = closed_item(people, campaign, description="值班电话无人接听，值班记录填写不完整。")
    open_item = make_item(unit=people["office"], owner=people["staff"], leader=people["leader"], campaign=campaign)
    other_item = make_item(unit=people["other"], owner=people["other_staff"], campaign=campaign,
                           description="报销审核标准不统一。")
    rule = make_rule(people["head"], people["office"], title="值班值守制度")
    db.session.commit()
    return {**people, "campaign": campaign, "closed": closed, "open": open_item, "other_item": other_item,
            "rule": rule}
