import pytest

from tests.worlds import with_one_of_everything


@pytest.fixture
def hostile_world(world):
    """The shared world plus one of everything a form edits, all in Skåne, the users' own county
    (``tests.worlds.with_one_of_everything``)."""
    return with_one_of_everything(world)
