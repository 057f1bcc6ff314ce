import pytest

from tests.factories import make_bureau, make_campaign, make_item


@pytest.fixture
def world(app):
    """The test bureau, a current campaign, and one item of 办公室 owned by staff, led by leader."""
    people = make_bureau()
    campaign = make_campaign()
    item = make_item(unit=people["office"], owner=people["staff"], leader=people["leader"], campaign=campaign)
    from app.extensions import db

    db.session.commit()
    return {**people, "campaign": campaign, "item": item}
