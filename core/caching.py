"""One cache for computed sections, with invalidation by data version.

What a page computes from a whole county (plan summaries, the county overview, the compliance
matrix, the agreements picture, a public page) is cached under its name, what it varies by, the
active language and the **data versions** of the scopes it reads: ``county:<id>`` for a county's
data (its municipalities, plans, agreements, pledges …) and ``national`` for the rows every county
shares (national actors, statuses, focus areas). A scope's version is the id of its newest
``core.DataChange`` row. Every write to a tracked model adds one (once per scope and transaction),
inside the writing transaction, so the new version becomes visible exactly when the data does: the
next request reads it, misses the old entry and computes anew; nobody deletes cache entries, old ones
expire. Because a version lives in the database, a restarted or emptied cache, several processes and
several hosts all agree on it.

Which writes count: a save, delete or many-to-many change of any model whose manager is a
``ScopedQuerySet`` (its ``scope_path`` names the county; a ``NationalOrCountyQuerySet`` row without a
county is national), of a model an app registers with ``track(model, county=lookup)`` (counties,
municipalities, rows without a scope path of their own), and ``update()``, ``bulk_create()`` and
``bulk_update()`` on those querysets (``ScopedQuerySet`` notes them). Signals make the admin site,
management commands and services alike; code that writes with raw SQL calls ``bump(scopes)``.
Migrations bump ``national``, which every key includes.

The cache is Django's default cache (Redis in production through ``core.cache_backend``, a folder
for ``make run``). It fails open: when it cannot be reached a section is simply computed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.apps import apps
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Max
from django.db.models.signals import m2m_changed, post_migrate, post_save, pre_delete
from django.utils import translation
from django.utils.functional import SimpleLazyObject

T = TypeVar("T")

NATIONAL = "national"
# Bumped with every write anywhere: for what reads every county (the national overview).
ANY = "any"
_MISSING = object()

# model -> the lookup from a row to its county id ("pk" for the county itself); None: not tracked.
_lookups: dict[type[models.Model], str | None] = {}
_registered: dict[type[models.Model], str] = {}


def _changes() -> type[models.Model]:
    # By name: this module is imported (through core.scoping) while the apps' configs load, before models exist.
    return apps.get_model("core", "DataChange")


def county_scope(county_id: int) -> str:
    return f"county:{county_id}"


def scopes_of_counties(county_ids: Iterable[int | None]) -> set[str]:
    """The scopes of these counties; a row without a county is national."""
    return {county_scope(cid) if cid is not None else NATIONAL for cid in county_ids}


# --- which model is tracked, and how its county is found -------------------------------------


def track(model: type[models.Model], *, county: str) -> None:
    """Track writes to ``model``, whose county is ``county`` (a lookup from its row, "pk" for a county)."""
    _registered[model] = county
    _lookups.pop(model, None)
    _connect(model)


def track_people(model: type[models.Model], *, shown: frozenset[str]) -> None:
    """Saves of ``model`` (the user model) that change ``shown`` fields bump ``national``: cached
    sections print people's names (the change feed, reports' requesters), and a person removed must
    vanish from them. Saves naming other fields only (the last sign-in, the language) bump nothing."""

    def on_save(sender, instance, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
        if update_fields is None or shown & set(update_fields):
            bump({NATIONAL}, using=using)

    _people_receivers.append(on_save)  # signals hold receivers weakly
    post_save.connect(on_save, sender=model, dispatch_uid=f"portal-data-change-people-{model._meta.label}")
    pre_delete.connect(on_save, sender=model, dispatch_uid=f"portal-data-change-people-del-{model._meta.label}")


_people_receivers: list = []


def county_lookup(model: type[models.Model]) -> str | None:
    if model not in _lookups:
        _lookups[model] = _find_lookup(model)
    return _lookups[model]


def _find_lookup(model: type[models.Model]) -> str | None:
    if model in _registered:
        return _registered[model]
    lookup_of = getattr(type(model._default_manager.get_queryset()), "data_county_lookup", None)
    return lookup_of() if lookup_of is not None else None


def _resolve(model: type[models.Model], pk: Any, lookup: str, using: str) -> int | None:
    """The county of row ``pk`` of ``model`` by ``lookup``, remembered for the transaction."""
    if lookup == "pk":
        return pk
    memo = _state(using)["memo"]
    key = (model, pk, lookup)
    if key not in memo:
        memo[key] = model._base_manager.using(using).filter(pk=pk).values_list(lookup, flat=True).first()
    return memo[key]


def county_of(instance: models.Model, lookup: str, using: str) -> int | None:
    """The county of ``instance``: its own foreign key's value when the lookup is one step, else a query."""
    if lookup == "pk":
        return instance.pk
    first, _, rest = lookup.partition("__")
    field = instance._meta.get_field(first)
    value = getattr(instance, field.attname)
    if not rest or value is None:
        return value
    return _resolve(field.related_model, value, rest, using)


# --- noting writes ---------------------------------------------------------------------------


def _state(using: str) -> dict:
    connection = connections[using]
    state = getattr(connection, "_portal_data_changes", None)
    if state is None:
        state = {"noted": set(), "memo": {}, "versions": None}
        connection._portal_data_changes = state
    return state


def _transaction_marker() -> None:
    """Registered on commit once per transaction: its presence says the noted scopes are this transaction's."""


def bump(scopes: Iterable[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """A new version for each of ``scopes``, in the current transaction (at once outside one)."""
    scopes = set(scopes)
    if not scopes:
        return
    scopes.add(ANY)
    connection = connections[using]
    state = _state(using)
    state["versions"] = None
    if connection.in_atomic_block:
        if not any(entry[1] is _transaction_marker for entry in connection.run_on_commit):
            # A new transaction (the last one committed or rolled back): what was noted was its.
            state["noted"].clear()
            state["memo"].clear()
            transaction.on_commit(_transaction_marker, using=using)
        scopes -= state["noted"]
        state["noted"] |= scopes
    else:
        state["memo"].clear()
    if scopes:
        _changes().objects.using(using).bulk_create([_changes()(scope=scope) for scope in sorted(scopes)])


def note_instances(model: type[models.Model], instances: Iterable[models.Model], using: str) -> None:
    lookup = county_lookup(model)
    if lookup is not None:
        bump(scopes_of_counties({county_of(obj, lookup, using) for obj in instances}), using=using)


def note_queryset(queryset: models.QuerySet) -> None:
    """The scopes of the rows a bulk ``update()`` or ``delete()`` is about to touch."""
    lookup = county_lookup(queryset.model)
    if lookup is None:
        return
    column = "pk" if lookup == "pk" else lookup
    county_ids = set(queryset.order_by().values_list(column, flat=True).distinct())
    bump(scopes_of_counties(county_ids), using=queryset.db)


def _on_save(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    note_instances(sender, [instance], using)


def _on_delete(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    note_instances(sender, [instance], using)


def _on_m2m(sender, instance, action, *, model, pk_set, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    note_instances(type(instance), [instance], using)
    lookup = county_lookup(model)
    if lookup is not None and pk_set:
        bump(scopes_of_counties({_resolve(model, pk, lookup, using) for pk in pk_set}), using=using)


def _connect(model: type[models.Model]) -> None:
    uid = f"portal-data-change-{model._meta.label}"
    post_save.connect(_on_save, sender=model, dispatch_uid=uid)
    pre_delete.connect(_on_delete, sender=model, dispatch_uid=uid)
    for field in model._meta.many_to_many:
        m2m_changed.connect(_on_m2m, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")


def connect_tracked_models() -> None:
    """Connect every model tracked by its queryset (``CoreConfig.ready``; apps' ``track`` connect their own)."""
    for model in apps.get_models():
        if county_lookup(model) is not None:
            _connect(model)
    post_migrate.connect(_after_migrate, dispatch_uid="portal-data-change-migrate")


def _after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if sender.name == "core":
        bump({NATIONAL}, using=using)


# --- reading versions and the cache -----------------------------------------------------------


def _versions(scopes: tuple[str, ...], using: str = DEFAULT_DB_ALIAS) -> dict[str, tuple[int, datetime]]:
    """Each scope's version and when it changed; within a request read once until the next write."""
    state = _state(using)
    state["noted"].clear()  # a write after this read must add a version again
    memo = state["versions"]
    if memo is not None and set(scopes) <= memo.keys():
        return memo
    rows = (
        _changes()
        .objects.using(using)
        .filter(scope__in=scopes)
        .values("scope")
        .annotate(version=Max("id"), at=Max("changed_at"))
        .order_by()
    )
    found = {row["scope"]: (row["version"], row["at"]) for row in rows}
    if state.get("in_request"):
        state["versions"] = (memo or {}) | found | {s: (0, None) for s in scopes if s not in found}
    return found


def versions(scopes: Iterable[str]) -> tuple[int, ...]:
    wanted = tuple(sorted(set(scopes) | {NATIONAL}))
    found = _versions(wanted)
    return tuple(found.get(scope, (0, None))[0] for scope in wanted)


def _stamp(scope: str, found: dict) -> str:
    version, at = found.get(scope, (0, None))
    return f"{scope}={version}@{at.timestamp() if at else 0}"


def _key(name: str, scopes: Iterable[str], vary: tuple) -> tuple[str, tuple[str, ...]]:
    wanted = tuple(sorted(set(scopes) | {NATIONAL}))
    found = _versions(wanted)
    # The id and the time of each scope's newest change: ids alone repeat when a database is restored
    # from a backup (or a test database rolls back), times alone could tie.
    stamp = ",".join(_stamp(scope, found) for scope in wanted)
    varied = ":".join(str(part) for part in vary)
    if len(varied) > 120:
        varied = hashlib.sha256(varied.encode()).hexdigest()
    if len(stamp) > 200:  # many scopes (every county): their versions, hashed
        stamp = hashlib.sha256(stamp.encode()).hexdigest()
    return f"section:{name}:{varied}:{translation.get_language() or ''}:{stamp}", wanted


def cached(
    name: str, scopes: Iterable[str], compute: Callable[[], T], *, vary: tuple = (), timeout: int | None = None
) -> T:
    """``compute()``, or what it returned before for the same scopes' data, vary and language.

    ``scopes`` are the data the section reads (``county_scope(id)``; ``national`` is always added).
    A cache that cannot be reached is a miss: the section is computed and the page answers as usual.
    """
    key, _ = _key(name, scopes, vary)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value


def lazy(compute: Callable[[], T]) -> T:
    """``compute()`` when first used: what a view hands a cached part of its page (``{% datacache %}``),
    so that a part read from the cache costs no work."""
    return SimpleLazyObject(compute)


def validators(scopes: Iterable[str], vary: tuple = ()) -> tuple[str, datetime | None]:
    """An ETag and the last-modified time for a response made from these scopes' data (and ``vary``)."""
    key, wanted = _key("etag", scopes, vary)
    found = _versions(wanted)
    changed = [found[scope][1] for scope in wanted if scope in found and found[scope][1] is not None]
    return hashlib.sha256(key.encode()).hexdigest()[:32], max(changed) if changed else None


def prune_changes() -> int:
    """Keep each scope's newest change only (its version); returns how many rows were removed."""
    changes = _changes().objects
    newest = changes.values("scope").annotate(newest=Max("id")).values("newest")
    deleted, _ = changes.exclude(pk__in=newest).delete()
    return deleted


def _request_started(**kwargs) -> None:
    state = _state(DEFAULT_DB_ALIAS)
    state["versions"] = None
    state["in_request"] = True


def _request_finished(**kwargs) -> None:
    state = _state(DEFAULT_DB_ALIAS)
    state["versions"] = None
    state["in_request"] = False


request_started.connect(_request_started, dispatch_uid="portal-data-versions-start")
request_finished.connect(_request_finished, dispatch_uid="portal-data-versions-end")
