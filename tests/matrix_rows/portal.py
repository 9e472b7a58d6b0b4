"""The permission matrix's rows for the portal app: one ``Row`` per URL (``tests/matrix.py``).

``tests/portal/test_permission_matrix.py`` walks them; ``tests/security/test_access.py`` checks that
together with the other apps' rows they leave no URL of the site out. The objects they name are
built in ``tests/worlds.py``.
"""

from tests.matrix import Row, expect
from tests.profile_objects import email_link, person_api_key, person_session


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

# What only the world's municipal officer owns (their session, key, link), and what is another person's.
PERSONAL = expect(404, anonymous=302, municipal_officer=200)
NOT_FOUND = expect(404, anonymous=302)

ROWS = [
    Row("portal:home", own=expect(200, anonymous=302), no_role=200),
    Row("portal:search", own=expect(200, anonymous=302), no_role=200),
    # Everyone's own settings: whoever is signed in, grants or not.
    Row("portal:profile", own=expect(200, anonymous=302), no_role=200),
    # The profile page's forms: a GET of their addresses shows the page; a POST changes the person's own.
    *(
        Row(f"portal:{name}", own=expect(200, anonymous=302), no_role=200)
        for name in ("profile_name", "profile_email", "end_other_sessions", "profile_api_keys")
    ),
    Row(
        "portal:profile_name",
        method="post",
        data=lambda world, side: {"first_name": "Åsa", "last_name": "Öberg"},
        own=expect(302),
        no_role=302,
    ),
    Row("portal:end_other_sessions", method="post", own=expect(302), no_role=302),
    # A person's own session, API key and e-mail link are the officer's; another person's are no one's here.
    Row("portal:end_session", kwargs=person_session, own=PERSONAL, foreign=NOT_FOUND),
    Row(
        "portal:end_session",
        method="post",
        kwargs=person_session,
        own={**PERSONAL, "municipal_officer": 302},
        foreign=NOT_FOUND,
    ),
    Row("portal:profile_api_key_revoke", kwargs=person_api_key, own=PERSONAL, foreign=NOT_FOUND),
    Row(
        "portal:profile_api_key_revoke",
        method="post",
        kwargs=person_api_key,
        own={**PERSONAL, "municipal_officer": 302},
        foreign=NOT_FOUND,
    ),
    Row("portal:email_confirm", kwargs=email_link, own=PERSONAL, foreign=NOT_FOUND),
    Row(
        "portal:county_reports",
        kwargs=county,
        own=expect(200, anonymous=302),
        foreign=FOREIGN,
    ),
    Row("portal:municipality_reports", kwargs=municipality, own=expect(200, anonymous=302), foreign=FOREIGN),
    # What the public site shows of the county board and a municipality: registered by the county's coordinators.
    *(
        Row(
            name,
            kwargs=kwargs,
            own=expect(403, anonymous=302, county_coordinator=200, national_admin=200),
            foreign=FOREIGN,
        )
        for name, kwargs in (
            ("portal:county_public_contact", county),
            ("portal:municipality_public_contact", municipality),
        )
    ),
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
