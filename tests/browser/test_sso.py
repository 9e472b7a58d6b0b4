"""Signing in through an organisation's identity provider in the browser: a real OpenID Connect
provider (npm's ``oidc-provider``, ``tests/oidc.py``) on loopback, its own sign-in page included."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import User
from tests.oidc import LABEL, provider_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(live_server, oidc_provider_for, settings):
    running = oidc_provider_for(live_server.url)
    settings.OIDC_PROVIDERS = provider_settings(running.issuer)
    return running


def sign_in_at_provider(page, a11y, account: str) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Logga in med din organisations konto")).to_be_visible()
    a11y.check(page)
    page.get_by_role("link", name=LABEL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in hos testlänet")
    a11y.check(page)
    page.get_by_label("Konto").fill(account)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("load")


def test_a_county_coordinator_signs_in_through_the_provider_and_lands_on_the_dashboard(
    page, a11y, world, live_server, provider
):
    provider.add_account("karin", "samordnare@example.se", amr=["pwd", "otp"])

    sign_in_at_provider(page, a11y, "karin")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Karin")
    expect(page.get_by_test_id("scope")).to_contain_text("Länssamordnare, Skåne län")
    a11y.check(page)


def test_someone_without_an_account_is_told_to_ask_for_an_invitation(page, a11y, world, provider):
    provider.add_account("okand", "ny.person@example.se")
    users = User.objects.count()

    sign_in_at_provider(page, a11y, "okand")

    expect(page.get_by_role("heading", level=1)).to_have_text("Inget konto att logga in på")
    expect(page.get_by_role("alert")).to_have_text(
        "Det finns inget konto för ny.person@example.se; be länets samordnare om en inbjudan."
    )
    a11y.check(page)
    assert User.objects.count() == users
    page.get_by_role("link", name="Tillbaka till inloggningen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    a11y.check(page)
