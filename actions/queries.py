"""What the pages, dashboards and reports read of action plans, measures, actors and indicators.

Reads only: every write is in ``services.py``.

Plan progress is the weighted mean of its measures' progress:

    progress(plan) = Σ weightᵢ · progressᵢ / Σ weightᵢ   over the measures that are not cancelled

where a measure's progress is 100 when its latest update's status means done, otherwise
the latest update's percent, and 0 for a measure with no update yet. Weights are any
positive numbers (they need not sum to 1): equal weights give the plain mean. A plan
with no measures, or only cancelled ones, has no progress (``None``), shown as "no
measures yet" rather than as 0 %.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from actions.models import (
    ActionPlan,
    Actor,
    Indicator,
    Measure,
    MeasureActor,
    Milestone,
    ProgressStatus,
    ProgressUpdate,
    Tone,
    WorkingGroupMember,
)
from core import charts
from core.collation import swedish_key
from core.formatting import indicator_decimals
from core.history import change_log


def plan_progress(measures: Iterable[Measure]) -> Decimal | None:
    """The weighted mean progress of ``measures`` in percent (see the module docstring).

    Unrounded: it is rounded once, where it is written (core.formatting.percent), so that 17,45
    is 17 % and not 17,5 and then 18 %.
    """
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for measure in measures:
        if measure.is_cancelled:
            continue
        total_weight += measure.weight
        weighted += measure.weight * measure.progress
    if not total_weight:
        return None
    return weighted / total_weight


@dataclass
class PlanSummary:
    plan: ActionPlan
    measures: list[Measure]
    progress: Decimal | None
    by_status: list[tuple[str, str, int]]  # (status name, tone, count), "no update yet" included
    overdue: int
    stale: int


def plan_measures(plan: ActionPlan) -> list[Measure]:
    return list(plan.measures.with_state().order_by("number"))


def summarise_plan(plan: ActionPlan, measures: list[Measure], today: datetime.date | None = None) -> PlanSummary:
    today = today or timezone.localdate()
    counts: dict[tuple[str, str], int] = {}
    for measure in measures:
        status = measure.status
        key = (str(status), status.tone) if status else (gettext("No update yet"), Tone.NEUTRAL)
        counts[key] = counts.get(key, 0) + 1
    return PlanSummary(
        plan=plan,
        measures=measures,
        progress=plan_progress(measures),
        by_status=[(name, tone, count) for (name, tone), count in counts.items()],
        overdue=sum(m.is_overdue(today) for m in measures),
        stale=sum(m.is_stale(today) for m in measures),
    )


FLAGS = ("overdue", "stale")


def filter_measures(
    measures: list[Measure], *, status: str = "", actor: Actor | None = None, flag: str = "", today=None
) -> list[Measure]:
    """The plan page's filters. Flags are derived from dates, so this runs on the plan's rows."""
    today = today or timezone.localdate()
    if status == "none":
        measures = [m for m in measures if m.latest_update is None]
    elif status:
        measures = [m for m in measures if m.status and m.status.code == status]
    if actor is not None:
        measures = [m for m in measures if any(p.actor_id == actor.pk for p in m.participants.all())]
    if flag == "overdue":
        measures = [m for m in measures if m.is_overdue(today)]
    elif flag == "stale":
        measures = [m for m in measures if m.is_stale(today)]
    return measures


def next_measure_number(plan: ActionPlan) -> int:
    last = plan.measures.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def statuses_for(plan: ActionPlan):
    return ProgressStatus.objects.for_county(plan.county_id)


def measure_history(measure: Measure, limit: int = 20):
    return change_log(
        Measure.history.filter(id=measure.pk),
        MeasureActor.history.filter(measure_id=measure.pk),
        WorkingGroupMember.history.filter(measure_id=measure.pk),
        Milestone.history.filter(measure_id=measure.pk),
        Indicator.history.filter(measure_id=measure.pk),
        ProgressUpdate.history.filter(measure_id=measure.pk),
        limit=limit,
    )


def plan_history(plan: ActionPlan, limit: int = 20):
    return change_log(ActionPlan.history.filter(id=plan.pk), Measure.history.filter(plan_id=plan.pk), limit=limit)


def indicator_chart(indicator) -> str:
    """The indicator's values over time with its target: the same chart on pages and in reports."""
    values = list(indicator.values.all())
    points = [(value.date.isoformat(), float(value.value)) for value in values]
    return charts.line_chart(
        [charts.Series(indicator.name, points)],
        chart_id=f"indicator-{indicator.pk}",
        title=indicator.name,
        unit=indicator.unit,
        decimals=indicator_decimals(indicator),
        target=float(indicator.target) if indicator.target is not None else None,
        target_label=gettext("Target"),
    )


SIMILAR_RATIO = 0.85  # difflib's ratio above which two names are taken for the same actor's


SIMILAR_MIN_LENGTH = 4  # a shorter name is not looked for inside others ("Ab" is in too many)


def normalised_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _alike(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= SIMILAR_MIN_LENGTH and short in long:
        return True
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR_RATIO


def similar_actors(name: str, county, *, exclude: int | None = None) -> list[Actor]:
    """The actors a county chooses from (national and its own) whose names are like ``name``:
    the same but for case and spaces, one inside the other ("Polisen" and "Polisen Region Mitt"),
    or nearly the same letters. One query; a county has tens of actors, not thousands."""
    wanted = normalised_name(name)
    candidates = Actor.objects.for_county(county.pk).exclude(pk=exclude).order_by("name")
    return [actor for actor in candidates if _alike(wanted, normalised_name(actor.name))]


def county_actors_page(county):
    """The county's own actors and the national ones, for the county's list of actors."""
    actors = sorted(Actor.objects.for_county(county.pk), key=lambda actor: swedish_key(actor.name))
    return [a for a in actors if a.county_id == county.pk], [a for a in actors if a.county_id is None]


def actor_history(actor: Actor, limit: int = 20):
    return change_log(Actor.history.filter(id=actor.pk), limit=limit)


def actor_measures(actor: Actor, user) -> list[Measure]:
    """Every measure the actor leads or joins, in the plans the user may see."""
    return list(
        Measure.objects.visible_to(user)
        .filter(Q(participants__actor=actor))
        .with_state()
        .select_related("plan__county")
        .order_by("-plan__period_start", "plan__title", "number")
        .distinct()
    )
