"""The permission matrix's rows for two-step verification (``portal.twofactor``): one ``Row`` per URL.

In the tests no role needs a second factor (``TWO_FACTOR_REQUIRED_ROLES`` is empty) and nobody in the
world has an app: the step lets everyone on, the pages about one's own app are everyone's, and the
pages that need an app (new codes, turning off) send one back to the overview. Resetting another
person's second factor is for national administrators only; to anyone else it does not exist.
"""

from tests.matrix import NO_ROLE, Row, expect


def person(world, side):
    """The county coordinator of the world, or an account that does not exist."""
    return {"pk": world.user("county_coordinator").pk if side == "own" else 10**9}


EVERYONE = expect(200, anonymous=302)
SENT_ON = expect(302)
ADMINS_ONLY = {**expect(404, anonymous=302, national_admin=200), NO_ROLE: 404}

ROWS = [
    # Nothing owed: straight on to the start page.
    Row("twofactor:verify", own=SENT_ON, no_role=302),
    Row("twofactor:manage", own=EVERYONE, no_role=200),
    Row("twofactor:enrol", own=EVERYONE, no_role=200),
    Row("twofactor:recovery_codes", own=EVERYONE, no_role=200),
    # No new codes in the session, no app: back to the page that explains.
    Row("twofactor:recovery_codes_file", own=SENT_ON, no_role=302),
    Row("twofactor:regenerate", own=SENT_ON, no_role=302),
    Row("twofactor:disable", own=SENT_ON, no_role=302),
    Row(
        "twofactor:reset",
        kwargs=person,
        own=ADMINS_ONLY,
        foreign={**expect(404, anonymous=302), NO_ROLE: 404},
    ),
    Row(
        "twofactor:reset",
        kwargs=person,
        method="post",
        own={**expect(404, anonymous=302, national_admin=302), NO_ROLE: 404},
        foreign={**expect(404, anonymous=302), NO_ROLE: 404},
    ),
]
