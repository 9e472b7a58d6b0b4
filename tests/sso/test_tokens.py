"""ID tokens the portal refuses, from a crafted provider that shapes them (``tests.oidc.CraftedIssuer``):
a wrong signature, a tampered token, another audience or issuer, an expired token, a replayed nonce,
no ID token at all, a discovery document for another issuer.

The crafted provider plays its part of the flow honestly (client secret, PKCE verifier), so every
refusal here is the ID token's own.
"""

import time

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from joserfc.jwk import RSAKey

from core.roles import Role
from portal.sso.models import IdentityLink, UsedNonce
from tests.oidc import SLUG, crafted_sign_in, follow_callback, jwt_claims, jwt_part, pkce_challenge
from tests.parsed import messages, page

pytestmark = pytest.mark.django_db

UNVERIFIED = ["Identitetsleverantörens svar kunde inte kontrolleras."]


def refused(client, response, caplog, reason: str) -> bool:
    """Refused with the page saying the answer could not be verified, for ``reason`` (in the log)."""
    return (
        any(reason in record.getMessage() for record in caplog.records if record.name == "portal.sso.views")
        and response.status_code == 400
        and messages(page(response)) == UNVERIFIED
        and SESSION_KEY not in client.session
        and not IdentityLink.objects.exists()
    )


def test_a_well_formed_token_signs_in(client, world, crafted_issuer):
    """The crafted provider's own tokens are good: what the other tests change is what fails."""
    response = crafted_sign_in(client, crafted_issuer)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.user(Role.COUNTY_COORDINATOR).pk)


def test_a_token_signed_with_another_key_is_refused(client, world, crafted_issuer, caplog):
    crafted_issuer.signing_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    assert refused(client, crafted_sign_in(client, crafted_issuer), caplog, "BadSignatureError")


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(client, world, crafted_issuer, caplog):
    crafted_issuer.signing_key = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    crafted_issuer.header = {"alg": "RS256", "kid": "k2"}
    assert refused(client, crafted_sign_in(client, crafted_issuer), caplog, "InvalidKeyIdError")


def test_a_tampered_token_is_refused(client, world, crafted_issuer, caplog):
    """A good token whose claims were changed after signing (another person's subject)."""
    good = crafted_sign_in(client, crafted_issuer)
    assert good.status_code == 302
    client.logout()
    IdentityLink.objects.all().delete()
    header, _, signature = crafted_issuer.issued[-1].split(".")
    forged = jwt_part({**jwt_claims(crafted_issuer.issued[-1]), "sub": "someone-else"})
    crafted_issuer.replay = f"{header}.{forged}.{signature}"
    assert refused(client, crafted_sign_in(client, crafted_issuer), caplog, "BadSignatureError")


def test_an_unsigned_token_is_refused(client, world, crafted_issuer, caplog):
    original = crafted_issuer.token

    def unsigned(form, authorization):
        status, answer = original(form, authorization)
        answer["id_token"] = f"{jwt_part({'alg': 'none'})}.{jwt_part(jwt_claims(answer['id_token']))}."
        return status, answer

    crafted_issuer.token = unsigned
    assert refused(client, crafted_sign_in(client, crafted_issuer), caplog, "'none' is not allowed")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param(lambda c: {**c, "aud": "another-client"}, "Invalid claim: 'aud'", id="another audience"),
        # An audience list without the portal, and an azp naming it, is still not for the portal.
        pytest.param(
            lambda c: {**c, "aud": ["another-client"], "azp": "trygghetsportalen"},
            "Invalid claim: 'aud'",
            id="audience list",
        ),
        pytest.param(lambda c: {**c, "iss": "http://127.0.0.1:1"}, "Invalid claim: 'iss'", id="another issuer"),
        pytest.param(
            lambda c: {**c, "exp": int(time.time()) - 600, "iat": int(time.time()) - 900},
            "The token is expired",
            id="expired",
        ),
        pytest.param(lambda c: {k: v for k, v in c.items() if k != "exp"}, "Missing claim: 'exp'", id="no expiry"),
        pytest.param(
            lambda c: {**c, "nonce": "a-nonce-the-portal-never-sent"}, "Invalid claim: 'nonce'", id="another nonce"
        ),
        pytest.param(lambda c: {k: v for k, v in c.items() if k != "nonce"}, "Missing claim: 'nonce'", id="no nonce"),
    ],
)
def test_a_token_with_wrong_claims_is_refused(client, world, crafted_issuer, caplog, change, reason):
    crafted_issuer.shape = change
    assert refused(client, crafted_sign_in(client, crafted_issuer), caplog, reason)


def test_a_replayed_token_is_refused_in_a_new_sign_in(client, world, crafted_issuer, caplog):
    """A token from an earlier sign-in, sent again by the provider (or an attacker in its place): its
    nonce is not the one this sign-in sent."""
    assert crafted_sign_in(client, crafted_issuer).status_code == 302
    client.logout()
    IdentityLink.objects.all().delete()
    crafted_issuer.replay = crafted_issuer.issued[-1]
    assert refused(client, crafted_sign_in(client, crafted_issuer), caplog, "Invalid claim: 'nonce'")


def test_a_spent_nonce_is_refused_even_from_a_copied_session(client, world, crafted_issuer, caplog):
    """Two requests racing with one session's state, or a copy of it: the nonce is accepted once."""
    start = client.get(reverse("sso:login", kwargs={"slug": SLUG}))
    copied = {key: value for key, value in client.session.items() if key.startswith("_state_")}
    callback = requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"]
    assert follow_callback(client, callback).status_code == 302
    client.logout()
    IdentityLink.objects.all().delete()

    # The copied state (with its nonce and PKCE verifier) put back, and a second code issued for it.
    session = client.session
    session.update(copied)
    session.save()
    ((key, value),) = copied.items()
    state, data = key.rpartition("_")[2], value["data"]
    crafted_issuer.codes["second-code"] = {
        "nonce": UsedNonce.objects.get().nonce,
        "code_challenge": pkce_challenge(data["code_verifier"]),
    }
    callback = reverse("sso:callback", kwargs={"slug": SLUG})

    response = follow_callback(client, f"http://testserver{callback}?code=second-code&state={state}")

    assert refused(client, response, caplog, "nonce was used before")


def test_an_answer_without_an_id_token_is_refused(client, world, crafted_issuer, caplog):
    crafted_issuer.send_id_token = False
    assert refused(client, crafted_sign_in(client, crafted_issuer), caplog, "no ID token")


def test_a_discovery_document_for_another_issuer_is_refused(client, world, crafted_issuer):
    crafted_issuer.discovery_issuer = "https://elsewhere.example"
    response = client.get(reverse("sso:login", kwargs={"slug": SLUG}))
    assert response.status_code == 502
    assert messages(page(response)) == ["Identitetsleverantören svarar inte. Försök igen senare."]
