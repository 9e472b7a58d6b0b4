"""A person signs in, sees their scope in Swedish on the start page, and signs out."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_municipal_officer_signs_in_sees_scope_and_signs_out(page, a11y, world):
    sign_in(page, a11y, "kommun", PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Annica")
    expect(page.get_by_test_id("scope")).to_contain_text("Kommunal samordnare, Lund")
    a11y.check(page)

    page.get_by_role("link", name="Lund").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lund")
    a11y.check(page)

    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("status")).to_contain_text("Du har loggat ut.")
    a11y.check(page)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    a11y.check(page)


def test_wrong_password_is_explained_in_swedish(page, a11y, world):
    sign_in(page, a11y, "kommun", "fel-lösenord")

    expect(page.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_contain_text(
        "Ange ett korrekt användarnamn och lösenord"
    )
    a11y.check(page)


def test_county_coordinator_sees_the_county_and_its_municipalities(page, a11y, world):
    sign_in(page, a11y, "samordnare", PASSWORD)
    expect(page.get_by_test_id("scope")).to_contain_text("Länssamordnare, Skåne län")
    a11y.check(page)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Skåne län").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skåne län")
    expect(page.get_by_role("link", name="Hässleholm")).to_be_visible()
    a11y.check(page)


def test_language_can_be_switched_to_english(page, a11y, world):
    sign_in(page, a11y, "styrgrupp", PASSWORD)
    a11y.check(page)
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt språk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Henrik")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    a11y.check(page)
