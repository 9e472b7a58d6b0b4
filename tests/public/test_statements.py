"""The accessibility statement (DIGG's form) and the privacy notice: written by the migrations, edited
by administrators on the admin site, shown on the public site and linked from every page."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from core.roles import Role
from portal.models import AccessibilityStatement, PrivacyNotice
from portal.public.statements import check_facts
from tests import parsed

pytestmark = pytest.mark.django_db

DIGG_PARTS = [
    "Hur tillgänglig är webbplatsen?",
    "Vad kan du göra om du inte kan använda delar av webbplatsen?",
    "Rapportera brister i webbplatsens tillgänglighet",
    "Tillsyn",
    "Teknisk information om webbplatsens tillgänglighet",
    "Innehåll som inte är tillgängligt",
    "Hur vi testat webbplatsen",
]


def _headings(root) -> list[str]:
    return [parsed.text(h) for h in parsed.elements(parsed.main(root), "h2")]


def test_the_statement_has_every_part_of_diggs_form(client, world):
    root = parsed.page(client.get(reverse("public:accessibility")))
    assert _headings(root) == DIGG_PARTS
    shown = parsed.text(parsed.main(root))
    assert "delvis förenlig med lagen" in shown
    assert "EN 301 549" in shown
    facts = check_facts()
    assert f"axe-core {facts['axe']}" in shown
    assert f"Nu HTML Checker {facts['vnu']}" in shown
    assert parsed.links(parsed.main(root))["mailto:kontakt@trygghetsportalen.se"] == "kontakt@trygghetsportalen.se"


def test_an_administrator_edits_the_statement_on_the_admin_site(client, world):
    statement = AccessibilityStatement.objects.get(language="sv")
    client.force_login(world.user(Role.NATIONAL_ADMIN))
    values = {k: v for k, v in model_to_dict(statement).items() if v is not None}
    values |= {"how_accessible": "Nu granskad av en extern byrå.", "compliance": "fully", "tested_on": "2026-11-30"}
    response = client.post(reverse("admin:portal_accessibilitystatement_change", args=[statement.pk]), values)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    shown = parsed.text(parsed.main(parsed.page(client.get(reverse("public:accessibility")))))
    assert "Nu granskad av en extern byrå." in shown
    assert "helt förenlig med lagen" in shown
    assert "2026-11-30" in shown
    # The English statement is its own row.
    english = parsed.text(parsed.main(parsed.page(client.get(reverse("public_en:accessibility")))))
    assert "Nu granskad" not in english
    assert "partly compliant" in english


def test_the_privacy_notice_is_shown_in_its_sections(client, world):
    notice = PrivacyNotice.objects.get(language="sv")
    notice.text = "# Kakor\nInga kakor.\n\nInte heller loggar."
    notice.save()
    root = parsed.page(client.get(reverse("public:privacy")))
    assert _headings(root) == ["Kakor", "Frågor om personuppgifter"]
    paragraphs = [parsed.text(p) for p in parsed.elements(parsed.main(root), "p")]
    assert paragraphs[:2] == ["Inga kakor.", "Inte heller loggar."]


def test_without_a_saved_row_the_first_text_is_shown(client, world):
    AccessibilityStatement.objects.all().delete()
    PrivacyNotice.objects.all().delete()
    assert _headings(parsed.page(client.get(reverse("public:accessibility")))) == DIGG_PARTS
    assert client.get(reverse("public_en:privacy")).status_code == 200


@pytest.mark.parametrize("role", [None, Role.MUNICIPAL_OFFICER])
def test_every_page_links_to_the_statement_and_the_notice(client, world, role):
    if role:
        client.force_login(world.user(role))
    for url in ("/trygghet/lund/", "/" if role else reverse("login")):
        footer = parsed.elements(parsed.page(client.get(url)), "footer")[0]
        links = parsed.links(footer)
        assert links.get(reverse("public:accessibility")) == "Tillgänglighet", url
        assert links.get(reverse("public:privacy")) == "Personuppgifter", url
