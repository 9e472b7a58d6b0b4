"""An invited person signs in through their organisation's provider from the invitation page
(``/inbjudan/<token>/``): the invitation is accepted with the provider's verified address."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from portal.models import Invitation, User, token_hash
from portal.sso.models import IdentityLink
from tests.oidc import LABEL, sign_in_through
from tests.parsed import links, messages, page

pytestmark = pytest.mark.django_db

TOKEN = "inbjudan-0123456789abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def invitation(world):
    return Invitation.objects.create(
        email="Ny.Samordnare@example.se",
        first_name="Nora",
        last_name="Nilsson",
        county=world.own_county,
        role=Role.COUNTY_COORDINATOR,
        invited_by=world.user(Role.NATIONAL_ADMIN),
        token_hash=token_hash(TOKEN),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


def test_an_invited_person_signs_in_through_the_provider_and_gets_an_account(client, world, oidc_provider, invitation):
    shown = client.get(reverse("people:accept", kwargs={"token": TOKEN}))
    assert LABEL in links(page(shown)).values()
    oidc_provider.add_account("nora", "ny.samordnare@example.se")

    response = sign_in_through(client, oidc_provider, "nora")

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert (user.email, user.first_name, user.has_usable_password()) == ("Ny.Samordnare@example.se", "Nora", False)
    assert list(user.grants.values_list("role", "county")) == [(Role.COUNTY_COORDINATOR, world.own_county.pk)]
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert IdentityLink.objects.get().user == user
    assert client.get(response["Location"]).status_code == 200


def test_an_invitation_for_another_address_lets_nobody_in(client, world, oidc_provider, invitation):
    client.get(reverse("people:accept", kwargs={"token": TOKEN}))
    oidc_provider.add_account("someone", "someone.else@example.se")
    users = User.objects.count()

    response = sign_in_through(client, oidc_provider, "someone")

    assert messages(page(response)) == [
        "Det finns inget konto för someone.else@example.se; be länets samordnare om en inbjudan."
    ]
    assert SESSION_KEY not in client.session
    assert User.objects.count() == users
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_revoked_invitation_lets_nobody_in(client, world, oidc_provider, invitation):
    client.get(reverse("people:accept", kwargs={"token": TOKEN}))
    invitation.revoked_at = timezone.now()
    invitation.save()
    oidc_provider.add_account("nora-2", "ny.samordnare@example.se")
    users = User.objects.count()

    response = sign_in_through(client, oidc_provider, "nora-2")

    assert SESSION_KEY not in client.session
    assert "Det finns inget konto för ny.samordnare@example.se" in messages(page(response))[0]
    assert User.objects.count() == users
