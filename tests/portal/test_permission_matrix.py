"""Every URL of the portal and the municipalities app, for every role, own and foreign objects."""

import pytest

from tests.matrix import Row, check_row, expect, matrix_cases, uncovered

pytestmark = pytest.mark.django_db


def county(world, side):
    return {"code": (world.own_county if side == "own" else world.foreign_county).code}


def municipality(world, side):
    return {"code": (world.own_municipality if side == "own" else world.foreign_municipality).code}


ROWS = [
    Row("portal:home", own=expect(200, anonymous=302)),
    Row(
        "municipalities:county_list",
        own=expect(200, anonymous=302),
    ),
    Row(
        "municipalities:county_detail",
        kwargs=county,
        own=expect(200, anonymous=302),
        foreign=expect(404, anonymous=302, national_admin=200),
    ),
    Row(
        "municipalities:municipality_detail",
        kwargs=municipality,
        own=expect(200, anonymous=302),
        foreign=expect(404, anonymous=302, national_admin=200),
    ),
]


@pytest.mark.parametrize(("row", "side", "role"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side, role):
    check_row(client, world, row, side, role)


@pytest.mark.parametrize("namespace", ["portal", "municipalities"])
def test_every_url_has_a_row(namespace):
    assert uncovered(namespace, ROWS) == set()
