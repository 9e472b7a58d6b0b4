"""An administrator turns password sign-in off per role: such an account signs in through its provider."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from core.roles import Role
from portal.sso.models import SignInPolicy
from portal.sso.queries import password_sign_in_allowed
from tests.factories import PASSWORD, GrantFactory
from tests.parsed import elements, messages, page, text

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Ditt konto loggar in via din organisations identitetsleverantör, inte med lösenord: "
    "använd knappen för din organisation nedan."
)


def sign_in(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_a_role_without_password_sign_in_is_refused_at_the_password_form(client, world, oidc_provider):
    SignInPolicy.objects.create(role=Role.COUNTY_COORDINATOR, password_allowed=False)

    response = sign_in(client, "samordnare")

    assert response.status_code == 200
    assert messages(page(response)) == [REFUSAL]
    assert SESSION_KEY not in client.session
    # The button the message points to is on the same page.
    buttons = [text(a) for a in elements(page(response), "a") if "btn" in (a.get("class") or "")]
    assert "Logga in med Testlänets konto" in buttons


def test_other_roles_keep_their_password(client, world):
    SignInPolicy.objects.create(role=Role.COUNTY_COORDINATOR, password_allowed=False)
    SignInPolicy.objects.create(role=Role.MUNICIPAL_OFFICER, password_allowed=True)

    assert sign_in(client, "kommun").status_code == 302
    assert client.session[SESSION_KEY] == str(world.user(Role.MUNICIPAL_OFFICER).pk)


def test_one_role_without_password_is_enough_to_refuse(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    assert password_sign_in_allowed(officer)
    SignInPolicy.objects.create(role=Role.STEERING_GROUP, password_allowed=False)
    assert password_sign_in_allowed(officer)
    GrantFactory(user=officer, role=Role.STEERING_GROUP, county=world.own_county)
    assert not password_sign_in_allowed(officer)


def test_a_wrong_password_still_reads_as_a_wrong_password(client, world):
    """The policy is told only to whoever knows the password: it reveals nothing about the account."""
    SignInPolicy.objects.create(role=Role.COUNTY_COORDINATOR, password_allowed=False)
    response = client.post(reverse("login"), {"username": "samordnare", "password": "fel-lösenord-123"})
    assert REFUSAL not in messages(page(response))


def test_national_administrators_change_the_policy_on_the_admin_site_with_history(client, world):
    client.force_login(world.user(Role.NATIONAL_ADMIN))
    add = reverse("admin:sso_signinpolicy_add")
    assert client.get(reverse("admin:sso_signinpolicy_changelist")).status_code == 200

    response = client.post(add, {"role": Role.COUNTY_COORDINATOR, "password_allowed": ""})

    assert response.status_code == 302
    policy = SignInPolicy.objects.get()
    assert (policy.role, policy.password_allowed) == (Role.COUNTY_COORDINATOR, False)
    record = policy.history.get()
    assert record.history_user == world.user(Role.NATIONAL_ADMIN)
    history = client.get(reverse("admin:sso_signinpolicy_history", args=[policy.pk]))
    assert history.status_code == 200


def test_staff_who_are_not_national_administrators_cannot_change_it(client, world):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    coordinator.is_staff = True
    coordinator.save()
    client.force_login(coordinator)
    assert client.get(reverse("admin:sso_signinpolicy_changelist")).status_code == 403
    assert client.get(reverse("admin:sso_identitylink_changelist")).status_code == 403


def test_the_admin_sites_password_form_refuses_such_a_role_too(client, world):
    SignInPolicy.objects.create(role=Role.NATIONAL_ADMIN, password_allowed=False)

    response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD, "next": "/admin/"})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    errors = [text(e) for e in elements(page(response), "p") if "errornote" in (e.get("class") or "")]
    assert errors == [
        "Ditt konto loggar in via din organisations identitetsleverantör, inte med lösenord: logga in på "
        "portalens inloggningssida med knappen för din organisation och öppna sedan administrationen."
    ]


def test_the_admin_site_still_takes_a_password_where_it_is_allowed(client, world):
    response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.user(Role.NATIONAL_ADMIN).pk)
