"""The county picture that coordinators and the steering group share: the current plan, the
compliance matrix and the agreement counts, the latest reports and the change feed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from actions.dashboard import StatusCount, county_plan, progress_chart, status_chart, status_counts
from actions.models import ActionPlan
from agreements.dashboard import agreement_counts
from core.history import Change, change_log
from core.registry import county_histories
from core.scoping import grants_for
from municipalities.dashboard import MatrixRow, compliance_matrix
from municipalities.models import County
from portal.dashboard.common import FEED_LIMIT, REPORT_LIMIT, Link, list_url
from portal.models import Report, ReportKind


@dataclass
class CountySummary:
    county: County
    plan: ActionPlan | None
    progress: Decimal | None
    measure_count: int
    by_status: list[StatusCount]
    overdue: Link | None
    stale: Link | None
    progress_chart: str
    status_chart: str
    matrix: list[MatrixRow]
    agreement_counts: list[Link]
    plans_url: str


def user_counties(user, county_ids) -> list[County]:
    """The counties among ``county_ids`` that the user's grants name, by code.

    The counties come with the grants that scope_for read: no query here.
    """
    counties = {grant.county.pk: grant.county for grant in grants_for(user) if grant.county_id in county_ids}
    return sorted(counties.values(), key=lambda c: c.code)


def county_summary(key: str, county: County, user, *, overview, agreement_rows, today) -> tuple[CountySummary, list]:
    plan, measures, summary = county_plan(user, county, today)
    by_status = status_counts(plan, measures) if plan else []
    plan_url = plan.get_absolute_url() if plan else ""
    return (
        CountySummary(
            county=county,
            plan=plan,
            progress=summary.progress if summary else None,
            measure_count=len(measures),
            by_status=by_status,
            overdue=Link(gettext("Overdue"), summary.overdue, f"{plan_url}?flag=overdue") if summary else None,
            stale=Link(gettext("No recent update"), summary.stale, f"{plan_url}?flag=stale") if summary else None,
            progress_chart=progress_chart(key, plan, measures, summary.progress) if measures else "",
            status_chart=status_chart(key, by_status) if measures else "",
            matrix=compliance_matrix(county, overview),
            agreement_counts=agreement_counts(county, agreement_rows),
            plans_url=list_url("actions:plan_list", code=county.code),
        ),
        measures,
    )


def latest_reports(user, county: County) -> list[Report]:
    return list(
        Report.objects.visible_to(user)
        .filter(county=county, kind=ReportKind.COUNTY)
        .select_related("county", "requested_by")
        .order_by("-created_at")[:REPORT_LIMIT]
    )


def county_feed(county: County, limit: int = FEED_LIMIT) -> list[Change]:
    """The latest changes to the county's rows the apps register (plans, measures, agreements and
    pledges: ``core.registry.register_county_history``), one query each."""
    return change_log(*county_histories(county.pk), limit=limit)
