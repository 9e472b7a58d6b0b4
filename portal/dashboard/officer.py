"""The municipal officer's section: for each municipality, its deadlines, compliance gaps and
latest quality review, and the measures that name the municipalities."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from actions.dashboard import municipality_measures
from actions.models import Measure
from agreements.dashboard import DeadlineRow, deadlines_by_municipality, latest_reviews
from agreements.models import QualityReview
from core import caching
from core.collation import swedish_key
from core.registry import DashboardEntry
from core.roles import Role
from municipalities.dashboard import ComplianceGap, compliance_gaps
from municipalities.models import Municipality
from portal.dashboard.common import DEADLINE_HORIZON_DAYS, Section, SectionCache, list_url

TITLE = gettext_lazy("Municipal officer: your to-do list")


@dataclass
class MunicipalityTodo:
    municipality: Municipality
    deadlines: list[DeadlineRow]
    gaps: list[ComplianceGap]
    review: QualityReview | None
    weakest: list[tuple[str, int]]
    agreements_url: str
    compliance_url: str


@dataclass
class OfficerDashboard:
    municipalities: list[MunicipalityTodo]
    measures: list[Measure]
    deadlines_horizon: int


def officer_dashboard(user, municipality_ids, today: datetime.date) -> OfficerDashboard:
    municipalities = sorted(Municipality.objects.filter(pk__in=municipality_ids), key=lambda m: swedish_key(m.name))
    ids = [m.pk for m in municipalities]
    gaps = compliance_gaps(user, municipalities, today)
    latest_review = latest_reviews(user, ids)
    due = deadlines_by_municipality(municipalities, today, DEADLINE_HORIZON_DAYS)
    todos = []
    for municipality in municipalities:
        review = latest_review.get(municipality.pk)
        todos.append(
            MunicipalityTodo(
                municipality=municipality,
                deadlines=due[municipality.pk],
                gaps=gaps[municipality.pk],
                review=review,
                weakest=review.weakest() if review else [],
                agreements_url=list_url("agreements:municipality_agreements", code=municipality.code),
                compliance_url=municipality.get_absolute_url() + "#compliance-heading",
            )
        )
    measures = municipality_measures(user, ids)
    return OfficerDashboard(municipalities=todos, measures=measures, deadlines_horizon=DEADLINE_HORIZON_DAYS)


def sections(user, scope, today: datetime.date) -> list[Section]:
    if not scope.officer_municipalities:
        return []
    return [
        Section(
            Role.MUNICIPAL_OFFICER,
            "officer",
            str(TITLE),
            "portal/dashboard/officer.html",
            lambda: officer_dashboard(user, scope.officer_municipalities, today),
            # The same for every officer of the same municipalities who sees the same of their counties.
            SectionCache(
                tuple(caching.county_scope(county) for county in sorted(scope.officer_counties)),
                vary=(today.isoformat(), *(scope.audience(county) for county in sorted(scope.officer_counties))),
            ),
        )
    ]


ENTRY = DashboardEntry("portal.officer", 40, sections)
