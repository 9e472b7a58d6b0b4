"""The permission matrix's rows for the personal-data pages (``portal.privacy``): national administrators
only; everyone else signed in gets a 404, an anonymous visitor the sign-in page."""

from tests.factories import UserFactory
from tests.matrix import Row, expect

ADMIN_ONLY = expect(404, anonymous=302, national_admin=200)
# The removal is posted: the administrator is sent on to the register.
ADMIN_POSTS = expect(404, anonymous=302, national_admin=302)
NAMED = {"namn": "Anna Andersson", "epost": "anna@lund.example.se"}


def account(world, side):
    """An account of its own: the removal row really removes it."""
    return {"pk": UserFactory(username=f"slutat-{side}", first_name="Slutat", last_name="Konto").pk}


ROWS = [
    Row("privacy:register", own=ADMIN_ONLY, no_role=404),
    Row("privacy:person", kwargs=account, own=ADMIN_ONLY),
    Row("privacy:person_json", kwargs=account, own=ADMIN_ONLY),
    Row("privacy:person_pdf", kwargs=account, own=ADMIN_ONLY),
    Row("privacy:person_remove", kwargs=account, own=ADMIN_ONLY),
    Row("privacy:person_remove", kwargs=account, method="post", data=lambda world, side: {}, own=ADMIN_POSTS),
    Row("privacy:named_person", data=lambda world, side: NAMED, own=ADMIN_ONLY, no_role=404),
    Row("privacy:named_json", data=lambda world, side: NAMED, own=ADMIN_ONLY, no_role=404),
    Row("privacy:named_pdf", data=lambda world, side: NAMED, own=ADMIN_ONLY, no_role=404),
    Row("privacy:named_remove", data=lambda world, side: NAMED, own=ADMIN_ONLY, no_role=404),
    Row("privacy:named_remove", method="post", data=lambda world, side: NAMED, own=ADMIN_POSTS, no_role=404),
]
