"""What the role modules of the dashboard share: the section a role's template renders, the
dashboard's numbers-with-links (``Link``, from ``core.registry``, which the apps' dashboard
parts return too) and the limits of its lists."""

from __future__ import annotations

from core.registry import Link, Section, SectionCache, list_url

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
