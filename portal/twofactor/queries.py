"""Who has a second factor, whose role needs one, and whether this session has passed the step."""

from collections.abc import Iterable

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.scoping import scope_for

# The session key that records the passed second step: {"user": pk, "method": "totp" | "recovery" | "provider"}.
VERIFIED_SESSION_KEY = "twofactor.verified"


def users_with_second_factor(user_ids: Iterable[int]) -> set[int]:
    """The ids among ``user_ids`` of the people with a confirmed authenticator app (one query)."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(TOTPDevice.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True).distinct())


def has_second_factor(user) -> bool:
    """Whether the person has a confirmed authenticator app."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_roles() -> frozenset[str]:
    return frozenset(settings.TWO_FACTOR_REQUIRED_ROLES)


def role_requires_second_factor(user) -> bool:
    """Whether one of the person's roles needs a second factor (``TWO_FACTOR_REQUIRED_ROLES``).

    Reads the scope the page frame reads anyway, so it costs no query of its own on a page.
    """
    roles = required_roles()
    if not roles or user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    held = set()
    if scope.national:
        held.add("national_admin")
    if scope.coordinator_counties:
        held.add("county_coordinator")
    if scope.steering_counties:
        held.add("steering_group")
    if scope.officer_municipalities:
        held.add("municipal_officer")
    if scope.actor_ids:
        held.add("actor_contact")
    return bool(held & roles)


def is_verified(request) -> bool:
    """Whether this session has passed the second step for its signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    marked = request.session.get(VERIFIED_SESSION_KEY)
    return isinstance(marked, dict) and marked.get("user") == user.pk
