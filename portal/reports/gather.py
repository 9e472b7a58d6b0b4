"""What a report shows, read with a number of queries that does not grow with the data.

The report reads the county's published material only (draft agreements and pledges are the
municipality's work in progress, a draft action plan the county coordinators'), through the same
services the pages use, so a number in a report is the number on the page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext

from actions import queries as action_queries
from actions.models import (
    ActionPlan,
    FollowUpRound,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    PlanStatus,
    ProgressStatus,
    ProgressUpdate,
    RequestState,
    RoundRequest,
    Tone,
    UpdateState,
)
from agreements import queries as agreement_queries
from agreements.models import (
    AgreementStatus,
    CitizenPledge,
    CooperationAgreement,
    FollowUp,
    PledgeStatus,
    QualityReview,
)
from agreements.reminders import deadlines
from core import charts
from municipalities import queries as municipality_queries
from municipalities.models import ComplianceState, Municipality, Obligation
from portal.models import Report, ReportStatus

# A report's length must not follow the data: past these numbers the report summarises.
DETAILED_MEASURES = 10  # measures described in full; all of them are in the measures table
INDICATOR_CHARTS = 1  # charts per described measure (its first indicator); further indicators are a table row each
MORE_INDICATORS_LISTED = 7  # table rows of further indicators per described measure
UPDATES_LISTED = 40  # newest progress updates listed under the changes
PLEDGES_LISTED = 40  # new citizen pledges listed under the changes
MILESTONES_LISTED = 5  # a described measure's next open milestones
VALUES_IN_CAPTION = 12  # an indicator's values are listed under its chart up to this many
ROUND_ROWS_LISTED = 60  # measures listed per part of a round's account (approved, missing, under review, change)


@dataclass
class Changes:
    since: datetime.datetime | None
    updates: list[ProgressUpdate] = field(default_factory=list)
    update_count: int = 0  # all new updates; ``updates`` lists the newest UPDATES_LISTED
    status_changes: list[tuple[Measure, str, str]] = field(default_factory=list)
    new_pledges: list[CitizenPledge] = field(default_factory=list)  # the first PLEDGES_LISTED by name
    pledge_count: int = 0


@dataclass
class DescribedMeasure:
    measure: Measure
    charts: list[tuple[Indicator, str, list[IndicatorValue]]]  # the first INDICATOR_CHARTS, chart and values
    more_indicators: list[tuple[Indicator, IndicatorValue | None]]  # the next MORE_INDICATORS_LISTED, latest value
    unlisted_indicators: int = 0  # indicators neither charted nor listed


def _previous(report: Report) -> Report | None:
    return (
        Report.objects.filter(
            kind=report.kind,
            county_id=report.county_id,
            municipality_id=report.municipality_id,
            status=ReportStatus.DONE,
            created_at__lt=report.created_at,
        )
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class Standing:
    """Where a measure stood by an approved update: its status and progress."""

    status: str
    percent: int


@dataclass(frozen=True)
class RoundChange:
    """A measure of the round, by its approved update in the previous round of the plan and in this one."""

    measure: Measure
    then: Standing | None
    now: Standing | None

    @property
    def changed(self) -> bool:
        return self.then is not None and self.now is not None and self.then != self.now


@dataclass
class Listed:
    """The first ROUND_ROWS_LISTED of some of a round's requests, and how many there are."""

    shown: list = field(default_factory=list)
    count: int = 0

    def add(self, item) -> None:
        self.count += 1
        if len(self.shown) < ROUND_ROWS_LISTED:
            self.shown.append(item)

    @property
    def unlisted(self) -> int:
        return self.count - len(self.shown)


@dataclass
class RoundAccount:
    """What a round's report says of the round: the approved updates, the measures whose update is
    missing (nobody answered) or not approved (a draft, submitted or returned: never its content), and
    each measure then, in the previous round of the plan, and now."""

    round: FollowUpRound
    previous: FollowUpRound | None
    approved: Listed = field(default_factory=Listed)
    missing: Listed = field(default_factory=Listed)
    under_review: Listed = field(default_factory=Listed)
    changes: Listed = field(default_factory=Listed)

    @property
    def total(self) -> int:
        return self.approved.count + self.missing.count + self.under_review.count


def _standing(update: ProgressUpdate | None) -> Standing | None:
    if update is None or update.state != UpdateState.APPROVED:
        return None
    return Standing(str(update.status), update.percent)


def _previous_round(round_: FollowUpRound) -> FollowUpRound | None:
    """The round of the same plan before this one: the latest whose period ended before this one's."""
    return (
        FollowUpRound.objects.filter(plan_id=round_.plan_id, period_end__lt=round_.period_start)
        .exclude(pk=round_.pk)
        .order_by("-period_end", "-pk")
        .first()
    )


def round_account(round_: FollowUpRound) -> RoundAccount:
    """The round in the report, in three queries whatever its size: its requests with their updates, the
    previous round, and the previous round's approved updates."""
    previous = _previous_round(round_)
    account = RoundAccount(round=round_, previous=previous)
    requests = (
        RoundRequest.objects.filter(round=round_)
        .with_state()
        .select_related("measure", "update__status")
        .order_by("measure__number", "pk")
    )
    before: dict[int, Standing] = {}
    if previous is not None:
        earlier = RoundRequest.objects.filter(round=previous, update__state=UpdateState.APPROVED).select_related(
            "update__status"
        )
        before = {request.measure_id: _standing(request.update) for request in earlier}
    for request in requests:
        state = request.state_code
        if state == RequestState.APPROVED:
            account.approved.add(request)
        elif state in (RequestState.ASKED, RequestState.OPENED):
            account.missing.add(request)
        else:
            account.under_review.add(request)
        account.changes.add(RoundChange(request.measure, before.get(request.measure_id), _standing(request.update)))
    return account


def _current_plan(county) -> ActionPlan | None:
    """The county's active plan, else its latest; never a draft (the steering group reads the report)."""
    plans = ActionPlan.objects.published().filter(county=county).order_by("-period_start")
    return plans.filter(status=PlanStatus.ACTIVE).first() or plans.first()


def _changes(report: Report, plan: ActionPlan | None, measures: list[Measure]) -> Changes:
    """What changed since the previous report of the same kind; for the first one, in the report's period.

    Three queries for the updates whatever their number: the new ones, the status each measure had
    before them (a subquery per measure, in one query), and those statuses' names.
    """
    previous = _previous(report)
    since = previous.finished_at if previous else None
    changes = Changes(since=since)
    if plan is not None:
        by_measure = {m.pk: m for m in measures}
        if since is None:
            is_new = Q(date__gte=report.period_start, date__lte=report.period_end)
            was_before = Q(date__lt=report.period_start)
        else:
            is_new = Q(created_at__gt=since)
            was_before = Q(created_at__lte=since)
        # Only approved updates count: one waiting for review or returned is its authors' and the
        # coordinators' until then, never the steering group's.
        plan_updates = ProgressUpdate.objects.approved().filter(measure__plan=plan)
        updates = list(
            plan_updates.filter(is_new).select_related("status").order_by("measure_id", "date", "created_at")
        )
        before = (
            ProgressUpdate.objects.approved()
            .filter(was_before, measure=OuterRef("pk"))
            .order_by("-date", "-created_at")
            .values("status")[:1]
        )
        rows = Measure.objects.filter(plan=plan).annotate(before=Subquery(before)).values_list("pk", "before")
        status_before = {pk: status_id for pk, status_id in rows if status_id}
        names = {status.pk: str(status) for status in ProgressStatus.objects.filter(pk__in=set(status_before.values()))}
        last_status = {pk: names[status_id] for pk, status_id in status_before.items()}
        for update in updates:
            before_status = last_status.get(update.measure_id)
            if before_status is not None and before_status != str(update.status):
                changes.status_changes.append((by_measure[update.measure_id], before_status, str(update.status)))
            last_status[update.measure_id] = str(update.status)
        updates.sort(key=lambda u: (u.date, u.created_at), reverse=True)
        changes.update_count = len(updates)
        changes.updates = updates[:UPDATES_LISTED]
        for update in changes.updates:
            update.measure = by_measure[update.measure_id]
    pledges = CitizenPledge.objects.filter(municipality__county_id=report.county_id, status=PledgeStatus.PUBLISHED)
    if report.municipality_id:
        pledges = pledges.filter(municipality_id=report.municipality_id)
    if since is None:
        pledges = pledges.filter(period_start__gte=report.period_start, period_start__lte=report.period_end)
    else:
        pledges = pledges.filter(created_at__gt=since)
    changes.pledge_count = pledges.count()
    changes.new_pledges = list(
        pledges.select_related("municipality").order_by("municipality__name", "title")[:PLEDGES_LISTED]
    )
    return changes


def _status_chart(summary) -> str:
    return charts.bar_chart(
        [charts.Series(gettext("Measures"), [(name, count) for name, _tone, count in summary.by_status])],
        chart_id="measures-by-status",
        title=gettext("Measures by status"),
    )


def _needs_attention(measure: Measure, today: datetime.date) -> bool:
    status = measure.status
    return measure.is_overdue(today) or measure.is_stale(today) or (status and status.tone in {Tone.WARNING, Tone.BAD})


def _described(measures: list[Measure], today: datetime.date) -> list[DescribedMeasure]:
    """The measures the report describes in full: all of a plan of up to DETAILED_MEASURES, else the
    first of those that need attention (overdue, without recent update, at risk or delayed)."""
    chosen = measures
    if len(measures) > DETAILED_MEASURES:
        chosen = [m for m in measures if _needs_attention(m, today)][:DETAILED_MEASURES]
    # Every indicator with its latest value; the values themselves only of those charted or listed
    # (a listed indicator's figures are written in its precision, which its values decide).
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-date", "-pk")
    indicators = Indicator.objects.annotate(
        latest_value=Subquery(latest.values("value")[:1]), latest_date=Subquery(latest.values("date")[:1])
    )
    open_milestones = Milestone.objects.filter(done_on__isnull=True).order_by("due_date")
    prefetch_related_objects(
        chosen, Prefetch("indicators", queryset=indicators), Prefetch("milestones", queryset=open_milestones)
    )
    shown = [
        i for measure in chosen for i in list(measure.indicators.all())[: INDICATOR_CHARTS + MORE_INDICATORS_LISTED]
    ]
    prefetch_related_objects(shown, Prefetch("values", queryset=IndicatorValue.objects.order_by("date")))
    described = []
    for measure in chosen:
        indicators = list(measure.indicators.all())
        charts_shown = [
            (i, action_queries.indicator_chart(i), list(i.values.all())) for i in indicators[:INDICATOR_CHARTS]
        ]
        more = [
            (i, IndicatorValue(indicator=i, value=i.latest_value, date=i.latest_date) if i.latest_date else None)
            for i in indicators[INDICATOR_CHARTS : INDICATOR_CHARTS + MORE_INDICATORS_LISTED]
        ]
        unlisted = max(0, len(indicators) - INDICATOR_CHARTS - MORE_INDICATORS_LISTED)
        described.append(DescribedMeasure(measure, charts_shown, more, unlisted))
    return described


def county_context(report: Report) -> dict:
    county = report.county
    # A round's report is about the round's plan; any other about the county's current plan.
    round_ = (
        FollowUpRound.objects.select_related("plan").get(pk=report.round_id) if report.round_id is not None else None
    )
    plan = round_.plan if round_ is not None else _current_plan(county)
    today = timezone.localdate()
    measures: list[Measure] = list(plan.measures.with_state().order_by("number")) if plan is not None else []
    summary = action_queries.summarise_plan(plan, measures) if plan else None
    overview = municipality_queries.county_overview(county)
    agreements = agreement_queries.county_agreements(county, None)
    period = (report.period_start, report.period_end)
    activities = [a for a in overview.support_activities if period[0] <= a.date <= period[1]]
    described = _described(measures, today)
    return {
        "report": report,
        "county": county,
        "plan": plan,
        "summary": summary,
        "status_chart": _status_chart(summary) if summary and measures else "",
        "measures": measures,
        "described": described,
        "all_described": len(described) == len(measures),
        "values_in_caption": VALUES_IN_CAPTION,
        "milestones_listed": f":{MILESTONES_LISTED}",
        "overview": overview,
        "obligations": Obligation.choices,
        "municipality_rows": _pair_rows(overview.rows, agreements),
        "agreement_counts": _agreement_counts(agreements),
        "activities": activities,
        "changes": _changes(report, plan, measures),
        "states": ComplianceState,
        "round": round_account(round_) if round_ is not None else None,
    }


def _pair_rows(overview_rows, agreement_rows) -> list[tuple]:
    """Each municipality's compliance row with its agreements row."""
    by_municipality = {row.municipality.pk: row for row in agreement_rows}
    return [(row, by_municipality.get(row.municipality.pk)) for row in overview_rows]


def _agreement_counts(rows) -> dict[str, int]:
    return {
        "active_agreements": sum(1 for r in rows if r.agreement and r.agreement.status == AgreementStatus.ACTIVE),
        "current_pledges": sum(len(r.current_pledges) for r in rows),
        "follow_up_missing": sum(1 for r in rows if r.follow_up_missing),
        "reviewed": sum(1 for r in rows if r.latest_review),
    }


def municipality_context(report: Report) -> dict:
    municipality = Municipality.objects.select_related("county").get(pk=report.municipality_id)
    figures = municipality_queries.ranked_key_figures(municipality)
    public_agreements = Q(status__in=[AgreementStatus.ACTIVE, AgreementStatus.ENDED])
    published = CooperationAgreement.objects.filter(public_agreements, municipality=municipality)
    return {
        "report": report,
        "municipality": municipality,
        "county": municipality.county,
        "council_members": list(municipality.council_members.all()),
        "coordinators": list(municipality.coordinators.all()),
        "figures": figures,
        "chart": municipality_queries.crime_rate_chart(municipality, figures) if figures else "",
        "followed": municipality_queries.followed_series(municipality),
        # A report lists no compliance documents: whoever reads it, the report opens none.
        "compliance": municipality_queries.compliance_views(municipality, None),
        "agreements": list(
            CooperationAgreement.objects.filter(public_agreements, municipality=municipality).prefetch_related(
                "focus_areas", "deliverables"
            )
        ),
        "pledges": list(
            CitizenPledge.objects.filter(municipality=municipality, status=PledgeStatus.PUBLISHED).prefetch_related(
                "commitments", Prefetch("follow_ups", queryset=FollowUp.objects.approved().order_by("-date"))
            )
        ),
        "reviews": list(QualityReview.objects.filter(municipality=municipality).select_related("pledge", "agreement")),
        "deadlines": deadlines(municipality_ids=[municipality.pk], horizon_days=366, agreements=published),
        "changes": _changes(report, None, []),
    }
