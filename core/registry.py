"""What the apps contribute to the site: searchable models, menu entries and dashboard parts.

The site (``portal``) sits above the apps and shows what they hold, but it should not have to
name every app's models and URLs. Each app says what it contributes here, in its
``AppConfig.ready()``, and the site reads the registry:

- ``register_search(SearchSpec(...))``: a model the search box finds (``portal.search``).
- ``register_menu(MenuEntry(...))``: items of the navigation (``portal.context_processors``),
  given the user's scope and a county or municipality of their grants, already loaded: an
  entry makes no query.
- ``register_dashboard(DashboardEntry(...))``: a role's sections of the start page
  (``portal.dashboard``; each a ``Section``, its HTML cached when it has a ``SectionCache``), and
  ``register_county_history(...)``: the change histories the
  county's feed on the dashboard reads.

Every contribution has an explicit ``order``; readers get them sorted by it (then by key), so
the output never depends on the order the apps are loaded in. Registering a key again
replaces the earlier contribution (``ready()`` may run more than once in tests).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import capfirst

from core import caching
from core.scoping import Scope

# --- Search ----------------------------------------------------------------------------------------


def _absolute_url(obj: Any) -> str:
    return obj.get_absolute_url()


@dataclass(frozen=True)
class SearchSpec:
    """How one model is searched: its title field and its other text fields.

    Rows are always read through ``model.objects.visible_to(user)``; ``prepare(queryset, user)``
    may add what ``url(obj)`` needs. The type shown is the model's verbose name ("Insats",
    "Medborgarlöfte"), translated.
    """

    model: type[models.Model]
    title_field: str
    body_fields: tuple[str, ...] = ()
    prepare: Callable[[Any, Any], Any] | None = None
    url: Callable[[Any], str] = _absolute_url
    order: int = 0

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> str:
        return capfirst(str(self.model._meta.verbose_name))

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.title_field, *self.body_fields)

    def queryset(self, user: Any) -> Any:
        queryset = self.model.objects.visible_to(user)  # type: ignore[attr-defined]
        return self.prepare(queryset, user) if self.prepare else queryset


# --- Navigation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str


class MenuPlace(enum.Enum):
    """Where in the navigation an entry's items go, and what its ``items`` callable is given.

    The navigation is: the ``FIRST`` entries, then for each county of the user's grants (by
    code; not for national administrators, who have the county list) the ``COUNTY`` entries,
    then for each municipality of their grants (in Swedish order) the ``MUNICIPALITY``
    entries, then the ``LAST`` entries.
    """

    FIRST = "first"  # items(user, scope)
    COUNTY = "county"  # items(scope, county)
    MUNICIPALITY = "municipality"  # items(scope, municipality)
    LAST = "last"  # items(user, scope)


@dataclass(frozen=True)
class MenuEntry:
    """Items of the navigation; ``items`` reads only what it is given (no query)."""

    key: str
    place: MenuPlace
    order: int
    items: Callable[[Any, Any], Iterable[MenuItem]]


# --- Dashboards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A number (or short text) on a dashboard and the list it stands for."""

    label: str
    count: int
    url: str


def list_url(name: str, query: dict[str, str] | None = None, **kwargs: Any) -> str:
    """The URL of a list, filtered by ``query``: dashboards pair every number with one."""
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


@dataclass(frozen=True)
class DashboardEntry:
    """A role's sections of the start page: ``sections(user, scope, today)``, in ``order``."""

    key: str
    order: int
    sections: Callable[[Any, Scope, datetime.date], Sequence[Any]]


@dataclass(frozen=True)
class SectionCache:
    """A section whose HTML depends only on these scopes' data (``core.caching``) and ``vary``:
    rendered once per data version and language, and read from the cache until a write changes it."""

    scopes: tuple[str, ...]
    vary: tuple = ()


@dataclass
class Section:
    """One part of the dashboard: a role, what it covers, and how to build the data its template shows.

    ``data`` is built when first read; ``html()`` renders the template with it, or, for a section
    with a ``cache``, returns the HTML rendered for the current data versions (building the data
    only when the cache has no such HTML). A cached section's template reads nothing of the request
    or the user: what it shows is the same for everyone the section is built for.
    """

    role: str
    key: str  # unique on the page: used for heading and chart ids
    title: str
    template: str
    build: Callable[[], object]
    cache: SectionCache | None = None

    @cached_property
    def data(self) -> object:
        return self.build()

    def html(self) -> str:
        def render() -> str:
            return render_to_string(self.template, {"key": self.key, "data": self.data})

        if self.cache is None:
            return render()
        return caching.cached(f"dashboard:{self.key}", self.cache.scopes, render, vary=self.cache.vary)


@dataclass(frozen=True)
class CountyHistory:
    """Change histories of a county's rows for the dashboard's feed: ``histories(county_id)``."""

    key: str
    order: int
    histories: Callable[[int], Sequence[models.QuerySet]]


# --- The registry ----------------------------------------------------------------------------------

_Entry = TypeVar("_Entry", SearchSpec, MenuEntry, DashboardEntry, CountyHistory)


@dataclass
class Registry:
    search: dict[str, SearchSpec] = field(default_factory=dict)
    menu: dict[str, MenuEntry] = field(default_factory=dict)
    dashboards: dict[str, DashboardEntry] = field(default_factory=dict)
    county_histories: dict[str, CountyHistory] = field(default_factory=dict)


registry = Registry()


def _ordered(entries: Iterable[_Entry]) -> list[_Entry]:
    return sorted(entries, key=lambda entry: (entry.order, entry.key))


def register_search(*specs: SearchSpec) -> None:
    for spec in specs:
        registry.search[spec.key] = spec


def register_menu(*entries: MenuEntry) -> None:
    for entry in entries:
        registry.menu[entry.key] = entry


def register_dashboard(*entries: DashboardEntry) -> None:
    for entry in entries:
        registry.dashboards[entry.key] = entry


def register_county_history(*entries: CountyHistory) -> None:
    for entry in entries:
        registry.county_histories[entry.key] = entry


def search_specs() -> list[SearchSpec]:
    return _ordered(registry.search.values())


def menu_entries(place: MenuPlace) -> list[MenuEntry]:
    return _ordered(entry for entry in registry.menu.values() if entry.place == place)


def dashboard_entries() -> list[DashboardEntry]:
    return _ordered(registry.dashboards.values())


def county_histories(county_id: int) -> list[models.QuerySet]:
    return [history for entry in _ordered(registry.county_histories.values()) for history in entry.histories(county_id)]
