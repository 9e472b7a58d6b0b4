"""What the role modules of the dashboard share: the section a role's template renders, the
dashboard's numbers-with-links (``Link``, from ``core.registry``, which the apps' dashboard
parts return too) and the limits of its lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.template.loader import render_to_string

from core import caching
from core.registry import Link, list_url

__all__ = [
    "DEADLINE_HORIZON_DAYS",
    "FEED_LIMIT",
    "LIST_LIMIT",
    "REPORT_LIMIT",
    "Link",
    "Section",
    "SectionCache",
    "list_url",
]

DEADLINE_HORIZON_DAYS = 30
# A dashboard lists the first of these many measures or deadlines; the count beside each links to them all.
LIST_LIMIT = 10
FEED_LIMIT = 10
REPORT_LIMIT = 5


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
