"""Every URL of the portal app, for every role."""

import pytest

from tests.matrix import check_row, matrix_cases, uncovered
from tests.matrix_rows.portal import ROWS
from tests.worlds import with_failed_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """A failed report for Lund and one for Solna (``tests.worlds.with_failed_reports``)."""
    return with_failed_reports(world)


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


def test_every_url_has_a_row():
    assert uncovered("portal", ROWS) == set()
