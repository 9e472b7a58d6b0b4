"""Sign-in through an organisation's OpenID Connect identity provider: the way there and back.

``login`` sends the browser to the provider (authorization code flow, PKCE with S256, a fresh state
and nonce kept in the session); ``callback`` takes the code back, fetches the tokens, checks the ID
token (signature against the provider's published keys, issuer, audience, expiry, nonce: Authlib),
spends the state and the nonce, and signs the person in to the account the e-mail address or an
earlier sign-in binds them to (``services.account_for_identity``). Nothing here makes an account.
"""

from __future__ import annotations

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from portal.people import INVITATION_SESSION_KEY
from portal.signin import signed_in
from portal.twofactor.services import mark_verified

from . import providers, services

log = logging.getLogger(__name__)

NEXT_SESSION_KEY = "sso.next"
# The backend the session remembers; the account was found by the identity provider, not a password.
BACKEND = "django.contrib.auth.backends.ModelBackend"
# Seconds of clock difference allowed between the provider and the portal when checking exp and iat.
LEEWAY = 60


def safe_next(request, url: str) -> str:
    """``url`` when it stays on this site, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@never_cache
@require_GET
def login(request, slug):
    provider = providers.get_or_404(slug)
    next_url = safe_next(request, request.GET.get("next", ""))
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    oauth = providers.client(provider)
    try:
        providers.check_discovery(provider, oauth)
        response = oauth.authorize_redirect(
            request, request.build_absolute_uri(reverse("sso:callback", kwargs={"slug": slug}))
        )
    except (requests.RequestException, ValueError, providers.DiscoveryError) as error:
        log.warning("Identity provider %s cannot be reached or is misconfigured: %s", slug, error)
        return _failed(request, provider, _("The identity provider does not answer. Try again later."), status=502)
    request.session[NEXT_SESSION_KEY] = next_url
    return response


class _UnverifiedError(Exception):
    """The provider's answer is not one the portal accepts; ``message`` is for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@never_cache
@require_GET
def callback(request, slug):
    provider = providers.get_or_404(slug)
    try:
        claims = _checked_claims(request, provider)
    except _UnverifiedError as failure:
        return _failed(request, provider, failure.message)
    try:
        user = services.account_for_identity(
            provider, claims, invitation_token=request.session.get(INVITATION_SESSION_KEY)
        )
    except services.SignInRefusedError as refusal:
        return _refused(request, provider, refusal)
    next_url = request.session.get(NEXT_SESSION_KEY, "")
    auth_login(request, user, backend=BACKEND)
    request.session.pop(INVITATION_SESSION_KEY, None)
    request.session.pop(NEXT_SESSION_KEY, None)
    if provider.asserts_mfa(claims):
        mark_verified(request, "provider")
    return signed_in(request, redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL)), user)


def _checked_claims(request, provider: providers.Provider) -> dict:
    """The claims of the ID token the provider's answer brings, every check passed; else ``_UnverifiedError``."""
    slug = provider.slug
    oauth = providers.client(provider)
    if request.GET.get("error"):
        log.info("Identity provider %s answered %s", slug, request.GET.get("error"))
        raise _UnverifiedError(_("The sign-in was cancelled or refused at the identity provider."))
    state = request.GET.get("state", "")
    if not state or oauth.framework.get_state_data(request.session, state) is None:
        # Unknown, or already used (a replayed answer): Authlib forgets a state when it is used.
        log.warning("Identity provider %s: unknown or spent state", slug)
        raise _UnverifiedError(_("This sign-in link has already been used or has expired."))
    unverified = _("The identity provider's answer could not be verified.")
    if request.GET.get("iss") not in (None, provider.issuer):
        # RFC 9207: the answer names the provider that sent it; a mixed-up answer is refused.
        oauth.framework.clear_state_data(request.session, state)
        log.warning("Identity provider %s: answer from issuer %s", slug, request.GET.get("iss"))
        raise _UnverifiedError(unverified)
    try:
        providers.check_discovery(provider, oauth)
        token = oauth.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "values": [provider.issuer]},
                "aud": {"essential": True, "values": [provider.client_id]},
            },
            leeway=LEEWAY,
        )
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError, providers.DiscoveryError) as error:
        log.warning("Identity provider %s: token refused: %r", slug, error)
        raise _UnverifiedError(unverified) from error
    claims = token.get("userinfo")
    if not claims or not claims.get("nonce") or not services.spend_nonce(claims["nonce"]):
        log.warning("Identity provider %s: no ID token, or its nonce was used before", slug)
        raise _UnverifiedError(unverified)
    return claims


def _failed(request, provider, message: str, *, status: int = 400):
    return render(request, "sso/failed.html", {"provider": provider, "message": message}, status=status)


def _refused(request, provider, refusal: services.SignInRefusedError):
    """The provider signed the person in, but the portal has no account for them: a page saying why and
    what to do (an ordinary page, 200, like a form's errors; the refusal is in the log)."""
    messages = {
        services.SignInRefusedError.UNKNOWN: _(
            "There is no account for %(email)s; ask your county's coordinator for an invitation."
        ),
        services.SignInRefusedError.UNVERIFIED: _(
            "The identity provider has not confirmed your e-mail address, so the portal cannot tell which "
            "account is yours. Ask your organisation's IT support to confirm it."
        ),
        services.SignInRefusedError.DOMAIN: _(
            "The address %(email)s is not one this identity provider may sign in to the portal with."
        ),
        services.SignInRefusedError.INACTIVE: _("The account for %(email)s is switched off."),
        services.SignInRefusedError.LINKED_ELSEWHERE: _(
            "The account for %(email)s is already linked to another person at this identity provider. "
            "Ask your county's coordinator for help."
        ),
    }
    log.info("Identity provider %s: sign-in refused (%s)", provider.slug, refusal.reason)
    return render(
        request,
        "sso/refused.html",
        {"provider": provider, "message": messages[refusal.reason] % {"email": refusal.email}},
    )
