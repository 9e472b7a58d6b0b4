"""Sign-in and sessions beyond tests/portal/test_accounts.py: how a lock starts, counts and ends,
cookie flags under production settings, password rules in every form that sets a password, and
sign-out ending the session on the server."""

import json
import textwrap

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from user_sessions.models import Session

from core.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.helpers import PRODUCTION_ENV, python

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "fel-lösenord-123"
LOCKED = "Inloggningen är spärrad en stund"


def login(client, username, password, address="10.1.2.3", path=LOGIN):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, path=LOGIN):
    for _ in range(times):
        assert login(client, username, WRONG, path=path).status_code == 200


# --- Lockout (django-axes) -------------------------------------------------------------------------


def test_the_lock_starts_at_exactly_the_configured_number_of_failures(client, municipal_officer, settings):
    fail(client, "kommun", settings.AXES_FAILURE_LIMIT - 1)
    response = login(client, "kommun", WRONG)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_starts_the_count_again(client, municipal_officer, settings):
    fail(client, "kommun", settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, "kommun", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    fail(client, "kommun", settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, "kommun", PASSWORD).status_code == 302


def test_failures_older_than_the_cool_off_do_not_count(client, municipal_officer, settings):
    fail(client, "kommun", settings.AXES_FAILURE_LIMIT - 1)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(seconds=1)
    )
    assert login(client, "kommun", WRONG).status_code == 200
    assert login(client, "kommun", PASSWORD).status_code == 302


def test_the_lock_holds_until_the_cool_off_has_passed(client, municipal_officer, settings):
    fail(client, "kommun", settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, "kommun", WRONG).status_code == 429
    # One minute before the end of the cool-off the right password is still refused ...
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timezone.timedelta(minutes=1)
    )
    assert login(client, "kommun", PASSWORD).status_code == 429
    # ... and once it has passed, it is accepted.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(seconds=1)
    )
    assert login(client, "kommun", PASSWORD).status_code == 302


def test_an_administrator_can_lift_the_lock_at_once(client, municipal_officer, settings):
    fail(client, "kommun", settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, "kommun", WRONG).status_code == 429
    assert login(client, "kommun", PASSWORD).status_code == 429
    call_command("axes_reset_username", "kommun", verbosity=0)
    assert login(client, "kommun", PASSWORD).status_code == 302


def test_unknown_user_names_are_locked_the_same_way(client, world, settings):
    """The lock gives away nothing about which user names exist."""
    fail(client, "finns-inte", settings.AXES_FAILURE_LIMIT - 1)
    assert LOCKED in login(client, "finns-inte", WRONG).content.decode()


def test_the_admin_sign_in_is_locked_too(client, national_admin, settings):
    fail(client, "admin", settings.AXES_FAILURE_LIMIT - 1, path="/admin/login/")
    response = login(client, "admin", WRONG, path="/admin/login/")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert login(client, "admin", PASSWORD, path="/admin/login/").status_code == 429


def test_a_deactivated_account_cannot_sign_in(client, world):
    UserFactory(username="slutat", is_active=False)
    response = login(client, "slutat", PASSWORD)
    assert response.status_code == 200
    assert "Ange ett korrekt användarnamn och lösenord" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- Cookies and HTTPS under production settings -----------------------------------------------------

PRODUCTION_SIGN_IN = textwrap.dedent(
    """
    import json

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from portal.models import User

    call_command("migrate", verbosity=0)
    User.objects.create_user("kommun", password="Ett-bra-lösenord-2026")
    # The image runs collectstatic for the manifest; here the pages take their CSS from the finders.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        client = Client(HTTP_HOST="trygghetsportalen.example.se")
        insecure = client.get("/accounts/login/")
        page = client.get("/accounts/login/", secure=True)
        signed_in = client.post(
            "/accounts/login/", {"username": "kommun", "password": "Ett-bra-lösenord-2026"}, secure=True
        )
    cookies = {}
    for response in (page, signed_in):
        for name, morsel in response.cookies.items():
            cookies[name] = {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
                             "samesite": morsel["samesite"]}
    print(json.dumps({
        "insecure": [insecure.status_code, insecure.get("Location")],
        "signed_in": signed_in.status_code,
        "hsts": page.get("Strict-Transport-Security"),
        "cookies": cookies,
    }))
    """
)


@pytest.fixture(scope="module")
def production_sign_in(tmp_path_factory):
    """A real sign-in over HTTPS under production settings, in a process of its own (SQLite file)."""
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    result = python(
        "-c",
        PRODUCTION_SIGN_IN,
        timeout=300,
        **{**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{database}"},
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_plain_http_to_https_and_asks_for_hsts(production_sign_in):
    assert production_sign_in["insecure"] == [301, "https://trygghetsportalen.example.se/accounts/login/"]
    assert production_sign_in["hsts"] == "max-age=31536000; includeSubDomains; preload"


def test_production_cookies_are_secure_http_only_and_same_site(production_sign_in):
    assert production_sign_in["signed_in"] == 302
    cookies = production_sign_in["cookies"]
    assert set(cookies) >= {"sessionid", "csrftoken", "tp_signed_in"}
    for name in ("sessionid", "tp_signed_in"):
        assert cookies[name] == {"secure": True, "httponly": True, "samesite": "Lax"}, name
    # The CSRF cookie is read by nothing but Django (forms and htmx send the token from the page).
    assert cookies["csrftoken"]["secure"] is True
    assert cookies["csrftoken"]["samesite"] == "Lax"


# --- Password rules in every form that sets a password ---------------------------------------------

WEAK = [
    ("kort1!", "Det här lösenordet är för kort. Det måste innehålla minst 10 tecken."),
    ("qwertyuiop", "Detta lösenord är alldeles för vanligt."),
    ("4839201756", "Detta lösenord är enbart numeriskt."),
    ("kommun2026", "Ditt lösenord är alltför likt användarnamn."),
]


def _refused(response, user, message):
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_changing_the_password_applies_the_rules(client, municipal_officer, password, message):
    client.force_login(municipal_officer)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": password, "new_password2": password}
    )
    _refused(response, municipal_officer, message)


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_a_reset_link_applies_the_rules(client, municipal_officer, password, message):
    uid = urlsafe_base64_encode(force_bytes(municipal_officer.pk))
    link = reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(municipal_officer)}
    )
    form_url = client.get(link)["Location"]  # the token moves into the session
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    _refused(response, municipal_officer, message)
    strong = "Ett-bra-lösenord-2026"
    assert client.post(form_url, {"new_password1": strong, "new_password2": strong}).status_code == 302
    municipal_officer.refresh_from_db()
    assert municipal_officer.check_password(strong)


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_an_administrator_setting_a_password_meets_the_rules(
    client, national_admin, municipal_officer, password, message
):
    client.force_login(national_admin)
    url = reverse("admin:auth_user_password_change", args=[municipal_officer.pk])
    response = client.post(url, {"password1": password, "password2": password, "usable_password": "true"})
    _refused(response, municipal_officer, message)


# --- Signing out -----------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client, municipal_officer):
    """A session id planted before sign-in is worthless afterwards (session fixation)."""
    client.get(LOGIN)
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    assert login(client, "kommun", PASSWORD).status_code == 302
    assert client.cookies["sessionid"].value != planted
    assert not Session.objects.filter(session_key=planted).exists()


def test_signing_out_ends_the_session_on_the_server(client, municipal_officer):
    assert login(client, "kommun", PASSWORD).status_code == 302
    stolen = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    # Someone who copied the cookie before the sign-out gets the sign-in page, not the portal.
    thief = Client()
    thief.cookies["sessionid"] = stolen
    for url in ("/", "/lan/12/", reverse("password_change")):
        response = thief.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_signing_in_as_someone_else_in_the_same_browser_keeps_the_new_sign_in(client, world):
    """A sign-in that replaces another person's session gets a new session holding the new person
    (django-axes asks for the new session's key at sign-in; the session store keeps its data)."""
    client.force_login(world.user(Role.COUNTY_COORDINATOR))
    first = client.cookies["sessionid"].value
    officer = world.user(Role.MUNICIPAL_OFFICER)
    client.force_login(officer)
    assert client.cookies["sessionid"].value != first
    assert not Session.objects.filter(session_key=first).exists()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == officer
    assert Session.objects.get(session_key=client.cookies["sessionid"].value).user == officer
