"""A county coordinator, whose role needs a second factor, sets up an authenticator app at the first
sign-in and afterwards reaches neither the dashboard nor the admin site without a code from it."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from core.roles import Role
from tests.factories import PASSWORD
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEP = re.compile(r"/accounts/tvastegsverifiering/\?next=")


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app that was given ``secret`` shows (``steps_ahead`` periods of 30 s later)."""
    return f"{totp(b32decode(secret.replace(' ', '')), drift=steps_ahead):06d}"


def test_a_coordinator_enrols_and_then_needs_the_code_for_the_dashboard_and_the_admin_site(page, a11y, world, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = [Role.COUNTY_COORDINATOR]
    # A wrong code makes the app wait a second before the next; the test types its codes at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])

    sign_in(page, a11y, "samordnare", PASSWORD)
    # The role needs it and there is no app yet: the first page is the set-up.
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägg till en autentiseringsapp")
    expect(page.get_by_role("img", name="QR-kod för din autentiseringsapp")).to_be_visible()
    a11y.check(page)
    secret = page.locator("#twofactor-secret").inner_text()
    page.get_by_label("Kod från appen").fill(app_code(secret))
    page.get_by_role("button", name="Aktivera tvåstegsverifiering").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Återställningskoder")
    expect(page.get_by_role("list", name="Dina återställningskoder").get_by_role("listitem")).to_have_count(10)
    a11y.check(page)
    page.get_by_role("button", name="Jag har sparat koderna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Karin")
    a11y.check(page)

    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    a11y.check(page)

    sign_in(page, a11y, "samordnare", PASSWORD)
    expect(page).to_have_url(STEP)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    a11y.check(page)
    for path in ("/", "/lan/12/"):
        page.goto(path)
        expect(page).to_have_url(STEP)
        expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
        a11y.check(page)
    # The admin site (Django's own pages, which the portal's accessibility checks do not cover) is
    # asked for with the browser's cookies, without loading it as a page.
    admin = page.request.get("/admin/", max_redirects=0)
    assert admin.status == 302
    assert STEP.search(admin.headers["location"])

    page.get_by_label("Kod").fill("000000")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Koden är fel eller har redan använts")
    a11y.check(page)

    # The code of the next period: the one used at set-up may still be current, and a code works once.
    page.get_by_label("Kod").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Fortsätt").click()
    expect(page).to_have_url(re.compile(r"/lan/12/$"))
    a11y.check(page)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Karin")
    a11y.check(page)
    admin = page.request.get("/admin/", max_redirects=0)
    assert admin.status == 200
    assert "<title>Webbplatsadministration" in admin.text()

    page.goto("/profil/")
    a11y.check(page)
    page.get_by_role("link", name="Tvåstegsverifiering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    expect(page.get_by_text("Du har 10 oanvända återställningskoder.")).to_be_visible()
    a11y.check(page)
    page.get_by_role("link", name="Skapa nya återställningskoder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vill du skapa nya återställningskoder?")
    a11y.check(page)
    page.get_by_role("link", name="Avbryt").click()
    a11y.check(page)
    page.goto("/accounts/tvastegsverifiering/stang-av/")
    # The role needs it: the page says so instead of offering to turn it off.
    expect(page.get_by_role("button", name="Stäng av tvåstegsverifiering")).to_have_count(0)
    a11y.check(page)
    page.get_by_role("button", name="Logga ut").click()
    a11y.check(page)

    # A national administrator resets it, after confirming; the coordinator's next sign-in sets up a new app.
    sign_in(page, a11y, "admin", PASSWORD)
    a11y.check(page)
    page.goto(f"/accounts/tvastegsverifiering/personer/{coordinator.pk}/aterstall/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Vill du återställa tvåstegsverifieringen"))
    a11y.check(page)
    page.get_by_role("button", name="Återställ tvåstegsverifiering").click()
    expect(page.get_by_role("status")).to_contain_text("är återställd")
    expect(page.get_by_text("Tvåstegsverifiering återställd av en nationell administratör")).to_be_visible()
    a11y.check(page)
