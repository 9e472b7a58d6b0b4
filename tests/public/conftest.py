import pytest

from tests.worlds import with_agreements, with_public_material


@pytest.fixture
def world(world):
    """Published and unpublished material side by side (``tests.worlds.with_public_material``)."""
    return with_public_material(with_agreements(world))
