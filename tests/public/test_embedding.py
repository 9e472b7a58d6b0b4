"""The embeddable pledge page and what the county registers for the public site: only the web sites
registered for the municipality may show the page in a frame; the officer copies the code from the
pledge's page; the public pages say whom to contact."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.roles import Role
from portal.models import PublicContact
from portal.public.services import save_public_contact
from tests import parsed

pytestmark = pytest.mark.django_db

EMBED = "/trygghet/lund/inbaddning/"


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_the_embed_page_may_be_framed_by_the_registered_web_sites_only(client, world):
    response = client.get(EMBED)
    assert _frame_ancestors(response) == "frame-ancestors 'none'"
    save_public_contact(
        world.own_county, world.own_municipality, {"embed_origins": "https://www.lund.se\nhttp://127.0.0.1:8123"}
    )
    response = client.get(EMBED)
    assert _frame_ancestors(response) == "frame-ancestors https://www.lund.se http://127.0.0.1:8123"
    assert "X-Frame-Options" not in response
    root = parsed.page(response)
    assert world.own_pledge.title in parsed.text(parsed.main(root))
    assert world.published_follow_up.summary in parsed.text(parsed.main(root))
    assert world.unpublished_follow_up.summary not in response.content.decode()
    # Every other page keeps the site's policy: no frame at all.
    other = client.get("/trygghet/lund/")
    assert _frame_ancestors(other) == "frame-ancestors 'none'"
    assert other["X-Frame-Options"] == "DENY"


def test_the_county_registers_the_contact_and_the_web_sites(client, world):
    url = reverse("portal:municipality_public_contact", kwargs={"code": world.own_municipality.code})
    client.force_login(world.user(Role.COUNTY_COORDINATOR))
    response = client.post(url, {"email": "trygghet@lund.se", "embed_origins": "www.lund.se"})
    assert "är inte en webbplats adress" in parsed.text(parsed.page(response))
    assert not PublicContact.objects.exists()
    values = {"email": "trygghet@lund.se", "phone": "046-35 50 00", "embed_origins": "HTTPS://www.lund.se/\n"}
    assert client.post(url, values).status_code == 302
    contact = PublicContact.objects.get(municipality=world.own_municipality)
    assert contact.origins() == ["https://www.lund.se"]
    client.logout()
    root = parsed.main(parsed.page(client.get("/trygghet/lund/")))
    contact_section = parsed.by_id(root, "contact-heading")
    assert contact_section is not None
    assert parsed.links(root)["mailto:trygghet@lund.se"] == "trygghet@lund.se"


def test_the_municipality_does_not_register_its_own_web_sites(client, world):
    client.force_login(world.user(Role.MUNICIPAL_OFFICER))
    url = reverse("portal:municipality_public_contact", kwargs={"code": world.own_municipality.code})
    assert client.get(url).status_code == 403


def test_the_county_board_has_a_contact_without_web_sites(client, world):
    client.force_login(world.user(Role.COUNTY_COORDINATOR))
    url = reverse("portal:county_public_contact", kwargs={"code": world.own_county.code})
    root = parsed.page(client.get(url))
    assert [label for label in parsed.labels(parsed.main(root)) if "embed" in label or "inbäddning" in label] == []
    assert client.post(url, {"email": "skane@lansstyrelsen.se"}).status_code == 302
    client.logout()
    root = parsed.main(parsed.page(client.get("/trygghet/lan/skane-lan/")))
    assert parsed.links(root)["mailto:skane@lansstyrelsen.se"] == "skane@lansstyrelsen.se"


def test_the_officer_copies_the_code_from_the_pledge_page(client, world):
    client.force_login(world.user(Role.MUNICIPAL_OFFICER))
    root = parsed.page(client.get(world.own_pledge.get_absolute_url()))
    snippet = parsed.by_id(root, "embed-snippet")
    code = parsed.parse(f"<!doctype html><body>{parsed.text(snippet)}")
    frame = parsed.elements(code, "iframe")[0]
    assert frame.get("src") == f"http://testserver{EMBED}"
    assert frame.get("title")
