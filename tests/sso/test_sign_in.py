"""Signing in through a real OpenID Connect provider (npm's ``oidc-provider``, started on loopback).

Who gets in: an active account, or a usable invitation, with the same verified address in one of
the provider's domains; a later sign-in is matched by issuer and subject. Nobody else, and nothing
is made for them.
"""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from core.roles import Role
from portal.models import User
from portal.sso.models import IdentityLink
from portal.twofactor.queries import VERIFIED_SESSION_KEY
from tests.factories import GrantFactory, UserFactory
from tests.oidc import LABEL, follow_callback, provider_settings, sign_in_through
from tests.parsed import by_id, elements, links, main, messages, page, text

pytestmark = pytest.mark.django_db

COORDINATOR_EMAIL = "samordnare@example.se"


def heading(response) -> str:
    return text(elements(page(response), "h1")[0])


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get(SESSION_KEY)).first()


def test_the_login_page_shows_no_button_without_providers(client, settings):
    settings.OIDC_PROVIDERS = {}
    response = client.get(reverse("login"))
    assert LABEL not in links(main(page(response))).values()
    assert by_id(page(response), "sso-heading") is None


def test_the_login_page_offers_the_providers_button_carrying_next(client, oidc_provider):
    response = client.get(reverse("login"), {"next": "/lan/12/"})
    button = next(href for href, label in links(main(page(response))).items() if label == LABEL)
    assert button == reverse("sso:login", kwargs={"slug": "testlan"}) + "?next=%2Flan%2F12%2F"
    assert text(by_id(page(response), "sso-heading")) == "Logga in med din organisations konto"


def test_a_coordinator_signs_in_and_lands_on_the_dashboard(client, world, oidc_provider):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    coordinator.language = "en"
    coordinator.save()
    oidc_provider.add_account("karin-1", COORDINATOR_EMAIL)

    response = sign_in_through(client, oidc_provider, "karin-1")

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert signed_in_user(client) == coordinator
    assert client.session[SESSION_KEY] == str(coordinator.pk)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.cookies["tp_signed_in"].value == "1"
    link = IdentityLink.objects.get()
    assert (link.provider, link.issuer, link.subject, link.user) == (
        "testlan",
        oidc_provider.issuer,
        "karin-1",
        coordinator,
    )
    assert link.last_used_at is not None
    assert link.history.get().history_type == "+"
    # Password only at the provider: the portal's second step is still owed where the role needs it.
    assert VERIFIED_SESSION_KEY not in client.session
    assert client.get(response["Location"]).status_code == 200


def test_the_sign_in_lands_on_a_safe_next_only(client, world, oidc_provider):
    oidc_provider.add_account("karin-2", COORDINATOR_EMAIL)
    response = sign_in_through(client, oidc_provider, "karin-2", next_url="/lan/12/")
    assert response["Location"] == "/lan/12/"

    client.logout()
    response = sign_in_through(client, oidc_provider, "karin-2", next_url="https://elsewhere.example/")
    assert response["Location"] == reverse("portal:home")


def test_a_later_sign_in_is_matched_by_subject_not_by_a_changed_address(client, world, oidc_provider):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    officer = world.user(Role.MUNICIPAL_OFFICER)
    oidc_provider.add_account("karin-3", COORDINATOR_EMAIL)
    sign_in_through(client, oidc_provider, "karin-3")
    client.logout()

    # At the provider the person's address now reads the officer's: they still reach their own account.
    oidc_provider.add_account("karin-3", officer.email)
    response = sign_in_through(client, oidc_provider, "karin-3")

    assert response.status_code == 302
    assert signed_in_user(client) == coordinator
    assert IdentityLink.objects.get().user == coordinator


def test_another_person_with_the_address_does_not_take_over_a_linked_account(client, world, oidc_provider):
    oidc_provider.add_account("karin-4", COORDINATOR_EMAIL)
    sign_in_through(client, oidc_provider, "karin-4")
    client.logout()

    oidc_provider.add_account("intruder", COORDINATOR_EMAIL)
    response = sign_in_through(client, oidc_provider, "intruder")

    assert response.status_code == 200
    assert signed_in_user(client) is None
    assert "redan kopplat till en annan person" in messages(page(response))[0]
    assert list(IdentityLink.objects.values_list("subject", flat=True)) == ["karin-4"]


def test_an_unknown_address_gets_a_clear_page_and_nothing_is_made(client, world, oidc_provider):
    oidc_provider.add_account("okand", "ny.person@example.se")
    users = User.objects.count()

    response = sign_in_through(client, oidc_provider, "okand")

    assert response.status_code == 200
    assert heading(response) == "Inget konto att logga in på"
    assert messages(page(response)) == [
        "Det finns inget konto för ny.person@example.se; be länets samordnare om en inbjudan."
    ]
    assert User.objects.count() == users
    assert not IdentityLink.objects.exists()
    assert signed_in_user(client) is None


def test_an_unverified_address_is_refused(client, world, oidc_provider):
    oidc_provider.add_account("overifierad", COORDINATOR_EMAIL, email_verified=False)

    response = sign_in_through(client, oidc_provider, "overifierad")

    assert response.status_code == 200
    assert "har inte bekräftat din e-postadress" in messages(page(response))[0]
    assert signed_in_user(client) is None
    assert not IdentityLink.objects.exists()


def test_an_address_outside_the_providers_domains_is_refused(client, world, oidc_provider):
    outsider = UserFactory(username="utanfor", email="karin@annan.example")
    GrantFactory(user=outsider, role=Role.COUNTY_COORDINATOR, county=world.own_county)
    oidc_provider.add_account("annan-doman", outsider.email)

    response = sign_in_through(client, oidc_provider, "annan-doman")

    assert response.status_code == 200
    assert messages(page(response)) == [
        "Adressen karin@annan.example får inte användas för att logga in i portalen genom den här "
        "identitetsleverantören."
    ]
    assert signed_in_user(client) is None


def test_a_switched_off_account_is_refused_even_when_linked(client, world, oidc_provider):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    oidc_provider.add_account("karin-5", COORDINATOR_EMAIL)
    sign_in_through(client, oidc_provider, "karin-5")
    client.logout()
    coordinator.is_active = False
    coordinator.save()

    response = sign_in_through(client, oidc_provider, "karin-5")

    assert response.status_code == 200
    assert signed_in_user(client) is None


def test_a_replayed_answer_is_refused(client, world, oidc_provider):
    """The provider's redirect (code and state) used a second time: the state is spent."""
    oidc_provider.add_account("karin-6", COORDINATOR_EMAIL)
    first = sign_in_through(client, oidc_provider, "karin-6")
    assert first.status_code == 302
    client.logout()

    replayed = follow_callback(client, first.callback_url)

    assert replayed.status_code == 400
    assert heading(replayed) == "Inloggningen lyckades inte"
    assert messages(page(replayed)) == ["Den här inloggningen har redan använts eller gått ut."]
    assert signed_in_user(client) is None


def test_a_state_from_another_browser_is_refused(client, world, oidc_provider):
    """An answer meant for one browser's session, delivered to another (login CSRF): refused."""
    oidc_provider.add_account("karin-7", COORDINATOR_EMAIL)
    start = client.get(reverse("sso:login", kwargs={"slug": "testlan"}))
    callback_url = oidc_provider.authorize(start["Location"], "karin-7")
    client.cookies.clear()

    response = follow_callback(client, callback_url)

    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_a_refusal_at_the_provider_is_explained(client, world, oidc_provider):
    response = client.get(reverse("sso:callback", kwargs={"slug": "testlan"}), {"error": "access_denied"})
    assert response.status_code == 400
    assert messages(page(response)) == ["Inloggningen avbröts eller nekades hos identitetsleverantören."]


@pytest.mark.parametrize(
    ("amr", "acr", "mfa_acr", "verified"),
    [
        (["pwd", "otp"], None, [], True),
        (["hwk"], None, [], True),
        (["mfa"], None, [], True),
        (["pwd"], "urn:loa:3", ["urn:loa:3"], True),
        (["pwd"], "urn:loa:2", ["urn:loa:3"], False),
        (["pwd"], None, [], False),
    ],
)
def test_multi_factor_at_the_provider_counts_as_the_second_step(
    client, world, oidc_provider, settings, amr, acr, mfa_acr, verified
):
    settings.OIDC_PROVIDERS = provider_settings(oidc_provider.issuer, mfa_acr=mfa_acr)
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    oidc_provider.add_account("karin-mfa", COORDINATOR_EMAIL, amr=amr, acr=acr)

    sign_in_through(client, oidc_provider, "karin-mfa")

    assert signed_in_user(client) == coordinator
    marked = client.session.get(VERIFIED_SESSION_KEY)
    assert (marked == {"user": coordinator.pk, "method": "provider"}) is verified


def test_a_provider_that_does_not_answer_gets_a_clear_page(client, world, settings):
    settings.OIDC_PROVIDERS = provider_settings("http://127.0.0.1:9")
    response = client.get(reverse("sso:login", kwargs={"slug": "testlan"}))
    assert response.status_code == 502
    assert messages(page(response)) == ["Identitetsleverantören svarar inte. Försök igen senare."]


def test_an_unknown_provider_is_not_found(client, world, oidc_provider):
    assert client.get(reverse("sso:login", kwargs={"slug": "okand"})).status_code == 404
    assert client.get(reverse("sso:callback", kwargs={"slug": "okand"})).status_code == 404


def test_an_answer_naming_another_issuer_is_refused(client, world, oidc_provider):
    """RFC 9207: the provider names itself in its answer; an answer from another (a mix-up) is refused."""
    oidc_provider.add_account("karin-8", COORDINATOR_EMAIL)
    start = client.get(reverse("sso:login", kwargs={"slug": "testlan"}))
    callback_url = oidc_provider.authorize(start["Location"], "karin-8")
    assert f"iss={oidc_provider.issuer.replace(':', '%3A').replace('/', '%2F')}" in callback_url

    response = follow_callback(client, callback_url.replace("iss=", "iss=https%3A%2F%2Fevil.example&x="))

    assert response.status_code == 400
    assert messages(page(response)) == ["Identitetsleverantörens svar kunde inte kontrolleras."]
    assert signed_in_user(client) is None


@pytest.mark.parametrize(("amr", "lands_on"), [(["pwd", "hwk"], "dashboard"), (["pwd"], "second step")])
def test_a_role_that_needs_a_second_factor_gets_it_from_the_provider(
    client, world, oidc_provider, settings, amr, lands_on
):
    """Under the production requirement (coordinators need a second factor) the provider's multi-factor
    sign-in reaches the dashboard at once; a password alone at the provider still owes the portal's step."""
    settings.TWO_FACTOR_REQUIRED_ROLES = [Role.COUNTY_COORDINATOR]
    oidc_provider.add_account("karin-krav", COORDINATOR_EMAIL, amr=amr)

    sign_in_through(client, oidc_provider, "karin-krav")
    dashboard = client.get(reverse("portal:home"))

    if lands_on == "dashboard":
        assert dashboard.status_code == 200
    else:
        assert dashboard.status_code == 302
        assert dashboard["Location"].startswith(reverse("twofactor:enrol"))
