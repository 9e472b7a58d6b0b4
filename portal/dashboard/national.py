"""The national administrator's section: every county side by side."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from actions.dashboard import current_plans_progress
from actions.models import ActionPlan
from agreements.dashboard import active_agreements_by_county
from core import caching
from core.registry import DashboardEntry
from core.roles import Role
from municipalities.dashboard import ComplianceShare, compliance_shares, counties_with_municipality_counts
from municipalities.models import County, Obligation
from portal.dashboard.common import Link, Section, SectionCache, list_url

TITLE = gettext_lazy("National administrator: all counties")


@dataclass
class CountyRow:
    county: County
    municipalities: int
    shares: list[ComplianceShare]
    plan: ActionPlan | None
    progress: Decimal | None
    agreements: Link


@dataclass
class NationalDashboard:
    rows: list[CountyRow]
    obligations: list[tuple[str, str]]


def national_dashboard(today: datetime.date) -> NationalDashboard:
    """Every county side by side, with one query per model whatever the number of counties."""
    counties = counties_with_municipality_counts()
    shares = compliance_shares(counties, today)
    current, progress = current_plans_progress()
    agreements = active_agreements_by_county()
    rows = []
    for county in counties:
        plan = current.get(county.pk)
        rows.append(
            CountyRow(
                county=county,
                municipalities=county.municipality_count,
                shares=shares[county.pk],
                plan=plan,
                progress=progress[county.pk] if plan else None,
                agreements=Link(
                    gettext("Agreements in force"),
                    agreements.get(county.pk, 0),
                    list_url("agreements:county_overview", code=county.code),
                ),
            )
        )
    return NationalDashboard(rows=rows, obligations=[(value, str(label)) for value, label in Obligation.choices])


def sections(user, scope, today: datetime.date) -> list[Section]:
    if not scope.national:
        return []
    return [
        Section(
            Role.NATIONAL_ADMIN,
            "national",
            str(TITLE),
            "portal/dashboard/national.html",
            lambda: national_dashboard(today),
            SectionCache((caching.ANY,), vary=(today.isoformat(),)),
        )
    ]


ENTRY = DashboardEntry("portal.national", 10, sections)
