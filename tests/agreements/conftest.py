import pytest

from tests.worlds import with_agreements


@pytest.fixture
def world(world):
    """The shared world plus, in Lund and in Solna, an active agreement with a published pledge
    (reviewed by the county); Lund also has a draft pledge (``tests.worlds.with_agreements``)."""
    return with_agreements(world)
