"""Who has a second factor, whose role needs one, and whether this session has passed the step."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.scoping import scope_for

# The session key that records the passed second step: {"user": pk, "method": "totp" | "recovery" | "provider"}.
VERIFIED_SESSION_KEY = "twofactor.verified"
# Set at sign-in (to the user's pk) when the person has an authenticator app: the step is owed.
PENDING_SESSION_KEY = "twofactor.pending"


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


def step_owed(request) -> bool:
    """Whether the signed-in person must pass the second step before anything else in this session.

    The app is looked up once, at sign-in (``PENDING_SESSION_KEY``); the role from the scope the page
    frame reads anyway. So a page costs no query for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or is_verified(request):
        return False
    return request.session.get(PENDING_SESSION_KEY) == user.pk or role_requires_second_factor(user)


def must_enrol(request) -> bool:
    """A person whose role needs a second factor, without an app: they set one up before anything else."""
    user = request.user
    return (
        request.session.get(PENDING_SESSION_KEY) != user.pk
        and not is_verified(request)
        and role_requires_second_factor(user)
    )


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# How each recorded change reads (``services.REASONS``).
REASON_LABELS = {
    "enrolled": _("Two-step verification turned on with an authenticator app"),
    "replaced": _("A new authenticator app replaced the earlier one"),
    "disabled": _("Two-step verification turned off"),
    "reset": _("Two-step verification reset by a national administrator"),
    "codes": _("New recovery codes"),
}


@dataclass(frozen=True)
class FactorChange:
    when: datetime.datetime
    who: str
    what: str


def _who(username, first_name, last_name) -> str:
    if username is None:
        return str(_("the system"))
    return f"{first_name} {last_name}".strip() or username


def second_factor_history(user, limit: int = 20) -> list[FactorChange]:
    """The person's enrolments, new recovery codes, turning off and resets, newest first (two queries).

    A reset or a re-enrolment removes the app and the codes at once: it is told once."""
    fields = ("history_date", "history_change_reason", "history_user__username")
    fields += ("history_user__first_name", "history_user__last_name")
    app_rows = (
        TOTPDevice.history.filter(
            user_id=user.pk, history_change_reason__in=["enrolled", "replaced", "disabled", "reset"]
        )
        .exclude(history_type="-", history_change_reason="replaced")
        .order_by("-history_date")
        .values_list(*fields)[: limit * 2]
    )
    code_rows = (
        StaticDevice.history.filter(user_id=user.pk, history_type="+", history_change_reason="codes")
        .order_by("-history_date")
        .values_list(*fields)[:limit]
    )
    seen: set[tuple] = set()
    changes = []
    for when, reason, *who in sorted([*app_rows, *code_rows], key=lambda row: row[0], reverse=True):
        key = (when.replace(microsecond=0), reason)
        if key in seen:
            continue
        seen.add(key)
        changes.append(FactorChange(when=when, who=_who(*who), what=str(REASON_LABELS[reason])))
    return changes[:limit]
