"""The steering group member's section: the county picture and the reports."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from agreements.dashboard import county_picture
from core import caching
from core.registry import DashboardEntry
from core.roles import Role
from municipalities.models import County
from portal.dashboard.common import Section, SectionCache, list_url
from portal.dashboard.county import CountySummary, county_summary, latest_reports, user_counties
from portal.models import Report

TITLE = gettext_lazy("%(county)s: steering group")


@dataclass
class SteeringDashboard:
    summary: CountySummary
    reports: list[Report]
    reports_url: str


def steering_dashboard(user, county: County, key: str, today: datetime.date) -> SteeringDashboard:
    overview, agreement_rows = county_picture(county, user, today)
    summary, _measures = county_summary(
        key, county, user, overview=overview, agreement_rows=agreement_rows, today=today
    )
    return SteeringDashboard(
        summary=summary,
        reports=latest_reports(user, county),
        reports_url=list_url("portal:county_reports", code=county.code),
    )


def sections(user, scope, today: datetime.date) -> list[Section]:
    """One section per county of the user's steering group, by code.

    A county the user coordinates is not repeated: the coordinator's section shows everything
    the steering group's does.
    """
    result = []
    for county in user_counties(user, scope.steering_counties - scope.coordinator_counties):
        key = f"steering-{county.code}"
        result.append(
            Section(
                Role.STEERING_GROUP,
                key,
                str(TITLE) % {"county": county.name},
                "portal/dashboard/steering.html",
                functools.partial(steering_dashboard, user, county, key, today),
                SectionCache((caching.county_scope(county.pk),), vary=(today.isoformat(),)),
            )
        )
    return result


ENTRY = DashboardEntry("portal.steering", 30, sections)
