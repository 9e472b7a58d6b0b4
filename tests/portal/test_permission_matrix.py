"""Every URL of the portal app, for every role."""

import pytest

from tests.matrix import Row, check_row, expect, matrix_cases, uncovered

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    from portal.models import Report, ReportStatus

    for side, county, municipality in (
        ("own", world.own_county, world.own_municipality),
        ("foreign", world.foreign_county, world.foreign_municipality),
    ):
        setattr(
            world,
            f"{side}_report",
            Report.objects.create(
                kind="municipality",
                county=county,
                municipality=municipality,
                period_start="2026-01-01",
                period_end="2026-06-30",
                status=ReportStatus.FAILED,
                error="Avbruten",
            ),
        )
    return world


def county(world, side):
    return {"code": (world.own_county if side == "own" else world.foreign_county).code}


def municipality(world, side):
    return {"code": (world.own_municipality if side == "own" else world.foreign_municipality).code}


def report(world, side):
    return {"pk": getattr(world, f"{side}_report").pk}


FOREIGN = expect(404, anonymous=302, national_admin=200)
# Reports are for the county's coordinators and steering group, and a municipality's officers.
REPORT_READERS = expect(
    404,
    anonymous=302,
    actor_contact=404,
    county_coordinator=200,
    municipal_officer=200,
    steering_group=200,
    national_admin=200,
)

ROWS = [
    Row("portal:home", own=expect(200, anonymous=302), no_role=200),
    Row("portal:search", own=expect(200, anonymous=302), no_role=200),
    Row(
        "portal:county_reports",
        kwargs=county,
        own=expect(200, anonymous=302),
        foreign=FOREIGN,
    ),
    Row("portal:municipality_reports", kwargs=municipality, own=expect(200, anonymous=302), foreign=FOREIGN),
    Row("portal:report_detail", kwargs=report, own=REPORT_READERS, foreign=FOREIGN),
    Row("portal:report_status", kwargs=report, own=REPORT_READERS, foreign=FOREIGN),
    # A failed report has no file to download.
    Row(
        "portal:report_file",
        kwargs=report,
        own={
            **REPORT_READERS,
            **dict.fromkeys(("county_coordinator", "municipal_officer", "steering_group", "national_admin"), 403),
        },
        foreign={**FOREIGN, "national_admin": 403},
    ),
    Row(
        "portal:report_retry",
        kwargs=report,
        method="post",
        own={
            **REPORT_READERS,
            **dict.fromkeys(("county_coordinator", "municipal_officer", "steering_group", "national_admin"), 302),
        },
        foreign={**FOREIGN, "national_admin": 302},
    ),
]


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


def test_every_url_has_a_row():
    assert uncovered("portal", ROWS) == set()
