"""The two code forms of the second factor, fed hostile input: the step after the password and the
first code of a new app. Never a server error; refused with the message next to the field; the step
stays owed and no app is confirmed. (The project's form fuzzing, tests/security/test_fuzz_forms.py,
counts these two forms as fuzzed here: each code is checked against a secret in the session or on a
device, which its generic cases cannot post.)"""

from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PASSWORD
from tests.parsed import by_id, description, field, page, text

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
STEP = "/accounts/tvastegsverifiering/"
ENROL = "/accounts/tvastegsverifiering/app/"
CONTROL = "".join(chr(c) for c in range(32)) + "\x7f\u200b\u202e\ufeff"
HOSTILE = st.one_of(
    st.text(
        alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), st.sampled_from(CONTROL)),
        max_size=40,
    ),
    st.sampled_from(["", " ", "0" * 6, "9" * 7, "-1", "1e6", "12 34 56", "å" * 40, "1" * 5000, "<script>", "' OR 1=1"]),
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.AXES_FAILURE_LIMIT = 10_000


def test_hostile_codes_at_the_step_never_fail_and_never_pass(client, county_coordinator, no_throttle):
    TOTPDevice.objects.create(user=county_coordinator, name="app", confirmed=True)
    assert client.post(LOGIN, {"username": county_coordinator.username, "password": PASSWORD}).status_code == 302

    @FUZZ
    @given(code=HOSTILE)
    def attack(code):
        response = client.post(STEP, {"code": code})
        assert response.status_code == 200
        root = page(response)
        assert description(root, field(root, "Kod"))  # the message next to the field
        assert client.get("/").status_code == 302  # the step is still owed

    attack()


def test_hostile_first_codes_never_fail_and_never_confirm_an_app(client, county_coordinator, no_throttle):
    client.force_login(county_coordinator)
    secret = text(by_id(page(client.get(ENROL)), "twofactor-secret"))
    assert b32decode(secret.replace(" ", ""))

    @FUZZ
    @given(code=HOSTILE)
    def attack(code):
        response = client.post(ENROL, {"code": code})
        assert response.status_code == 200
        root = page(response)
        assert description(root, field(root, "Kod från appen"))
        assert not TOTPDevice.objects.filter(user=county_coordinator, confirmed=True).exists()

    attack()
