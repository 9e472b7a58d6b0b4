import pytest

from tests.worlds import with_plans


@pytest.fixture
def world(world):
    """The shared world plus a plan in each county (``tests.worlds.with_plans``): in Skåne the Police
    leads measure 1 and Lund takes part; in Stockholm a measure no Skåne user may touch."""
    return with_plans(world)
