"""Signing in and out, lockout, expired sessions and CSRF failures: each with a clear Swedish page."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.signin import SIGNED_IN_COOKIE
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_start_page_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_sign_in_leads_to_the_start_page_with_the_scope(client, municipal_officer):
    response = login(client, "kommun", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "Välkommen, Annica" in page
    assert "Kommunal samordnare, Lund" in page


def test_wrong_credentials_get_a_swedish_message_and_no_session(client, municipal_officer):
    response = login(client, "kommun", "fel-lösenord-123")
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_and_say_so(client, municipal_officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "kommun", "fel-lösenord-123").status_code == 200
    response = login(client, "kommun", "fel-lösenord-123")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Inloggningen är spärrad en stund" in page
    assert "15 minuter" in page
    # Even the right password is refused while the lock holds ...
    assert login(client, "kommun", PASSWORD).status_code == 429
    # ... but only for that account from that address.
    other = Client()
    assert other.post(LOGIN, {"username": "kommun", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_lock_ends_after_the_cool_off_time(client, municipal_officer, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "kommun", "fel-lösenord-123")
    assert login(client, "kommun", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert login(client, "kommun", PASSWORD).status_code == 302


def test_expired_session_is_explained_on_the_sign_in_page(client, municipal_officer):
    assert login(client, "kommun", PASSWORD).status_code == 302
    assert client.cookies[SIGNED_IN_COOKIE].value == "1"
    client.session.flush()  # what the server does when the session has expired
    client.cookies.pop("sessionid", None)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "Din inloggning har gått ut" in response.content.decode()


def test_sign_out_is_post_only_and_ends_the_session(client, municipal_officer):
    login(client, "kommun", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/", follow=True)
    assert "Du har loggat ut." in response.content.decode()
    assert client.get("/").status_code == 302
    # Signing out on purpose is not an expired session.
    assert "Din inloggning har gått ut" not in client.get(LOGIN).content.decode()


def test_csrf_failure_gets_a_clear_swedish_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formuläret kunde inte skickas" in page
    assert "Inget har sparats" in page


def test_unknown_page_gets_a_swedish_404(client, municipal_officer):
    client.force_login(municipal_officer)
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan kunde inte hittas" in response.content.decode()


def test_password_change_checks_django_validators(client, municipal_officer):
    client.force_login(municipal_officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lösenordet är för kort" in page or "för kort" in page
    municipal_officer.refresh_from_db()
    assert municipal_officer.check_password(PASSWORD)
