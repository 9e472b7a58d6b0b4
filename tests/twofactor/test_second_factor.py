"""The second factor: setting up an authenticator app, the step at sign-in, recovery codes, the admin
site, lock-out, a national administrator's reset, and the roles that need it."""

import re
from base64 import b32decode

import pytest
from django.test import Client, RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role
from portal.twofactor import queries, services
from portal.twofactor.admin_site import SecondFactorAdminSite
from tests.factories import PASSWORD
from tests.helpers import PRODUCTION_ENV, python
from tests.parsed import by_id, description, elements, field, messages, page, text

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
STEP = "/accounts/tvastegsverifiering/"
ENROL = "/accounts/tvastegsverifiering/app/"
MANAGE = "/accounts/tvastegsverifiering/installningar/"
CODES = "/accounts/tvastegsverifiering/aterstallningskoder/"
SVG = "{http://www.w3.org/2000/svg}"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    """The code an authenticator app shows now (``offset`` steps later), from the device's key."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="codes", confirmed=True)
    codes = ["abcd2345", "efgh6723"]
    for code in codes:
        StaticToken.objects.create(device=static, token=code)
    return device, codes


def password_sign_in(client, username, address="10.1.2.3"):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


def h1(response) -> str:
    return text(elements(page(response), "h1")[0])


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_the_requirement_is_on_for_coordinators_and_administrators_in_production_only(settings):
    result = python(
        "-c",
        "import django; django.setup(); from django.conf import settings; print(*settings.TWO_FACTOR_REQUIRED_ROLES)",
        DJANGO_SETTINGS_MODULE="portal.settings",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [Role.COUNTY_COORDINATOR, Role.NATIONAL_ADMIN]
    # Under the tests' (and the demo's) settings nobody needs it.
    assert settings.TWO_FACTOR_REQUIRED_ROLES == []


def test_a_person_sets_up_an_app_from_the_profile_and_gets_recovery_codes_once(
    client_as, county_coordinator, no_throttle
):
    client = client_as(Role.COUNTY_COORDINATOR)
    manage = client.get(MANAGE)
    assert manage.status_code == 200
    assert h1(manage) == "Tvåstegsverifiering"
    assert "Tvåstegsverifiering är avstängd." in messages(page(manage))

    enrol = client.get(ENROL)
    root = page(enrol)
    assert h1(enrol) == "Lägg till en autentiseringsapp"
    (qr,) = root.iter(f"{SVG}svg")  # the QR code, inline: no outside service sees the secret
    assert text(next(qr.iter(f"{SVG}title"))) == "QR-kod för din autentiseringsapp"
    secret = text(by_id(root, "twofactor-secret"))
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{4}", secret)
    code_field = field(root, "Kod från appen")
    assert code_field.get("autocomplete") == "one-time-code"
    # A reload keeps the same secret, so an app that scanned it still matches.
    assert text(by_id(page(client.get(ENROL)), "twofactor-secret")) == secret

    wrong = client.post(ENROL, {"code": "000000"})
    assert wrong.status_code == 200
    root = page(wrong)
    assert "Koden stämmer inte" in description(root, field(root, "Kod från appen"))
    # Nothing is saved before the app's first code is right (showing the page writes no row either).
    assert not TOTPDevice.objects.filter(user=county_coordinator).exists()

    app = TOTPDevice(key=b32decode(secret.replace(" ", "")).hex())
    confirmed = client.post(ENROL, {"code": code_for(app)})
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith(CODES)
    device = TOTPDevice.objects.get(user=county_coordinator)
    assert device.confirmed
    assert device.key == app.key
    assert queries.has_second_factor(county_coordinator)
    assert queries.users_with_second_factor([county_coordinator.pk, 999999]) == {county_coordinator.pk}

    codes_page = client.get(CODES)
    shown = [text(code) for code in elements(page(codes_page), "code")]
    assert len(shown) == services.RECOVERY_CODE_COUNT
    stored = set(StaticToken.objects.filter(device__user=county_coordinator).values_list("token", flat=True))
    assert {code.replace(" ", "") for code in shown} == stored
    download = client.get(CODES + "fil/")
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert all(code in download.content.decode() for code in shown)

    assert client.post(CODES, {}).status_code == 302
    # Shown once: afterwards the page says how to get new ones instead.
    assert elements(page(client.get(CODES)), "code") == []

    history = page(client.get(MANAGE))
    assert "Tvåstegsverifiering aktiverad med en autentiseringsapp" in text(elements(history, "main")[0])
    assert TOTPDevice.history.filter(user_id=county_coordinator.pk, history_change_reason="enrolled").exists()
    assert "key" not in {f.name for f in TOTPDevice.history.model._meta.get_fields()}


def test_setting_up_an_app_ends_the_persons_other_sessions(client, county_coordinator, no_throttle):
    """A session signed in with the password alone (another browser) ends when the app is set up."""
    other = Client()
    other.force_login(county_coordinator)
    assert other.get("/").status_code == 200
    client.force_login(county_coordinator)
    secret = text(by_id(page(client.get(ENROL)), "twofactor-secret"))
    app = TOTPDevice(key=b32decode(secret.replace(" ", "")).hex())
    assert client.post(ENROL, {"code": code_for(app)}).status_code == 302
    assert client.get(MANAGE).status_code == 200
    assert other.get("/").status_code == 302  # signed out: to the sign-in page


def test_the_step_follows_the_password_and_leads_to_next(client, county_coordinator, no_throttle):
    device, _codes = enrolled(county_coordinator)
    response = client.post(
        LOGIN + "?next=/profil/", {"username": "samordnare", "password": PASSWORD, "next": "/profil/"}
    )
    assert response.status_code == 302
    for blocked in ("/profil/", "/", "/admin/", "/lan/12/aktorer/"):
        refused = client.get(blocked)
        assert refused.status_code == 302, blocked
        assert refused["Location"].startswith(STEP + "?next="), blocked
    step = client.get("/accounts/tvastegsverifiering/?next=/profil/")
    assert step.status_code == 200
    assert h1(step) == "Tvåstegsverifiering"

    wrong = client.post(STEP, {"code": "123456", "next": "/profil/"})
    assert wrong.status_code == 200
    root = page(wrong)
    assert "Koden är fel" in description(root, field(root, "Kod"))
    assert client.get("/").status_code == 302

    code = code_for(device)
    passed = client.post(STEP, {"code": code, "next": "/profil/"})
    assert passed.status_code == 302
    assert passed["Location"] == "/profil/"
    assert client.get("/").status_code == 200

    # The same code does not work a second time, in another sign-in.
    other = Client()
    password_sign_in(other, "samordnare", "10.1.2.4")
    reused = other.post(STEP, {"code": code})
    assert reused.status_code == 200
    assert other.get("/").status_code == 302


def test_the_step_is_throttled_after_a_wrong_code(client, county_coordinator):
    device, _codes = enrolled(county_coordinator)
    password_sign_in(client, "samordnare")
    client.post(STEP, {"code": "000000"})
    response = client.post(STEP, {"code": code_for(device)})
    assert response.status_code == 200
    root = page(response)
    assert "Vänta några sekunder" in description(root, field(root, "Kod"))


def test_a_recovery_code_works_once(client, county_coordinator, no_throttle):
    _device, codes = enrolled(county_coordinator)
    password_sign_in(client, "samordnare")
    response = client.post(STEP, {"code": codes[0].upper()[:4] + " " + codes[0][4:]})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.session[queries.VERIFIED_SESSION_KEY]["method"] == "recovery"

    again = Client()
    password_sign_in(again, "samordnare", "10.1.2.5")
    assert again.post(STEP, {"code": codes[0]}).status_code == 200
    assert again.get("/").status_code == 302
    assert again.post(STEP, {"code": codes[1]}).status_code == 302


def test_a_role_that_needs_it_is_sent_to_set_up_an_app(client_as, settings, municipal_officer):
    settings.TWO_FACTOR_REQUIRED_ROLES = [Role.COUNTY_COORDINATOR]
    client = client_as(Role.COUNTY_COORDINATOR)
    for path in ("/", STEP, "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL), path
    enrol = client.get(ENROL)
    assert enrol.status_code == 200
    assert "Din roll i portalen kräver tvåstegsverifiering" in " ".join(messages(page(enrol)))
    # Signing out and the language switch still work.
    assert client.post("/accounts/logout/").status_code == 302
    # A role that does not need it signs in with the password alone.
    assert client_as(Role.MUNICIPAL_OFFICER).get("/").status_code == 200


def test_a_person_with_an_app_cannot_replace_it_before_the_step(client, county_coordinator):
    enrolled(county_coordinator)
    password_sign_in(client, "samordnare")
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(STEP)


def test_the_admin_site_refuses_an_administrator_without_the_step(client, national_admin, no_throttle):
    device, _codes = enrolled(national_admin)
    password_sign_in(client, "admin")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(STEP)
    # The admin site's own check says no as well, whatever middleware runs before it.
    request = RequestFactory().get("/admin/")
    request.user = national_admin
    request.session = client.session
    assert not SecondFactorAdminSite().has_permission(request)

    assert client.post(STEP, {"code": code_for(device), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    request.session = client.session
    assert SecondFactorAdminSite().has_permission(request)


def test_a_required_administrator_without_an_app_cannot_use_the_admin_site(client_as, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = [Role.NATIONAL_ADMIN]
    client = client_as(Role.NATIONAL_ADMIN)
    response = client.get("/admin/portal/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, county_coordinator, settings, no_throttle):
    enrolled(county_coordinator)
    password_sign_in(client, "samordnare")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(STEP, {"code": "000000"}, REMOTE_ADDR="10.1.2.3").status_code == 200
    locked = client.post(STEP, {"code": "000000"}, REMOTE_ADDR="10.1.2.3")
    assert locked.status_code == 429
    assert h1(locked) == "Inloggningen är spärrad en stund"
    assert "_auth_user_id" not in client.session
    # The password alone does not get in again while the lock holds.
    assert password_sign_in(client, "samordnare").status_code == 429


def test_a_provider_that_asserted_multi_factor_counts_as_the_step(client, county_coordinator):
    enrolled(county_coordinator)
    password_sign_in(client, "samordnare")
    request = RequestFactory().get("/")
    request.user = county_coordinator
    request.session = client.session
    services.mark_verified(request, "provider")
    request.session.save()
    assert client.get("/").status_code == 200
    with pytest.raises(ValueError, match="sms"):
        services.mark_verified(request, "sms")


def test_turning_off_asks_first_and_is_refused_to_a_role_that_needs_it(client_as, municipal_officer, settings):
    client = client_as(Role.MUNICIPAL_OFFICER)
    enrolled(municipal_officer)
    # Enrolled after this session signed in: the session goes on without the step.
    confirm = client.get("/accounts/tvastegsverifiering/stang-av/")
    assert h1(confirm) == "Vill du stänga av tvåstegsverifieringen?"
    assert TOTPDevice.objects.filter(user=municipal_officer).exists()
    assert client.post("/accounts/tvastegsverifiering/stang-av/").status_code == 302
    assert not TOTPDevice.objects.filter(user=municipal_officer).exists()
    assert not StaticDevice.objects.filter(user=municipal_officer).exists()

    settings.TWO_FACTOR_REQUIRED_ROLES = [Role.MUNICIPAL_OFFICER]
    device, _codes = enrolled(municipal_officer)
    request = RequestFactory().get("/")
    request.user = municipal_officer
    request.session = client.session
    services.mark_verified(request, "totp", device=device)
    request.session.save()
    assert client.post("/accounts/tvastegsverifiering/stang-av/").status_code == 403
    assert TOTPDevice.objects.filter(user=municipal_officer).exists()


def test_new_recovery_codes_replace_the_old_ones(client_as, municipal_officer):
    client = client_as(Role.MUNICIPAL_OFFICER)
    _device, codes = enrolled(municipal_officer)
    assert h1(client.get(CODES + "nya/")) == "Vill du skapa nya återställningskoder?"
    assert client.post(CODES + "nya/")["Location"] == CODES
    tokens = set(StaticToken.objects.filter(device__user=municipal_officer).values_list("token", flat=True))
    assert len(tokens) == services.RECOVERY_CODE_COUNT
    assert not tokens & set(codes)


def test_a_national_administrator_resets_a_persons_second_factor(
    client_as, world, county_coordinator, national_admin, smtp_server, django_capture_on_commit_callbacks
):
    enrolled(county_coordinator)
    url = f"/accounts/tvastegsverifiering/personer/{county_coordinator.pk}/aterstall/"
    # Only national administrators may.
    for role in (Role.MUNICIPAL_OFFICER, Role.STEERING_GROUP):
        other = Client()
        other.force_login(world.user(role))
        assert other.get(url).status_code == 404
        assert other.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=county_coordinator).exists()

    client = client_as(Role.NATIONAL_ADMIN)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert h1(confirm) == f"Vill du återställa tvåstegsverifieringen för {county_coordinator}?"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=county_coordinator).exists()
    assert not StaticDevice.objects.filter(user=county_coordinator).exists()
    record = TOTPDevice.history.get(user_id=county_coordinator.pk, history_type="-")
    assert record.history_user == national_admin
    assert record.history_change_reason == "reset"
    after = page(client.get(url))
    assert "Tvåstegsverifiering återställd av en nationell administratör" in text(elements(after, "main")[0])

    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == (county_coordinator.email,)
    assert mail.subject == "Din tvåstegsverifiering har återställts"
    assert str(national_admin) in mail.text
    assert "/accounts/tvastegsverifiering/installningar/" in " ".join(mail.text_links)
    # The notice cannot be turned off.
    assert services.RESET_NOTICE_KIND.choices == ("now",)
