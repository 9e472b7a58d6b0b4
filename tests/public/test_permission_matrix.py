"""Every URL of the public site, for every role: everyone reads it, drafts are 404 for all."""

import pytest

from tests.matrix import check_row, matrix_cases, uncovered
from tests.matrix_rows.public import ROWS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


def test_every_url_has_a_row():
    assert uncovered("public", ROWS) == set()
    assert uncovered("public_en", ROWS) == set()
