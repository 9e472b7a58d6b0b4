"""A person changes their name on the profile page and ends a session signed in on another device."""

import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect
from user_sessions.models import Session

from core.roles import Role
from tests.factories import PASSWORD
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"
# Where the screenshots go when asked for (SCREENSHOT_DIR), to be looked at.
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page, name: str, *sections: str) -> None:
    """The whole page at both widths, and each of ``sections`` (element ids) on its own."""
    if SHOTS:
        for width in (1366, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
            for section in sections:
                page.locator(f"#{section}").screenshot(path=str(Path(SHOTS) / f"{name}-{section}-{width}.png"))
        page.set_viewport_size({"width": 1366, "height": 900})


def test_a_person_changes_their_name_and_ends_their_other_session(page, a11y, world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    phone = Client(HTTP_USER_AGENT=IPHONE, REMOTE_ADDR="192.0.2.7")
    phone.force_login(officer)
    assert phone.get("/profil/").status_code == 200

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto("/profil/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min profil")
    a11y.check(page)

    page.get_by_role("navigation", name="På den här sidan").get_by_role("link", name="Namn").click()
    page.get_by_label("Förnamn").fill("Annika")
    page.get_by_label("Efternamn").fill("Lindqvist")
    page.get_by_role("button", name="Spara namnet").click()
    expect(page.get_by_role("status").filter(has_text="Ditt namn är sparat.")).to_be_visible()
    expect(page.get_by_label("Förnamn")).to_have_value("Annika")
    a11y.check(page)
    officer.refresh_from_db()
    assert officer.get_full_name() == "Annika Lindqvist"

    sessions = page.get_by_role("table", name="Dina aktiva sessioner, den här först")
    expect(sessions.get_by_role("row")).to_have_count(3)  # the header and two sessions
    expect(sessions.get_by_role("row").nth(1)).to_contain_text("Den här sessionen")
    expect(sessions.get_by_role("row").nth(2)).to_contain_text("Safari på iPhone")
    shoot(page, "profile", "sessioner", "behorigheter")

    sessions.get_by_role("link", name="Avsluta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avsluta sessionen?")
    a11y.check(page)
    shoot(page, "end-session")
    page.get_by_role("button", name="Avsluta sessionen").click()
    expect(page.get_by_role("status").filter(has_text="Sessionen är avslutad.")).to_be_visible()
    expect(sessions.get_by_role("row")).to_have_count(2)
    expect(page.get_by_text("Du är bara inloggad här.")).to_be_visible()
    a11y.check(page)

    assert Session.objects.filter(user=officer).count() == 1
    assert phone.get("/profil/").status_code == 302  # the phone is signed out
