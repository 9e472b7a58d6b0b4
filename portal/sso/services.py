"""Every write of a sign-in through an identity provider: the spent nonce, the account, its identity link."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.people import queries as people_queries
from portal.people import services as people_services

from .models import IdentityLink, UsedNonce
from .providers import Provider

# A nonce is kept this long: far beyond any ID token's lifetime, after which the token is refused anyway.
NONCE_KEPT = datetime.timedelta(days=1)


class SignInRefusedError(Exception):
    """The provider vouched for someone the portal does not let in; ``reason`` says why."""

    UNVERIFIED = "unverified"
    DOMAIN = "domain"
    UNKNOWN = "unknown"
    INACTIVE = "inactive"
    LINKED_ELSEWHERE = "linked_elsewhere"

    def __init__(self, reason: str, email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email


def spend_nonce(nonce: str) -> bool:
    """Record the nonce of an accepted ID token; False when it was spent before (a replayed token)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            UsedNonce.objects.create(nonce=nonce)
    except IntegrityError:
        return False
    UsedNonce.objects.filter(used_at__lt=now - NONCE_KEPT).delete()
    return True


@transaction.atomic
def account_for_identity(provider: Provider, claims, *, invitation_token: str | None = None):
    """The account the provider's person signs in to, given the ID token's checked claims.

    Every sign-in needs a verified address in one of the provider's allowed domains. An identity met
    before (issuer + subject) signs in to its account, whatever the address says now. A new one is
    bound to the account of a usable invitation for the same address (accepted now), or else to the
    active account with the address; nobody else gets in, and no account is made for them.
    ``SignInRefusedError`` says why not.
    """
    email = (claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is not True:
        raise SignInRefusedError(SignInRefusedError.UNVERIFIED, email)
    if not provider.allows_address(email):
        raise SignInRefusedError(SignInRefusedError.DOMAIN, email)
    issuer, subject = claims["iss"], claims["sub"]
    now = timezone.now()

    link = IdentityLink.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is not None:
        if not link.user.is_active:
            raise SignInRefusedError(SignInRefusedError.INACTIVE, email)
        IdentityLink.objects.filter(pk=link.pk).update(last_used_at=now)
        return link.user

    invitation = people_queries.usable_invitation(invitation_token) if invitation_token else None
    if invitation is not None and invitation.email.strip().lower() == email.lower():
        try:
            user = people_services.accept_invitation(invitation, password=None)
        except people_services.InvitationNotUsableError:
            # Used, revoked or expired since the page was shown: the address may still have an account.
            user = people_queries.account_for_email(email)
    else:
        user = people_queries.account_for_email(email)
    if user is None:
        raise SignInRefusedError(SignInRefusedError.UNKNOWN, email)
    if IdentityLink.objects.filter(issuer=issuer, user=user).exists():
        # The account already belongs to another person at this provider: an address that moved there
        # does not take it over (the transaction undoes an invitation accepted above).
        raise SignInRefusedError(SignInRefusedError.LINKED_ELSEWHERE, email)
    link = IdentityLink(provider=provider.slug, issuer=issuer, subject=subject, user=user, last_used_at=now)
    link._history_user = user
    link.save()
    return user
