import pytest

from app.extensions import db
from tests.checklists.factories import make_checklist
from tests.factories import make_bureau, make_campaign


@pytest.fixture
def world(app):
    """The test bureau (办公室 with head and staff, 财务股, a leader over 办公室), a current campaign,
    and a published checklist every person must fill."""
    people = make_bureau()
    campaign = make_campaign()
    template = make_checklist(people["admin"], campaign)
    db.session.commit()
    return {**people, "campaign": campaign, "template": template}
