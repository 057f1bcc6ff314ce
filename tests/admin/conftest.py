import pytest

from tests.factories import make_bureau


@pytest.fixture
def bureau(app):
    return make_bureau()
