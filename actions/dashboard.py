"""The action-plan parts of the dashboards (``portal.dashboard``): the county's current plan and its
measures by status, an officer's and an actor's measures, every county's plan progress, and the
plans' and measures' histories for the county's feed (registered in ``ActionsConfig.ready``).

Each reads a fixed number of queries, whatever the number of plans or measures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.translation import gettext

from actions import queries as action_queries
from actions.models import ActionPlan, Measure, PlanStatus
from core import charts
from core.collation import swedish_key
from core.registry import CountyHistory, Link

# --- The county's plan (coordinators and the steering group) ----------------------------------------


@dataclass
class StatusCount:
    name: str
    tone: str
    count: int
    url: str


def current_plan(plans: list[ActionPlan]) -> ActionPlan | None:
    """The active plan that started last, else the plan that started last (as the county report picks)."""
    ordered = sorted(plans, key=lambda p: p.period_start, reverse=True)
    return next((p for p in ordered if p.status == PlanStatus.ACTIVE), ordered[0] if ordered else None)


def county_plan(user, county, today: datetime.date):
    """The county's current plan that ``user`` may see, its measures and its summary (or None, [], None)."""
    plan = current_plan(list(ActionPlan.objects.visible_to(user).filter(county=county)))
    measures = action_queries.plan_measures(plan) if plan else []
    summary = action_queries.summarise_plan(plan, measures, today) if plan else None
    return plan, measures, summary


def status_counts(plan: ActionPlan, measures: list[Measure]) -> list[StatusCount]:
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


def progress_chart(key: str, plan: ActionPlan, measures: list[Measure], progress: Decimal | None) -> str:
    shown = [m for m in measures if not m.is_cancelled]
    return charts.bar_chart(
        [charts.Series(gettext("Progress"), [(str(m.number), m.progress) for m in shown])],
        chart_id=f"{key}-progress",
        title=gettext("Progress of each measure of %(plan)s, by measure number") % {"plan": plan.title},
        unit="%",
        target=float(progress) if progress is not None else None,
        target_label=gettext("Plan progress"),
    )


def status_chart(key: str, by_status: list[StatusCount]) -> str:
    return charts.bar_chart(
        [charts.Series(gettext("Measures"), [(s.name, s.count) for s in by_status])],
        chart_id=f"{key}-status",
        title=gettext("Measures by status"),
    )


def county_histories(county_id: int) -> list:
    """The histories of the county's plans and measures, for the county's change feed."""
    return [ActionPlan.history.filter(county_id=county_id), Measure.history.filter(plan__county_id=county_id)]


# The plans come before the agreements in the county's feed (core.registry.county_histories).
HISTORIES: tuple[CountyHistory, ...] = (CountyHistory("actions.plans", 10, county_histories),)


# --- A municipality's measures (municipal officers) -------------------------------------------------


def municipality_measures(user, municipality_ids) -> list[Measure]:
    """The measures of active plans ``user`` may see that name any of the municipalities, newest plan
    first (two queries): a completed or archived plan's measures are no longer anyone's work."""
    return list(
        Measure.objects.visible_to(user)
        .filter(pk__in=Measure.objects.filter(municipalities__in=municipality_ids).values("pk"))
        .filter(plan__status=PlanStatus.ACTIVE)
        .with_state()
        .select_related("plan__county")
        .prefetch_related("municipalities")
        .order_by("-plan__period_start", "plan__title", "number")
    )


# --- An organisation's measures (actor contacts) ----------------------------------------------------


@dataclass
class ActorMeasure:
    measure: Measure
    roles: list[str]  # the user's actors' roles in the measure, e.g. "Polisen (Lead)"
    waiting: bool  # stale or no update yet
    overdue: bool


def _waiting_first(row: ActorMeasure):
    latest = row.measure.latest_update
    return (not row.waiting, latest is not None, latest.date if latest else datetime.date.min, row.measure.pk)


def actor_measures(user, actor_ids, county_ids, today: datetime.date) -> list[ActorMeasure]:
    """The measures of active plans the actors lead or join in the counties, those waiting for an update first."""
    measures = (
        Measure.objects.visible_to(user)
        .filter(
            pk__in=Measure.objects.filter(participants__actor_id__in=actor_ids, plan__county_id__in=county_ids).values(
                "pk"
            )
        )
        .filter(plan__status=PlanStatus.ACTIVE)
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
    return rows


def actor_links(rows: list[ActorMeasure], actor_ids) -> list[Link]:
    """The actors among ``actor_ids`` that take part in the rows' measures, in Swedish order."""
    return [
        Link(actor.name, 0, actor.get_absolute_url())
        for actor in sorted(
            {p.actor for row in rows for p in row.measure.participants.all() if p.actor_id in actor_ids},
            key=lambda a: swedish_key(a.name),
        )
    ]


# --- Every county's plan (national administrators) -------------------------------------------------


def current_plans_progress() -> tuple[dict[int, ActionPlan | None], dict[int, Decimal | None]]:
    """Each county's current plan and its progress, by county id (two queries, whatever the number)."""
    plans_by_county: dict[int, list[ActionPlan]] = defaultdict(list)
    for plan in ActionPlan.objects.only("id", "county_id", "title", "status", "period_start"):
        plans_by_county[plan.county_id].append(plan)
    current = {county_id: current_plan(plans) for county_id, plans in plans_by_county.items()}
    measures_by_plan: dict[int, list[Measure]] = defaultdict(list)
    plan_ids = [plan.pk for plan in current.values() if plan is not None]
    for measure in Measure.objects.filter(plan_id__in=plan_ids).select_related("latest_update__status"):
        measures_by_plan[measure.plan_id].append(measure)
    progress = {
        county_id: action_queries.plan_progress(measures_by_plan[plan.pk]) if plan else None
        for county_id, plan in current.items()
    }
    return current, progress
