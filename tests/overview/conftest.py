import pytest

from tests.overview.world import build_counted_world


@pytest.fixture
def counted(app):
    """The bureau whose figures tests/overview/world.py counts by hand."""
    return build_counted_world()
