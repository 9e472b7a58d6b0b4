"""The configured identity providers (``settings.OIDC_PROVIDERS``) and an Authlib client for each.

A client keeps what it read of its provider (the discovery document, the signing keys) for the life
of the process; a signing key it does not know makes it read the keys again (Authlib), so a
provider's key rotation needs no restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

# ``amr`` values (RFC 8176) naming a second factor: a provider asserting one of them did multi-factor.
MFA_AMR = frozenset({"mfa", "mca", "otp", "hwk", "swk", "sc", "sms"})
SCOPE = "openid email profile"


@dataclass(frozen=True)
class Provider:
    slug: str
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: tuple[str, ...]
    label: str
    mfa_acr: tuple[str, ...] = ()

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"

    @property
    def button_label(self) -> str:
        return self.label or _("Sign in with %(provider)s") % {"provider": self.slug}

    def allows_address(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.allowed_domains

    def asserts_mfa(self, claims) -> bool:
        """Whether the ID token says the person passed more than one factor (``amr`` or a configured ``acr``)."""
        amr = claims.get("amr") or []
        acr = claims.get("acr")
        return bool(MFA_AMR.intersection(amr)) or (bool(acr) and acr in self.mfa_acr)


def configured() -> list[Provider]:
    return [
        Provider(
            slug=slug,
            issuer=config["issuer"],
            client_id=config["client_id"],
            client_secret=config["client_secret"],
            allowed_domains=tuple(d.lower() for d in config["allowed_domains"]),
            label=config.get("label", ""),
            mfa_acr=tuple(config.get("mfa_acr", ())),
        )
        for slug, config in settings.OIDC_PROVIDERS.items()
    ]


def get_or_404(slug: str) -> Provider:
    for provider in configured():
        if provider.slug == slug:
            return provider
    raise Http404("No such identity provider.")


_clients: dict[Provider, DjangoOAuth2App] = {}
_clients_lock = threading.Lock()


def client(provider: Provider) -> DjangoOAuth2App:
    """The provider's Authlib client: authorization code flow with PKCE (S256), from its discovery document."""
    with _clients_lock:
        if provider not in _clients:
            _clients[provider] = DjangoOAuth2App(
                DjangoIntegration(f"sso_{provider.slug}"),
                name=f"sso_{provider.slug}",
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=provider.discovery_url,
                client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": 10},
            )
        return _clients[provider]


class DiscoveryError(Exception):
    """The provider's discovery document is not for the configured issuer, or lacks what the flow needs."""


def check_discovery(provider: Provider, oauth: DjangoOAuth2App) -> dict:
    """Read (once) and check the discovery document: its ``issuer`` must be the configured one (OpenID
    Connect Discovery 1.0, section 4.3), and the provider must offer the code flow with S256."""
    metadata = oauth.load_server_metadata()
    problem = None
    if metadata.get("issuer") != provider.issuer:
        problem = f"discovery names issuer {metadata.get('issuer')!r}, configured {provider.issuer!r}"
    elif missing := [e for e in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not metadata.get(e)]:
        problem = f"discovery has no {', '.join(missing)}"
    elif "S256" not in metadata.get("code_challenge_methods_supported", ["S256"]):
        problem = "the provider does not offer PKCE with S256"
    if problem:
        # Read it again next time: the provider's document may be put right without a restart here.
        metadata.clear()
        raise DiscoveryError(problem)
    return metadata
