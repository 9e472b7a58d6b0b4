"""The permission matrix's rows for the portal app: one ``Row`` per URL (``tests/matrix.py``).

``tests/portal/test_permission_matrix.py`` walks them; ``tests/security/test_access.py`` checks that
together with the other apps' rows they leave no URL of the site out. The objects they name are
built in ``tests/worlds.py``.
"""

from tests.matrix import Row, expect


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
    # Everyone's own settings: whoever is signed in, grants or not.
    Row("portal:profile", own=expect(200, anonymous=302), no_role=200),
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
