import pytest

from tests.hardening.world import build_world


@pytest.fixture
def world(app):
    """A bureau with a record behind every URL parameter (see tests/hardening/world.py)."""
    return build_world()
