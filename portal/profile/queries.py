"""What the profile page reads: the person's grants and whom to ask about them, their sessions and
API keys, and the state of an e-mail confirmation link. A fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac
from user_sessions.models import Session

from core.roles import Role
from core.scoping import grants_for
from portal.models import ApiToken, Grant, User
from portal.profile.models import EmailChange

LINK_SALT = "portal.profile.email-change"


# --- Grants ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grants:
    grants: list[Grant]
    coordinators: list[User]  # the active coordinators of the counties of the grants (not the person)
    ask_coordinator: bool  # a grant the county's coordinators change (officer, actor contact, steering group)
    ask_admin: bool  # a grant only a national administrator changes (coordinator, administrator)


def grants_of(user: User) -> Grants:
    """The person's grants (already read for the page's frame) and who changes them: the counties'
    coordinators, or for a coordinator's or administrator's grant a national administrator. One query."""
    grants = list(grants_for(user))
    counties = set()
    for grant in grants:
        if grant.county_id:
            counties.add(grant.county_id)
        elif grant.municipality_id:
            counties.add(grant.municipality.county_id)
    coordinators = []
    if counties:
        coordinators = [
            grant.user
            for grant in Grant.objects.filter(
                role=Role.COUNTY_COORDINATOR, county_id__in=counties, user__is_active=True
            )
            .exclude(user=user)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user_id")
        ]
        seen = set()
        coordinators = [u for u in coordinators if not (u.pk in seen or seen.add(u.pk))]
    by_admin = (Role.COUNTY_COORDINATOR, Role.NATIONAL_ADMIN)
    return Grants(
        grants=grants,
        coordinators=coordinators,
        ask_coordinator=any(g.role not in by_admin for g in grants),
        ask_admin=any(g.role in by_admin for g in grants),
    )


# --- Sessions -------------------------------------------------------------------------------------


def session_ref(session_key: str) -> str:
    """A session's name in the page's addresses: never its key, which signs the browser in."""
    return salted_hmac("portal.profile.session", session_key).hexdigest()[:32]


@dataclass(frozen=True)
class SessionRow:
    session: Session
    ref: str
    current: bool


def sessions_of(user: User, current_key: str | None) -> list[SessionRow]:
    """The person's unexpired sessions, the current one first, then the most recently active. One query."""
    sessions = Session.objects.filter(user=user, expire_date__gt=timezone.now()).defer("session_data")
    rows = [SessionRow(s, session_ref(s.session_key), s.session_key == current_key) for s in sessions]
    rows.sort(key=lambda row: (not row.current, -row.session.last_activity.timestamp()))
    return rows


def session_by_ref(user: User, ref: str) -> Session | None:
    """The person's own session named ``ref``, else None (another person's is never found)."""
    for session in Session.objects.filter(user=user).defer("session_data"):
        if session_ref(session.session_key) == ref:
            return session
    return None


# --- API keys -------------------------------------------------------------------------------------


def api_keys_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


# --- E-mail address -------------------------------------------------------------------------------


def email_taken(email: str, user: User) -> bool:
    """Whether another active account has ``email`` (compared without regard to case)."""
    return User.objects.filter(email__iexact=email, is_active=True).exclude(pk=user.pk).exists()


def pending_email_change(user: User) -> EmailChange | None:
    return EmailChange.objects.filter(user=user).pending().first()


def link_token(change: EmailChange) -> str:
    """The signed, dated token of the request's confirmation link."""
    return signing.TimestampSigner(salt=LINK_SALT).sign(str(change.pk))


class LinkState(StrEnum):
    VALID = "valid"
    INVALID = "invalid"  # forged, garbled, or another person's
    USED = "used"
    CANCELLED = "cancelled"  # a newer request replaced it, or the address was taken
    EXPIRED = "expired"


@dataclass(frozen=True)
class Link:
    state: LinkState
    change: EmailChange | None = None


def email_link(token: str, user: User) -> Link:
    """What a confirmation link followed by ``user`` is. One query."""
    signer = signing.TimestampSigner(salt=LINK_SALT)
    try:
        pk = int(signer.unsign(token))
    except (signing.BadSignature, ValueError):
        return Link(LinkState.INVALID)
    change = EmailChange.objects.filter(pk=pk, user=user).first()
    if change is None:
        return Link(LinkState.INVALID)
    if change.confirmed_at:
        return Link(LinkState.USED, change)
    if change.cancelled_at:
        return Link(LinkState.CANCELLED, change)
    try:
        signer.unsign(token, max_age=settings.EMAIL_CHANGE_LINK_HOURS * 3600)
    except signing.SignatureExpired:
        return Link(LinkState.EXPIRED, change)
    return Link(LinkState.VALID, change)
