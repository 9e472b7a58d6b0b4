"""Reads of the people pages: a county's people and invitations, an account by e-mail."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from core.history import change_log
from core.roles import Role
from core.scoping import scope_for
from portal.models import Grant, Invitation, User, token_hash


def usable_invitation(raw_token: str | None) -> Invitation | None:
    """The invitation of this token if it can still be accepted (not used, not revoked, not expired)."""
    invitation = invitation_for_token(raw_token)
    return invitation if invitation is not None and invitation.is_usable else None


def invitation_for_token(raw_token: str | None) -> Invitation | None:
    """The invitation of this token, whatever its state; None for a token that is no invitation's."""
    if not raw_token or len(raw_token) > 100:
        return None
    return (
        Invitation.objects.select_related("county", "actor", "invited_by")
        .prefetch_related("municipalities")
        .filter(token_hash=token_hash(raw_token))
        .first()
    )


def account_for_email(email: str) -> User | None:
    """The active account with this e-mail address, whatever its case."""
    if not email:
        return None
    return User.objects.filter(is_active=True, email__iexact=email.strip()).first()


def in_county_q(county_id: int, prefix: str = "") -> Q:
    """Grants (``prefix`` "grants__" for users) that are within the county."""
    return (
        Q(**{f"{prefix}county_id": county_id, f"{prefix}role__in": [Role.COUNTY_COORDINATOR, Role.STEERING_GROUP]})
        | Q(**{f"{prefix}role": Role.ACTOR_CONTACT, f"{prefix}county_id": county_id})
        | Q(**{f"{prefix}role": Role.MUNICIPAL_OFFICER, f"{prefix}municipality__county_id": county_id})
    )


def county_grants(county) -> QuerySet:
    """The grants within the county, with what they name."""
    return Grant.objects.filter(in_county_q(county.pk)).select_related("municipality", "actor", "county")


def county_people(county, *, search: str = "", role: str = "", include_inactive: bool = False) -> QuerySet:
    """The accounts holding a grant within the county (active first), each with ``county_grants``
    prefetched: their grants within this county only."""
    people = User.objects.filter(in_county_q(county.pk, "grants__"))
    if role:
        people = people.filter(grants__in=county_grants(county).filter(role=role))
    if search:
        for word in search.split()[:5]:
            people = people.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(username__icontains=word)
            )
    if not include_inactive:
        people = people.filter(is_active=True)
    return (
        people.distinct()
        .order_by("-is_active", "last_name", "first_name", "username")
        .prefetch_related(Prefetch("grants", queryset=county_grants(county).order_by("role"), to_attr="county_grants"))
    )


def pending_invitations(county) -> QuerySet:
    return (
        Invitation.objects.filter(county=county)
        .pending()
        .select_related("actor", "invited_by")
        .prefetch_related("municipalities")
        .order_by("-sent_at", "-pk")
    )


def coordinators_left(county, *, without_grant: Grant | None = None, without_user: User | None = None) -> int:
    """How many active coordinators the county would have without that grant or that account."""
    grants = Grant.objects.filter(role=Role.COUNTY_COORDINATOR, county=county, user__is_active=True)
    if without_grant is not None:
        grants = grants.exclude(pk=without_grant.pk)
    if without_user is not None:
        grants = grants.exclude(user=without_user)
    return grants.values("user").distinct().count()


def grants_outside(user: User, county) -> QuerySet:
    """The person's grants elsewhere than in this county (a national role included)."""
    return user.grants.exclude(in_county_q(county.pk))


@dataclass
class Manager:
    """What the signed-in user may do with a county's people."""

    national: bool
    counties: frozenset[int] = field(default_factory=frozenset)

    def manages(self, county) -> bool:
        return self.national or county.pk in self.counties

    def grantable_roles(self) -> list[str]:
        """Coordinators give the roles within a county; the national administrators also the coordinator's."""
        roles = [Role.MUNICIPAL_OFFICER, Role.ACTOR_CONTACT, Role.STEERING_GROUP]
        return [*roles, Role.COUNTY_COORDINATOR] if self.national else roles


def manager(user) -> Manager:
    scope = scope_for(user)
    return Manager(national=scope.national, counties=scope.coordinator_counties)


def invitation_lifetime_days() -> int:
    return settings.INVITATION_VALID_DAYS


def person_history(user: User, limit: int = 30):
    """The changes to the person's grants and their invitations: who, what, when."""
    return change_log(
        Grant.history.filter(user_id=user.pk),
        Invitation.history.filter(accepted_by_id=user.pk),
        limit=limit,
    )


def county_history(county, limit: int = 30):
    """The changes to the county's grants and invitations."""
    municipality_ids = list(county.municipalities.values_list("pk", flat=True))
    return change_log(
        Grant.history.filter(Q(county_id=county.pk) | Q(municipality_id__in=municipality_ids)),
        Invitation.history.filter(county_id=county.pk),
        limit=limit,
    )
