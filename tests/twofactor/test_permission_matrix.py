"""Every URL of two-step verification, for every role."""

import pytest

from tests.matrix import check_row, matrix_cases, uncovered
from tests.matrix_rows.twofactor import ROWS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


def test_every_url_has_a_row():
    assert uncovered("twofactor", ROWS) == set()
