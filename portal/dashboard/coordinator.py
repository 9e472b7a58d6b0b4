"""The county coordinator's section: the county picture, what is overdue or waiting, deadlines,
quality reviews, the municipalities needing attention, the change feed and the reports."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from actions.models import Measure
from actions.queries import RoundProgress, county_rounds
from agreements.dashboard import (
    AttentionRow,
    DeadlineRow,
    QualityBand,
    attention,
    county_picture,
    deadline_rows,
    quality_bands,
    upcoming_deadlines,
)
from core import caching
from core.history import Change
from core.registry import DashboardEntry
from core.roles import Role
from municipalities.models import County
from portal.dashboard.common import DEADLINE_HORIZON_DAYS, LIST_LIMIT, Link, Section, SectionCache, list_url
from portal.dashboard.county import CountySummary, county_feed, county_summary, latest_reports, user_counties
from portal.models import Report

TITLE = gettext_lazy("%(county)s: county coordinator")


@dataclass
class CoordinatorDashboard:
    summary: CountySummary
    overdue_measures: list[Measure]
    stale_measures: list[Measure]
    deadlines: list[DeadlineRow]  # the first LIST_LIMIT of deadline_count
    deadlines_horizon: int
    deadline_count: int
    deadlines_url: str
    quality_bands: list[QualityBand]
    quality_chart: str
    attention_counts: list[Link]
    attention: list[AttentionRow]
    feed: list[Change]
    reports: list[Report]
    reports_url: str
    rounds: list[RoundProgress]


def coordinator_dashboard(user, county: County, key: str, today: datetime.date) -> CoordinatorDashboard:
    overview, agreement_rows = county_picture(county, user, today)
    summary, measures = county_summary(key, county, user, overview=overview, agreement_rows=agreement_rows, today=today)
    municipalities = {row.municipality.pk: row.municipality for row in overview.rows}
    upcoming = upcoming_deadlines(agreement_rows, today, DEADLINE_HORIZON_DAYS)
    bands, quality_chart = quality_bands(key, county, agreement_rows)
    attention_counts, attention_rows = attention(county, overview, agreement_rows)
    return CoordinatorDashboard(
        summary=summary,
        overdue_measures=[m for m in measures if m.is_overdue(today)][:LIST_LIMIT],
        stale_measures=[m for m in measures if m.is_stale(today)][:LIST_LIMIT],
        deadlines=deadline_rows(upcoming[:LIST_LIMIT], municipalities, today),
        deadline_count=len(upcoming),
        deadlines_url=list_url("agreements:county_overview", code=county.code),
        deadlines_horizon=DEADLINE_HORIZON_DAYS,
        quality_bands=bands,
        quality_chart=quality_chart,
        attention_counts=attention_counts,
        attention=attention_rows,
        feed=county_feed(county),
        reports=latest_reports(user, county),
        reports_url=list_url("portal:county_reports", code=county.code),
        rounds=county_rounds(county, today),
    )


def sections(user, scope, today: datetime.date) -> list[Section]:
    """One section per county the user coordinates, by code."""
    result = []
    for county in user_counties(user, scope.coordinator_counties):
        key = f"coordinator-{county.code}"
        result.append(
            Section(
                Role.COUNTY_COORDINATOR,
                key,
                str(TITLE) % {"county": county.name},
                "portal/dashboard/coordinator.html",
                functools.partial(coordinator_dashboard, user, county, key, today),
                SectionCache((caching.county_scope(county.pk),), vary=(today.isoformat(),)),
            )
        )
    return result


ENTRY = DashboardEntry("portal.coordinator", 20, sections)
