"""Every URL of the portal app, for every role."""

import pytest

from tests.matrix import Row, check_row, expect, matrix_cases, uncovered

pytestmark = pytest.mark.django_db


ROWS = [
    Row("portal:home", own=expect(200, anonymous=302)),
]


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


def test_every_url_has_a_row():
    assert uncovered("portal", ROWS) == set()
