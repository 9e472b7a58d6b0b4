"""The permission matrix's rows for the personal-data pages (``portal.privacy``): national administrators
only; everyone else signed in gets a 404, an anonymous visitor the sign-in page."""

from django.core.files.base import ContentFile

from portal.models import ReportStatus
from portal.privacy.models import PersonExport
from tests.factories import UserFactory
from tests.matrix import Row, expect

ADMIN_ONLY = expect(404, anonymous=302, national_admin=200)
# The removal is posted: the administrator is sent on to the register.
ADMIN_POSTS = expect(404, anonymous=302, national_admin=302)
NAMED = {"namn": "Anna Andersson", "epost": "anna@lund.example.se"}


def account(world, side):
    """An account of its own: the removal row really removes it."""
    return {"pk": UserFactory(username=f"slutat-{side}", first_name="Slutat", last_name="Konto").pk}


def export(world, side):
    """A produced export (its file too), named by its key."""
    done = PersonExport(name="Anna Andersson", status=ReportStatus.DONE)
    done.file.save("utdrag.pdf", ContentFile(b"%PDF-1.4 utdrag"), save=True)
    return {"key": done.key}


ROWS = [
    Row("privacy:register", own=ADMIN_ONLY, no_role=404),
    Row("privacy:person", kwargs=account, own=ADMIN_ONLY),
    Row("privacy:person_json", kwargs=account, own=ADMIN_ONLY),
    # Asking for the PDF starts its job and sends the administrator to its page.
    Row("privacy:person_pdf", kwargs=account, method="post", own=ADMIN_POSTS),
    Row("privacy:person_remove", kwargs=account, own=ADMIN_ONLY),
    Row("privacy:person_remove", kwargs=account, method="post", data=lambda world, side: {}, own=ADMIN_POSTS),
    Row("privacy:named_person", data=lambda world, side: NAMED, own=ADMIN_ONLY, no_role=404),
    Row("privacy:named_json", data=lambda world, side: NAMED, own=ADMIN_ONLY, no_role=404),
    Row("privacy:named_pdf", method="post", data=lambda world, side: NAMED, own=ADMIN_POSTS, no_role=404),
    Row("privacy:export_detail", kwargs=export, own=ADMIN_ONLY),
    Row("privacy:export_file", kwargs=export, own=ADMIN_ONLY),
    Row("privacy:named_remove", data=lambda world, side: NAMED, own=ADMIN_ONLY, no_role=404),
    Row("privacy:named_remove", method="post", data=lambda world, side: NAMED, own=ADMIN_POSTS, no_role=404),
]
