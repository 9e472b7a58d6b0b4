"""The agreement parts of the dashboards (``portal.dashboard``): the county's agreement counts,
quality bands, deadlines and the municipalities needing attention, a municipality's latest
review and deadlines, every county's agreements in force, and the agreements' and pledges'
histories for the county's feed (registered in ``AgreementsConfig.ready``).

Each reads what it is given (the rows of ``county_agreements``) or a fixed number of queries.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext, gettext_lazy

from actions.models import RequestState
from agreements.models import AgreementStatus, CitizenPledge, CooperationAgreement, MunicipalRequest, QualityReview
from agreements.queries import county_agreements, open_round_of, requests_for
from agreements.reminders import Deadline, deadlines
from core import charts, formatting
from core.collation import swedish_key
from core.registry import CountyHistory, DashboardEntry, Link, Section, list_url
from core.roles import Role
from core.rounds import RoundCounts
from core.scoping import grants_for
from municipalities.models import ComplianceState, County, Municipality, Obligation
from municipalities.queries import county_overview

# Quality score bands: (lowest percent, highest percent); a municipality without a review is a band of its own.
QUALITY_BANDS = ((0, 49), (50, 74), (75, 100))


def county_picture(county: County, user, today: datetime.date):
    """The county's compliance overview and agreement rows, read together: one read of the municipalities."""
    overview = county_overview(county, details=False)
    municipalities = [row.municipality for row in overview.rows]
    return overview, county_agreements(county, user, today=today, municipalities=municipalities)


def has_active_agreement(row) -> bool:
    return bool(row.agreement and row.agreement.status == AgreementStatus.ACTIVE)


def agreement_counts(county: County, rows) -> list[Link]:
    def link(label, count, state=""):
        query = {"state": state} if state else None
        return Link(label, count, list_url("agreements:county_overview", query, code=county.code))

    return [
        link(gettext("With an active agreement"), sum(has_active_agreement(r) for r in rows)),
        link(gettext("Without an active agreement"), sum(not has_active_agreement(r) for r in rows), "no_agreement"),
        link(gettext("Without a current citizen pledge"), sum(not r.current_pledges for r in rows), "no_pledge"),
        link(gettext("Follow-up missing"), sum(bool(r.follow_up_missing) for r in rows), "follow_up_missing"),
        link(gettext("Overdue deadline"), sum(r.overdue for r in rows), "overdue"),
    ]


def county_histories(county_id: int) -> list:
    """The histories of the county's agreements and pledges, for the county's change feed."""
    return [
        CooperationAgreement.history.filter(municipality__county_id=county_id),
        CitizenPledge.history.filter(municipality__county_id=county_id),
    ]


# After the plans and measures in the county's feed (core.registry.county_histories).
HISTORIES: tuple[CountyHistory, ...] = (CountyHistory("agreements.agreements", 20, county_histories),)


# --- Deadlines --------------------------------------------------------------------------------------


@dataclass
class DeadlineRow:
    deadline: Deadline
    municipality: Municipality
    overdue: bool
    days_left: int


def upcoming_deadlines(agreement_rows, today: datetime.date, horizon_days: int) -> list[Deadline]:
    """The rows' deadlines due within ``horizon_days``, in their order (no query)."""
    # The agreement rows hold each municipality's deadlines of the coming year: the horizon's are among them.
    until = today + datetime.timedelta(days=horizon_days)
    return sorted(
        (d for row in agreement_rows for d in row.deadlines if d.due_date <= until),
        key=Deadline.order,
    )


def deadline_rows(
    due: list[Deadline], municipalities: dict[int, Municipality], today: datetime.date
) -> list[DeadlineRow]:
    return [DeadlineRow(d, municipalities[d.municipality_id], d.is_overdue(today), d.days_left(today)) for d in due]


def deadlines_by_municipality(
    municipalities: list[Municipality], today: datetime.date, horizon_days: int
) -> dict[int, list[DeadlineRow]]:
    """The municipalities' deadlines due within ``horizon_days``, by municipality id."""
    due: dict[int, list[DeadlineRow]] = defaultdict(list)
    by_id = {m.pk: m for m in municipalities}
    for deadline in deadlines(municipality_ids=list(by_id), today=today, horizon_days=horizon_days):
        due[deadline.municipality_id].append(
            DeadlineRow(
                deadline, by_id[deadline.municipality_id], deadline.is_overdue(today), deadline.days_left(today)
            )
        )
    return due


# --- Quality reviews --------------------------------------------------------------------------------


@dataclass
class QualityBand:
    label: str
    municipalities: list[Municipality]
    url: str

    @property
    def count(self) -> int:
        return len(self.municipalities)


def quality_bands(key: str, county: County, agreement_rows) -> tuple[list[QualityBand], str]:
    reviews_url = list_url("agreements:review_list", code=county.code)
    bands = [QualityBand(f"{low}–{formatting.percent(high)}", [], reviews_url) for low, high in QUALITY_BANDS]
    not_reviewed = QualityBand(gettext("Not reviewed"), [], list_url("agreements:county_overview", code=county.code))
    for row in agreement_rows:
        if row.latest_review is None:
            not_reviewed.municipalities.append(row.municipality)
            continue
        percent = row.latest_review.percent
        index = next(i for i, (low, high) in enumerate(QUALITY_BANDS) if low <= percent <= high)
        bands[index].municipalities.append(row.municipality)
    bands.append(not_reviewed)
    chart = charts.bar_chart(
        [charts.Series(gettext("Municipalities"), [(band.label, band.count) for band in bands])],
        chart_id=f"{key}-quality",
        title=gettext("Municipalities by the score of their latest quality review"),
    )
    return bands, chart


def latest_reviews(user, municipality_ids) -> dict[int, QualityReview]:
    """Each municipality's latest quality review that ``user`` may see (one query)."""
    latest_review: dict[int, QualityReview] = {}
    for review in (
        QualityReview.objects.visible_to(user).filter(municipality_id__in=municipality_ids).order_by("date", "pk")
    ):
        latest_review[review.municipality_id] = review
    return latest_review


# --- Municipalities needing attention ---------------------------------------------------------------


@dataclass
class AttentionRow:
    municipality: Municipality
    reasons: list[Link]  # count 0: a reason, not a number; the URL is the list that shows it


def attention(county: County, overview, agreement_rows) -> tuple[list[Link], list[AttentionRow]]:
    """Municipalities with a follow-up missing, an outdated or missing lägesbild, or no active agreement."""
    agreements_url = list_url("agreements:county_overview", code=county.code)

    def situation_url(state):
        obligation = Obligation.SITUATION_ANALYSIS
        return list_url("municipalities:county_detail", {"obligation": obligation, "state": state}, code=county.code)

    by_municipality = {row.municipality.pk: row for row in agreement_rows}
    rows = []
    outdated = missing = follow_up = no_agreement = 0
    for overview_row in overview.rows:
        municipality = overview_row.municipality
        agreement_row = by_municipality[municipality.pk]
        reasons = []
        if agreement_row.follow_up_missing:
            follow_up += 1
            titles = ", ".join(p.title for p in agreement_row.follow_up_missing)
            label = gettext("Follow-up missing: %(pledges)s") % {"pledges": titles}
            reasons.append(Link(label, 0, f"{agreements_url}?state=follow_up_missing"))
        situation = overview_row.states[Obligation.SITUATION_ANALYSIS]
        if situation == ComplianceState.OUTDATED:
            outdated += 1
            reasons.append(Link(gettext("Situation analysis outdated"), 0, situation_url(situation)))
        elif situation == ComplianceState.MISSING:
            missing += 1
            reasons.append(Link(gettext("Situation analysis missing"), 0, situation_url(situation)))
        if not has_active_agreement(agreement_row):
            no_agreement += 1
            reasons.append(Link(gettext("No active agreement"), 0, f"{agreements_url}?state=no_agreement"))
        if reasons:
            rows.append(AttentionRow(municipality, reasons))
    counts = [
        Link(gettext("Follow-up missing"), follow_up, f"{agreements_url}?state=follow_up_missing"),
        Link(gettext("Situation analysis outdated"), outdated, situation_url(ComplianceState.OUTDATED)),
        Link(gettext("Situation analysis missing"), missing, situation_url(ComplianceState.MISSING)),
        Link(gettext("No active agreement"), no_agreement, f"{agreements_url}?state=no_agreement"),
    ]
    rows.sort(key=lambda r: swedish_key(r.municipality.name))
    return counts, rows


# --- Every county's agreements (national administrators) --------------------------------------------


def active_agreements_by_county() -> dict[int, int]:
    """The number of agreements in force in each county, by county id (one query)."""
    return dict(
        CooperationAgreement.objects.filter(status=AgreementStatus.ACTIVE)
        .values_list("municipality__county_id")
        .annotate(count=Count("id"))
        .values_list("municipality__county_id", "count")
        .order_by()
    )


# --- Municipal follow-up rounds ------------------------------------------------------------------------

ROUND_TITLE = gettext_lazy("%(county)s: municipal follow-up round")
REQUESTS_TITLE = gettext_lazy("To report: follow-ups asked of you")


@dataclass
class MunicipalRoundDashboard:
    """The county's open municipal round and its progress."""

    county: County
    progress: RoundCounts


def round_sections(user, scope, today: datetime.date) -> list[Section]:
    """For each county the user coordinates that has an open municipal round, its progress (two queries a
    county); without an open round there is no section (the county's overview offers to open one)."""
    counties = {
        grant.county_id: grant.county
        for grant in grants_for(user)
        if grant.role == Role.COUNTY_COORDINATOR and grant.county_id is not None
    }
    sections = []
    for county in sorted(counties.values(), key=lambda county: county.code):
        progress = open_round_of(county, today)
        if progress is not None:
            sections.append(
                Section(
                    Role.COUNTY_COORDINATOR,
                    f"municipal-round-{county.code}",
                    str(ROUND_TITLE) % {"county": county.name},
                    "agreements/dashboard_round.html",
                    functools.partial(MunicipalRoundDashboard, county, progress),
                )
            )
    return sections


@dataclass
class MunicipalRequestsDashboard:
    returned: list[MunicipalRequest]
    waiting: list[MunicipalRequest]
    today: datetime.date


def request_sections(user, scope, today: datetime.date) -> list[Section]:
    """An officer's outstanding municipal requests, those returned for revision first (one query)."""
    if not scope.officer_municipalities:
        return []
    requests = requests_for(user)
    if not requests:
        return []
    returned = [r for r in requests if r.state == RequestState.RETURNED]
    waiting = [r for r in requests if r.state != RequestState.RETURNED]
    return [
        Section(
            Role.MUNICIPAL_OFFICER,
            "municipal-requests",
            str(REQUESTS_TITLE),
            "agreements/dashboard_requests.html",
            functools.partial(MunicipalRequestsDashboard, returned, waiting, today),
        )
    ]


# Right after the plan rounds' "to report" (5), and just before the coordinator's own section (20): the
# role's main section comes last of its role's sections, as the officer's (40) after "to report".
DASHBOARDS: tuple[DashboardEntry, ...] = (
    DashboardEntry("agreements.municipal_requests", 6, request_sections),
    DashboardEntry("agreements.municipal_round", 19, round_sections),
)
