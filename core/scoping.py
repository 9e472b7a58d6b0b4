"""The one answer to "what may this user see / change".

A user holds role grants (``portal.Grant``): a role and a scope, the scope being a
county, a municipality or an actor. ``scope_for(user)`` folds the grants into a
``Scope`` once per request. Every model that users reach has a manager built from
``ScopedQuerySet`` and says, as a ``Q`` object, which rows a scope may see and change:

    Municipality.objects.visible_to(user)     # what lists and detail views fetch from
    Municipality.objects.editable_by(user)    # what forms may change

Views fetch objects with ``get_for_user``: an object outside the user's scope is a 404,
never a leak; an object the user may see but not act on is a 403 through a named
``rules`` permission (see each app's ``rules.py``), whose predicates are built on the
same querysets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.shortcuts import get_object_or_404

from core import caching
from core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Scope:
    """What one user's grants cover, as sets of primary keys."""

    authenticated: bool = False
    user_id: int | None = None
    national: bool = False
    coordinator_counties: frozenset[int] = field(default_factory=frozenset)
    steering_counties: frozenset[int] = field(default_factory=frozenset)
    officer_municipalities: frozenset[int] = field(default_factory=frozenset)
    officer_counties: frozenset[int] = field(default_factory=frozenset)
    actor_ids: frozenset[int] = field(default_factory=frozenset)
    actor_counties: frozenset[int] = field(default_factory=frozenset)

    @property
    def read_counties(self) -> frozenset[int]:
        """Counties whose published material the user reads."""
        return self.coordinator_counties | self.steering_counties | self.officer_counties | self.actor_counties

    @property
    def is_empty(self) -> bool:
        return not (self.national or self.read_counties)

    def audience(self, county_id: int) -> str:
        """Who, for the pages about one county, sees what this scope sees: everyone with the same audience
        sees the same rows of that county and may change the same ones (the ``vary`` of a cached part)."""
        if self.national:
            return "national"
        if county_id in self.coordinator_counties:
            return "coordinator"
        parts = ["steering" if county_id in self.steering_counties else ""]
        if county_id in self.officer_counties:
            parts.append("officer:" + ",".join(map(str, sorted(self.officer_municipalities))))
        if county_id in self.actor_counties:
            parts.append("actor:" + ",".join(map(str, sorted(self.actor_ids))))
        return "|".join(parts)


ANONYMOUS_SCOPE = Scope()


def scope_for(user: AbstractBaseUser | AnonymousUser | None) -> Scope:
    """The user's scope, computed with one query and kept on the user for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    coordinator: set[int] = set()
    steering: set[int] = set()
    municipalities: set[int] = set()
    municipality_counties: set[int] = set()
    actors: set[int] = set()
    actor_counties: set[int] = set()
    national = bool(user.is_superuser)
    # The grants with what they name, so the page frame (navigation, "you work for ...") needs
    # no query of its own; see ``grants_for``.
    grants = list(user.grants.select_related("county", "municipality__county", "actor"))
    for grant in grants:
        role, county_id = grant.role, grant.county_id
        if role == Role.NATIONAL_ADMIN:
            national = True
        elif role == Role.COUNTY_COORDINATOR:
            coordinator.add(county_id)
        elif role == Role.STEERING_GROUP:
            steering.add(county_id)
        elif role == Role.MUNICIPAL_OFFICER:
            municipalities.add(grant.municipality_id)
            municipality_counties.add(grant.municipality.county_id)
        elif role == Role.ACTOR_CONTACT:
            actors.add(grant.actor_id)
            actor_counties.add(county_id)
    scope = Scope(
        authenticated=True,
        user_id=user.pk,
        national=national,
        coordinator_counties=frozenset(coordinator),
        steering_counties=frozenset(steering),
        officer_municipalities=frozenset(municipalities),
        officer_counties=frozenset(municipality_counties),
        actor_ids=frozenset(actors),
        actor_counties=frozenset(actor_counties),
    )
    user._portal_grants = grants
    user._portal_scope = scope
    return scope


def grants_for(user: AbstractBaseUser | AnonymousUser | None) -> list:
    """The user's grants with their county, municipality (and its county) and actor, read by
    ``scope_for`` in its one query."""
    if scope_for(user) is ANONYMOUS_SCOPE:
        return []
    return user._portal_grants


def forget_scope(user: Any) -> None:
    """Drop the cached scope, after the user's grants changed."""
    for attr in ("_portal_scope", "_portal_grants"):
        if hasattr(user, attr):
            delattr(user, attr)


@dataclass(frozen=True)
class ScopePath:
    """Where a row's county, or its municipality (and through it the county), is: lookups from the row.

    A queryset declares it once (``scope_path = ScopePath(municipality="pledge__municipality")``) and
    builds its rules from ``in_counties`` and ``in_municipalities`` instead of spelling the path in
    every ``Q``. A row of a county has only ``county``; a row of a municipality names the municipality,
    and its county is the municipality's.
    """

    county: str = ""
    municipality: str = ""

    def __post_init__(self) -> None:
        if bool(self.county) == bool(self.municipality):
            raise ValueError("A scope path names either the county or the municipality")

    @property
    def county_lookup(self) -> str:
        return self.county or f"{self.municipality}__county"

    def in_counties(self, county_ids: frozenset[int]) -> Q:
        """Rows of these counties (those of their municipalities too)."""
        return Q(**{f"{self.county_lookup}__in": county_ids})

    def in_municipalities(self, municipality_ids: frozenset[int]) -> Q:
        """Rows of these municipalities; a county's own rows are in none."""
        if not self.municipality:
            return Q(pk__in=[])
        return Q(**{f"{self.municipality}__in": municipality_ids})


class ScopedQuerySet(models.QuerySet):
    """A QuerySet that knows which rows a scope may see and change.

    Subclasses define ``visible_q`` and, where users change the model, ``editable_q``, with the
    ``scope_path`` they declare (``ScopePath``). National administrators see and change everything;
    anonymous users nothing.
    """

    scope_path: ScopePath | None = None

    @classmethod
    def data_county_lookup(cls) -> str | None:
        """The lookup from a row to its county, for the data versions of ``core.caching`` (None: not tracked)."""
        return cls.scope_path.county_lookup if cls.scope_path is not None else None

    # Bulk writes send no signals: they note the scopes they change themselves (``core.caching``).
    def update(self, **kwargs: Any) -> int:
        caching.note_queryset(self)
        return super().update(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list:
        objs = super().bulk_create(objs, *args, **kwargs)
        caching.note_instances(self.model, objs, self.db)
        return objs

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        caching.note_instances(self.model, objs, self.db)
        return super().bulk_update(objs, fields, *args, **kwargs)

    def visible_q(self, scope: Scope) -> Q:
        raise NotImplementedError(f"{self.model.__name__} must say which rows a scope sees")

    def editable_q(self, scope: Scope) -> Q:
        return Q(pk__in=[])

    def _scoped(self, user: Any, q_for: Any) -> ScopedQuerySet:
        scope = scope_for(user)
        if not scope.authenticated:
            return self.none()
        if scope.national:
            return self.all()
        return self.filter(q_for(scope))

    def visible_to(self, user: Any) -> ScopedQuerySet:
        return self._scoped(user, self.visible_q)

    def with_editable(self, user: Any) -> ScopedQuerySet:
        """Each row annotated with ``portal_editable``: whether it is in ``editable_by(user)``."""
        scope = scope_for(user)
        if scope.national or not scope.authenticated:
            return self.annotate(portal_editable=Value(scope.national, output_field=BooleanField()))
        editable = self.visible_q(scope) & self.editable_q(scope)
        return self.annotate(portal_editable=ExpressionWrapper(editable, output_field=BooleanField()))

    def editable_by(self, user: Any) -> ScopedQuerySet:
        return self._scoped(user, lambda scope: self.visible_q(scope) & self.editable_q(scope))


class NationalOrCountyQuerySet(ScopedQuerySet):
    """Rows that are national (no county) or a county's own, like actors or the list of statuses.

    Every signed-in user reads the national rows and those of their counties; a county's
    coordinators change their county's rows; national rows belong to the administrators.
    """

    @classmethod
    def data_county_lookup(cls) -> str | None:
        return "county"  # a national row (no county) changes every county's data

    def visible_q(self, scope: Scope) -> Q:
        return Q(county__isnull=True) | Q(county_id__in=scope.read_counties)

    def editable_q(self, scope: Scope) -> Q:
        return Q(county_id__in=scope.coordinator_counties)

    def for_county(self, county_id: int) -> NationalOrCountyQuerySet:
        """What a county chooses from: the national rows and its own."""
        return self.filter(Q(county__isnull=True) | Q(county_id=county_id))


_IN_SCOPE_CACHE = "_portal_in_scope"


def in_scope(user: Any, obj: Any, method: str) -> bool:
    """Whether ``obj`` is in ``type(obj).objects.<method>(user)`` (``visible_to``, ``editable_by`` ...).

    The answer is remembered on the object, so a page that asks several permissions of one
    object queries each scope once.
    """
    if obj is None:
        return False
    cache = obj.__dict__.setdefault(_IN_SCOPE_CACHE, {})
    key = (user.pk, method)
    if key not in cache:
        queryset = getattr(type(obj)._default_manager, method)(user)
        cache[key] = queryset.filter(pk=obj.pk).exists()
    return cache[key]


def get_for_user(user: Any, queryset: Any, *, perm: str | None = None, **lookup: Any) -> Any:
    """Fetch one object through the user's scope: 404 outside it, 403 without ``perm``."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    obj = get_object_or_404(queryset.visible_to(user).with_editable(user), **lookup)
    # Fetched through visible_to, with whether it is editable: the permissions built on them need not ask again.
    known = obj.__dict__.setdefault(_IN_SCOPE_CACHE, {})
    known[user.pk, "visible_to"] = True
    known[user.pk, "editable_by"] = obj.portal_editable
    if perm is not None and not user.has_perm(perm, obj):
        raise PermissionDenied
    return obj
