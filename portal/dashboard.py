"""The dashboard each role lands on after signing in (the start page at "/").

``dashboard_for(user)`` returns one ``Section`` per role the user holds (and per county or
set of municipalities of that role); the view renders each with its template from
``templates/portal/dashboard/``. Every section is read with a number of queries that does
not grow with the data: the services it reuses (plan summaries, the county overview, the
county's agreements, deadlines, the change log) read a county at a time in a fixed number of
queries, and the national overview reads every county with one query per model.

Every number shown is paired with the URL of the list behind it, so templates never build
filter URLs themselves.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from actions import services as action_services
from actions.models import ActionPlan, Measure, PlanStatus
from agreements.models import AgreementStatus, CitizenPledge, CooperationAgreement, QualityReview
from agreements.reminders import Deadline, deadlines
from agreements.services import county_agreements
from core import charts, formatting
from core.collation import swedish_key
from core.history import Change, change_log
from core.roles import Role
from core.scoping import grants_for, scope_for
from municipalities.models import (
    ComplianceItem,
    ComplianceState,
    County,
    Municipality,
    Obligation,
    compliance_state,
    outdated_before,
)
from municipalities.services import county_overview
from portal.models import Report, ReportKind

DEADLINE_HORIZON_DAYS = 30
# A dashboard lists the first of these many measures or deadlines; the count beside each links to them all.
LIST_LIMIT = 10
FEED_LIMIT = 10
REPORT_LIMIT = 5
# Quality score bands: (lowest percent, highest percent); a municipality without a review is a band of its own.
QUALITY_BANDS = ((0, 49), (50, 74), (75, 100))


# --- Building blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A number (or short text) on the dashboard and the list it stands for."""

    label: str
    count: int
    url: str


def _url(name: str, query: dict[str, str] | None = None, **kwargs) -> str:
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


@dataclass
class Section:
    """One part of the dashboard: a role, what it covers, and the data its template shows."""

    role: str
    key: str  # unique on the page: used for heading and chart ids
    title: str
    template: str
    data: object


# --- The county picture (coordinators and the steering group) ---------------------------------------


@dataclass
class StatusCount:
    name: str
    tone: str
    count: int
    url: str


@dataclass
class MatrixCell:
    state: str
    label: str
    count: int
    url: str


@dataclass
class MatrixRow:
    obligation: str
    label: str
    cells: list[MatrixCell]


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


def current_plan(plans: list[ActionPlan]) -> ActionPlan | None:
    """The active plan that started last, else the plan that started last (as the county report picks)."""
    ordered = sorted(plans, key=lambda p: p.period_start, reverse=True)
    return next((p for p in ordered if p.status == PlanStatus.ACTIVE), ordered[0] if ordered else None)


def _status_counts(plan: ActionPlan, measures: list[Measure]) -> list[StatusCount]:
    counts: dict[str, StatusCount] = {}
    plan_url = plan.get_absolute_url()
    for measure in measures:
        status = measure.status
        code = status.code if status else "none"
        if code not in counts:
            name = str(status) if status else gettext("No update yet")
            tone = status.tone if status else "none"
            counts[code] = StatusCount(name, tone, 0, f"{plan_url}?{urlencode({'status': code})}")
        counts[code].count += 1
    return list(counts.values())


def _progress_chart(key: str, plan: ActionPlan, measures: list[Measure], progress: Decimal | None) -> str:
    shown = [m for m in measures if not m.is_cancelled]
    return charts.bar_chart(
        [charts.Series(gettext("Progress"), [(str(m.number), m.progress) for m in shown])],
        chart_id=f"{key}-progress",
        title=gettext("Progress of each measure of %(plan)s, by measure number") % {"plan": plan.title},
        unit="%",
        target=float(progress) if progress is not None else None,
        target_label=gettext("Plan progress"),
    )


def _status_chart(key: str, by_status: list[StatusCount]) -> str:
    return charts.bar_chart(
        [charts.Series(gettext("Measures"), [(s.name, s.count) for s in by_status])],
        chart_id=f"{key}-status",
        title=gettext("Measures by status"),
    )


def _matrix(county: County, overview) -> list[MatrixRow]:
    rows = []
    for obligation, label, counts in overview.matrix:
        cells = [
            MatrixCell(
                state,
                str(state_label),
                counts[state],
                _url("municipalities:county_detail", {"obligation": obligation, "state": state}, code=county.code),
            )
            for state, state_label in ComplianceState.choices
        ]
        rows.append(MatrixRow(obligation, str(label), cells))
    return rows


def _has_active_agreement(row) -> bool:
    return bool(row.agreement and row.agreement.status == AgreementStatus.ACTIVE)


def _agreement_counts(county: County, rows) -> list[Link]:
    def link(label, count, state=""):
        query = {"state": state} if state else None
        return Link(label, count, _url("agreements:county_overview", query, code=county.code))

    return [
        link(gettext("With an active agreement"), sum(_has_active_agreement(r) for r in rows)),
        link(gettext("Without an active agreement"), sum(not _has_active_agreement(r) for r in rows), "no_agreement"),
        link(gettext("Without a current citizen pledge"), sum(not r.current_pledges for r in rows), "no_pledge"),
        link(gettext("Follow-up missing"), sum(bool(r.follow_up_missing) for r in rows), "follow_up_missing"),
        link(gettext("Overdue deadline"), sum(r.overdue for r in rows), "overdue"),
    ]


def _county_summary(key: str, county: County, user, *, overview, agreement_rows, today) -> tuple[CountySummary, list]:
    plan = current_plan(list(ActionPlan.objects.visible_to(user).filter(county=county)))
    measures = action_services.plan_measures(plan) if plan else []
    summary = action_services.summarise_plan(plan, measures, today) if plan else None
    by_status = _status_counts(plan, measures) if plan else []
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
            progress_chart=_progress_chart(key, plan, measures, summary.progress) if measures else "",
            status_chart=_status_chart(key, by_status) if measures else "",
            matrix=_matrix(county, overview),
            agreement_counts=_agreement_counts(county, agreement_rows),
            plans_url=_url("actions:plan_list", code=county.code),
        ),
        measures,
    )


def _latest_reports(user, county: County) -> list[Report]:
    return list(
        Report.objects.visible_to(user)
        .filter(county=county, kind=ReportKind.COUNTY)
        .select_related("county", "requested_by")
        .order_by("-created_at")[:REPORT_LIMIT]
    )


# --- County coordinator -----------------------------------------------------------------------------


@dataclass
class DeadlineRow:
    deadline: Deadline
    municipality: Municipality
    overdue: bool
    days_left: int


@dataclass
class QualityBand:
    label: str
    municipalities: list[Municipality]
    url: str

    @property
    def count(self) -> int:
        return len(self.municipalities)


@dataclass
class AttentionRow:
    municipality: Municipality
    reasons: list[Link]  # count 0: a reason, not a number; the URL is the list that shows it


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


def _quality_bands(key: str, county: County, agreement_rows) -> tuple[list[QualityBand], str]:
    reviews_url = _url("agreements:review_list", code=county.code)
    bands = [QualityBand(f"{low}–{formatting.percent(high)}", [], reviews_url) for low, high in QUALITY_BANDS]
    not_reviewed = QualityBand(gettext("Not reviewed"), [], _url("agreements:county_overview", code=county.code))
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


def _attention(county: County, overview, agreement_rows) -> tuple[list[Link], list[AttentionRow]]:
    """Municipalities with a follow-up missing, an outdated or missing lägesbild, or no active agreement."""
    agreements_url = _url("agreements:county_overview", code=county.code)

    def situation_url(state):
        obligation = Obligation.SITUATION_ANALYSIS
        return _url("municipalities:county_detail", {"obligation": obligation, "state": state}, code=county.code)

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
        if not _has_active_agreement(agreement_row):
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


def county_feed(county: County, limit: int = FEED_LIMIT) -> list[Change]:
    """The latest changes to the county's plans, measures, agreements and pledges (one query each)."""
    return change_log(
        ActionPlan.history.filter(county_id=county.pk),
        Measure.history.filter(plan__county_id=county.pk),
        CooperationAgreement.history.filter(municipality__county_id=county.pk),
        CitizenPledge.history.filter(municipality__county_id=county.pk),
        limit=limit,
    )


def _county_picture(county: County, user, today: datetime.date):
    """The county's compliance overview and agreement rows, read together: one read of the municipalities."""
    overview = county_overview(county, details=False)
    municipalities = [row.municipality for row in overview.rows]
    return overview, county_agreements(county, user, today=today, municipalities=municipalities)


def coordinator_dashboard(user, county: County, key: str, today: datetime.date) -> CoordinatorDashboard:
    overview, agreement_rows = _county_picture(county, user, today)
    summary, measures = _county_summary(
        key, county, user, overview=overview, agreement_rows=agreement_rows, today=today
    )
    municipalities = {row.municipality.pk: row.municipality for row in overview.rows}
    # The agreement rows hold each municipality's deadlines of the coming year: the next 30 days are among them.
    until = today + datetime.timedelta(days=DEADLINE_HORIZON_DAYS)
    upcoming = sorted(
        (d for row in agreement_rows for d in row.deadlines if d.due_date <= until),
        key=Deadline.order,
    )
    bands, quality_chart = _quality_bands(key, county, agreement_rows)
    attention_counts, attention = _attention(county, overview, agreement_rows)
    return CoordinatorDashboard(
        summary=summary,
        overdue_measures=[m for m in measures if m.is_overdue(today)][:LIST_LIMIT],
        stale_measures=[m for m in measures if m.is_stale(today)][:LIST_LIMIT],
        deadlines=[
            DeadlineRow(d, municipalities[d.municipality_id], d.is_overdue(today), d.days_left(today))
            for d in upcoming[:LIST_LIMIT]
        ],
        deadline_count=len(upcoming),
        deadlines_url=_url("agreements:county_overview", code=county.code),
        deadlines_horizon=DEADLINE_HORIZON_DAYS,
        quality_bands=bands,
        quality_chart=quality_chart,
        attention_counts=attention_counts,
        attention=attention,
        feed=county_feed(county),
        reports=_latest_reports(user, county),
        reports_url=_url("portal:county_reports", code=county.code),
    )


# --- Steering group member --------------------------------------------------------------------------


@dataclass
class SteeringDashboard:
    summary: CountySummary
    reports: list[Report]
    reports_url: str


def steering_dashboard(user, county: County, key: str, today: datetime.date) -> SteeringDashboard:
    overview, agreement_rows = _county_picture(county, user, today)
    summary, _measures = _county_summary(
        key, county, user, overview=overview, agreement_rows=agreement_rows, today=today
    )
    return SteeringDashboard(
        summary=summary,
        reports=_latest_reports(user, county),
        reports_url=_url("portal:county_reports", code=county.code),
    )


# --- Municipal officer ------------------------------------------------------------------------------


@dataclass
class ComplianceGap:
    label: str
    state: str
    url: str


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
    items: dict[int, dict[str, ComplianceItem]] = defaultdict(dict)
    for item in ComplianceItem.objects.visible_to(user).filter(municipality_id__in=ids):
        items[item.municipality_id][item.obligation] = item
    latest_review: dict[int, QualityReview] = {}
    for review in QualityReview.objects.visible_to(user).filter(municipality_id__in=ids).order_by("date", "pk"):
        latest_review[review.municipality_id] = review
    due: dict[int, list[DeadlineRow]] = defaultdict(list)
    by_id = {m.pk: m for m in municipalities}
    for deadline in deadlines(municipality_ids=ids, today=today, horizon_days=DEADLINE_HORIZON_DAYS):
        due[deadline.municipality_id].append(
            DeadlineRow(
                deadline, by_id[deadline.municipality_id], deadline.is_overdue(today), deadline.days_left(today)
            )
        )
    todos = []
    for municipality in municipalities:
        gaps = []
        for obligation, label in Obligation.choices:
            state = compliance_state(items[municipality.pk].get(obligation), today)
            if state != ComplianceState.IN_PLACE:
                url = _url("municipalities:compliance_edit", code=municipality.code, obligation=obligation)
                gaps.append(ComplianceGap(str(label), state, url))
        review = latest_review.get(municipality.pk)
        todos.append(
            MunicipalityTodo(
                municipality=municipality,
                deadlines=due[municipality.pk],
                gaps=gaps,
                review=review,
                weakest=review.weakest() if review else [],
                agreements_url=_url("agreements:municipality_agreements", code=municipality.code),
                compliance_url=municipality.get_absolute_url() + "#compliance-heading",
            )
        )
    measures = list(
        Measure.objects.visible_to(user)
        .filter(pk__in=Measure.objects.filter(municipalities__in=ids).values("pk"))
        .with_state()
        .select_related("plan__county")
        .prefetch_related("municipalities")
        .order_by("-plan__period_start", "plan__title", "number")
    )
    return OfficerDashboard(municipalities=todos, measures=measures, deadlines_horizon=DEADLINE_HORIZON_DAYS)


# --- Actor contact ----------------------------------------------------------------------------------


@dataclass
class ActorMeasure:
    measure: Measure
    roles: list[str]  # the user's actors' roles in the measure, e.g. "Polisen (Lead)"
    waiting: bool  # stale or no update yet
    overdue: bool


@dataclass
class ActorDashboard:
    actors: list[Link]
    measures: list[ActorMeasure]


def _waiting_first(row: ActorMeasure):
    latest = row.measure.latest_update
    return (not row.waiting, latest is not None, latest.date if latest else datetime.date.min, row.measure.pk)


def actor_dashboard(user, actor_ids, county_ids, today: datetime.date) -> ActorDashboard:
    """The measures the user's organisations lead or join, those waiting for an update first."""
    measures = (
        Measure.objects.visible_to(user)
        .filter(
            pk__in=Measure.objects.filter(participants__actor_id__in=actor_ids, plan__county_id__in=county_ids).values(
                "pk"
            )
        )
        .with_state()
        .select_related("plan__county")
    )
    rows = []
    for measure in measures:
        roles = [
            f"{p.actor.name} ({p.get_role_display()})" for p in measure.participants.all() if p.actor_id in actor_ids
        ]
        waiting = measure.latest_update is None or measure.is_stale(today)
        if measure.is_done or measure.is_cancelled:
            waiting = False
        rows.append(ActorMeasure(measure, roles, waiting, measure.is_overdue(today)))
    rows.sort(key=_waiting_first)
    actors = [
        Link(actor.name, 0, actor.get_absolute_url())
        for actor in sorted(
            {p.actor for row in rows for p in row.measure.participants.all() if p.actor_id in actor_ids},
            key=lambda a: swedish_key(a.name),
        )
    ]
    return ActorDashboard(actors=actors, measures=rows)


# --- National administrator -------------------------------------------------------------------------


@dataclass
class ComplianceShare:
    label: str
    count: int
    percent: int | None  # rounded half up, as every percentage (core.formatting)
    url: str


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
    counties = list(County.objects.annotate(municipality_count=Count("municipalities")).order_by("code"))
    in_place: dict[tuple[int, str], int] = {
        (county_id, obligation): count
        for county_id, obligation, count in ComplianceItem.objects.filter(status=ComplianceState.IN_PLACE)
        .filter(Q(date__isnull=True) | Q(date__gte=outdated_before(today)))
        .values_list("municipality__county_id", "obligation")
        .annotate(count=Count("id"))
        .values_list("municipality__county_id", "obligation", "count")
        .order_by()
    }
    plans_by_county: dict[int, list[ActionPlan]] = defaultdict(list)
    for plan in ActionPlan.objects.only("id", "county_id", "title", "status", "period_start"):
        plans_by_county[plan.county_id].append(plan)
    current = {county_id: current_plan(plans) for county_id, plans in plans_by_county.items()}
    measures_by_plan: dict[int, list[Measure]] = defaultdict(list)
    plan_ids = [plan.pk for plan in current.values() if plan is not None]
    for measure in Measure.objects.filter(plan_id__in=plan_ids).select_related("latest_update__status"):
        measures_by_plan[measure.plan_id].append(measure)
    agreements = dict(
        CooperationAgreement.objects.filter(status=AgreementStatus.ACTIVE)
        .values_list("municipality__county_id")
        .annotate(count=Count("id"))
        .values_list("municipality__county_id", "count")
        .order_by()
    )
    rows = []
    for county in counties:
        total = county.municipality_count
        shares = []
        for obligation, label in Obligation.choices:
            count = in_place.get((county.pk, obligation), 0)
            shares.append(
                ComplianceShare(
                    str(label),
                    count,
                    int(formatting.round_half_up(100 * count / total)) if total else None,
                    _url(
                        "municipalities:county_detail",
                        {"obligation": obligation, "state": ComplianceState.IN_PLACE},
                        code=county.code,
                    ),
                )
            )
        plan = current.get(county.pk)
        rows.append(
            CountyRow(
                county=county,
                municipalities=total,
                shares=shares,
                plan=plan,
                progress=action_services.plan_progress(measures_by_plan[plan.pk]) if plan else None,
                agreements=Link(
                    gettext("Agreements in force"),
                    agreements.get(county.pk, 0),
                    _url("agreements:county_overview", code=county.code),
                ),
            )
        )
    return NationalDashboard(rows=rows, obligations=[(value, str(label)) for value, label in Obligation.choices])


# --- The entry point --------------------------------------------------------------------------------

ROLE_TITLES = {
    Role.NATIONAL_ADMIN: gettext_lazy("National administrator: all counties"),
    Role.COUNTY_COORDINATOR: gettext_lazy("%(county)s: county coordinator"),
    Role.STEERING_GROUP: gettext_lazy("%(county)s: steering group"),
    Role.MUNICIPAL_OFFICER: gettext_lazy("Municipal officer: your to-do list"),
    Role.ACTOR_CONTACT: gettext_lazy("Actor contact: your organisation's measures"),
}


def dashboard_for(user, today: datetime.date | None = None) -> list[Section]:
    """The sections of the user's dashboard, one per role they hold (and per county of a county role).

    A county the user coordinates is not repeated as a steering group section: the
    coordinator's section shows everything the steering group's does.
    """
    today = today or timezone.localdate()
    scope = scope_for(user)
    sections: list[Section] = []
    if scope.national:
        sections.append(
            Section(
                Role.NATIONAL_ADMIN,
                "national",
                str(ROLE_TITLES[Role.NATIONAL_ADMIN]),
                "portal/dashboard/national.html",
                national_dashboard(today),
            )
        )
    steering_only = scope.steering_counties - scope.coordinator_counties
    # The counties come with the grants that scope_for read: no query here.
    wanted = scope.coordinator_counties | steering_only
    counties = {grant.county.pk: grant.county for grant in grants_for(user) if grant.county_id in wanted}
    for county in sorted(counties.values(), key=lambda c: c.code):
        if county.pk in scope.coordinator_counties:
            key = f"coordinator-{county.code}"
            sections.append(
                Section(
                    Role.COUNTY_COORDINATOR,
                    key,
                    str(ROLE_TITLES[Role.COUNTY_COORDINATOR]) % {"county": county.name},
                    "portal/dashboard/coordinator.html",
                    coordinator_dashboard(user, county, key, today),
                )
            )
    for county in sorted(counties.values(), key=lambda c: c.code):
        if county.pk in steering_only:
            key = f"steering-{county.code}"
            sections.append(
                Section(
                    Role.STEERING_GROUP,
                    key,
                    str(ROLE_TITLES[Role.STEERING_GROUP]) % {"county": county.name},
                    "portal/dashboard/steering.html",
                    steering_dashboard(user, county, key, today),
                )
            )
    if scope.officer_municipalities:
        sections.append(
            Section(
                Role.MUNICIPAL_OFFICER,
                "officer",
                str(ROLE_TITLES[Role.MUNICIPAL_OFFICER]),
                "portal/dashboard/officer.html",
                officer_dashboard(user, scope.officer_municipalities, today),
            )
        )
    if scope.actor_ids:
        sections.append(
            Section(
                Role.ACTOR_CONTACT,
                "actor",
                str(ROLE_TITLES[Role.ACTOR_CONTACT]),
                "portal/dashboard/actor.html",
                actor_dashboard(user, scope.actor_ids, scope.actor_counties, today),
            )
        )
    return sections
