"""Identity providers for the single sign-on tests, on loopback.

- ``oidc_provider``: the real thing, npm's certified ``oidc-provider`` (``tests/oidc_provider/server.mjs``)
  run with the machine's Node.js; the portal is configured with it as the provider ``testlan``,
  its client redirecting to the Django test client (``http://testserver``). ``oidc_provider_for(base)``
  gives one for another address (the browser tests' live server). A test makes its accounts with
  ``add_account`` and signs in at the provider's page with ``authorize``.
- ``crafted_issuer``: a small provider written here whose ID tokens a test shapes (another signing
  key, another audience, an expired or replayed token), for what a real provider never sends. It
  does the flow's part honestly: it checks the client's secret and the PKCE verifier.

``sign_in_through(client, provider, account)`` runs the whole flow with the Django test client and
``requests`` (the provider's pages) and returns the portal's answer to the provider's redirect.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import RSAKey

SERVER = Path(__file__).parent / "oidc_provider" / "server.mjs"
SLUG = "testlan"
CLIENT_ID = "trygghetsportalen"
CLIENT_SECRET = "test-client-secret-" + "x" * 24
ALLOWED_DOMAINS = ["example.se"]
LABEL = "Logga in med Testlänets konto"


def callback_path(slug: str = SLUG) -> str:
    return reverse("sso:callback", kwargs={"slug": slug})


def provider_settings(issuer: str, **overrides) -> dict:
    """The value of ``settings.OIDC_PROVIDERS`` for one provider ``testlan`` at ``issuer``."""
    config = {
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "allowed_domains": ALLOWED_DOMAINS,
        "label": LABEL,
        "mfa_acr": [],
    }
    return {SLUG: {**config, **overrides}}


class RealProvider:
    """One running ``oidc-provider`` process whose client redirects to ``redirect_uris``."""

    def __init__(self, redirect_uris: list[str]) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("Node.js is missing: `make setup` installs it with the front-end packages.")
        env = {"PATH": "/usr/bin:/bin", "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET}
        env["REDIRECT_URIS"] = ",".join(redirect_uris)
        # Its warnings and errors go to a file, not to a pipe nobody reads (a full pipe would stop it).
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - open while the process runs; closed by stop()
        self.process = subprocess.Popen(
            [node, str(SERVER)], env=env, stdout=subprocess.PIPE, stderr=self.log, text=True
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready "):
            self.process.kill()
            self.log.seek(0)
            pytest.fail(f"oidc-provider did not start: {line}{self.log.read()}")
        self.issuer = line.split()[1]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()

    def add_account(self, sub: str, email: str, *, email_verified=True, amr=("pwd",), acr=None, name="") -> str:
        """An account at the provider, with the claims its ID tokens will carry; returns ``sub``."""
        claims = {"email": email, "email_verified": email_verified, "amr": list(amr), "acr": acr, "name": name}
        response = requests.put(f"{self.issuer}/test/accounts/{sub}", json=claims, timeout=10)
        response.raise_for_status()
        return sub

    def authorize(self, url: str, account: str) -> str:
        """Follow the portal's redirect to the provider, sign in there as ``account``, and return the
        address the provider sends the browser back to (the portal's callback)."""
        session = requests.Session()
        response = session.get(url, allow_redirects=False, timeout=10)
        for _ in range(10):
            if response.status_code in (302, 303):
                location = urljoin(response.url, response.headers["Location"])
                if not location.startswith(self.issuer):
                    return location
                response = session.get(location, allow_redirects=False, timeout=10)
            elif response.status_code == 200 and 'name="account"' in response.text:
                response = session.post(response.url, data={"account": account}, allow_redirects=False, timeout=10)
            else:
                raise AssertionError(f"The provider answered {response.status_code}: {response.text[:500]}")
        raise AssertionError("The provider never sent the browser back")


@pytest.fixture(scope="session")
def oidc_provider_for():
    """``oidc_provider_for(base_url)``: a real provider (started once per address) for a portal at ``base_url``."""
    started: dict[str, RealProvider] = {}

    def provider(base_url: str) -> RealProvider:
        if base_url not in started:
            started[base_url] = RealProvider([base_url.rstrip("/") + callback_path()])
        return started[base_url]

    yield provider
    for running in started.values():
        running.stop()


@pytest.fixture
def oidc_provider(oidc_provider_for, settings) -> RealProvider:
    """The real provider, configured in the portal as ``testlan`` for the Django test client."""
    provider = oidc_provider_for("http://testserver")
    settings.OIDC_PROVIDERS = provider_settings(provider.issuer)
    return provider


def sign_in_through(client, provider, account: str, *, next_url: str | None = None, slug: str = SLUG):
    """The whole flow: the portal's button, the provider's sign-in as ``account``, the portal's callback.

    Returns the callback's response (with ``callback_url``, the address the provider sent back).
    """
    data = {"next": next_url} if next_url else {}
    start = client.get(reverse("sso:login", kwargs={"slug": slug}), data)
    assert start.status_code == 302, start.content[:500]
    callback_url = provider.authorize(start["Location"], account)
    response = follow_callback(client, callback_url)
    response.callback_url = callback_url
    return response


def follow_callback(client, callback_url: str):
    parts = urlsplit(callback_url)
    assert parts.netloc == "testserver", callback_url
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


# --- The crafted provider -------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636)."""
    return _b64(hashlib.sha256(verifier.encode()).digest())


def jwt_part(data: dict) -> str:
    return _b64(json.dumps(data).encode())


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@dataclass
class CraftedIssuer:
    """A provider whose ID tokens the test shapes: ``shape(claims) -> claims`` changes the claims of the
    next tokens, ``signing_key`` signs them (by default the key it publishes), ``replay`` sends a token
    issued before instead of a new one."""

    issuer: str = ""
    published_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    signing_key: RSAKey | None = None
    header: dict = field(default_factory=lambda: {"alg": "RS256", "kid": "k1"})
    shape: Callable[[dict], dict] = lambda claims: claims
    replay: str | None = None
    send_id_token: bool = True
    discovery_issuer: str | None = None
    email: str = "samordnare@example.se"
    subject: str = "crafted-1"
    issued: list[str] = field(default_factory=list)
    codes: dict = field(default_factory=dict)

    def metadata(self) -> dict:
        return {
            "issuer": self.discovery_issuer or self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, url: str) -> str:
        """The provider's side of the browser's visit: straight back to the portal with a code."""
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert params["client_id"] == CLIENT_ID, params
        assert params["code_challenge_method"] == "S256", params
        code = secrets.token_urlsafe(16)
        self.codes[code] = params
        return f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params['state']})}"

    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if authorization != expected:
            return 401, {"error": "invalid_client"}
        params = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        if params is None or pkce_challenge(verifier) != params["code_challenge"]:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.subject,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": params["nonce"],
            "email": self.email,
            "email_verified": True,
        }
        id_token = self.replay or jwt.encode(self.header, self.shape(claims), self.signing_key or self.published_key)
        self.issued.append(id_token)
        answer = {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300}
        if self.send_id_token:
            answer["id_token"] = id_token
        return 200, answer


def _handler(crafted: CraftedIssuer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _json(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/.well-known/openid-configuration":
                self._json(200, crafted.metadata())
            elif path == "/jwks":
                self._json(200, {"keys": [crafted.published_key.as_dict(private=False)]})
            elif path == "/authorize":
                self.send_response(302)
                self.send_header("Location", crafted.authorize(crafted.issuer + self.path))
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            self._json(*crafted.token(form, self.headers.get("Authorization", "")))

    return Handler


@pytest.fixture
def crafted_issuer(settings):
    """A crafted provider on loopback, configured in the portal as ``testlan``."""
    crafted = CraftedIssuer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(crafted))
    crafted.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OIDC_PROVIDERS = provider_settings(crafted.issuer)
    yield crafted
    server.shutdown()
    server.server_close()


def crafted_sign_in(client, crafted: CraftedIssuer):
    """The flow against the crafted provider; returns the portal's answer to its redirect."""
    start = client.get(reverse("sso:login", kwargs={"slug": SLUG}))
    assert start.status_code == 302, start.content[:500]
    redirect = requests.get(start["Location"], allow_redirects=False, timeout=10)
    return follow_callback(client, redirect.headers["Location"])
