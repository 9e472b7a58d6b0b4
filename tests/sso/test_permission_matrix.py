"""Every URL of single sign-on, for every role."""

import pytest

from tests.matrix import check_row, matrix_cases, uncovered
from tests.matrix_rows.sso import ROWS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, oidc_provider, row, side):
    check_row(client, world, row, side)


def test_every_url_has_a_row():
    assert uncovered("sso", ROWS) == set()
