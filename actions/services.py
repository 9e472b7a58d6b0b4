"""Domain operations on action plans, measures, progress and support activities.

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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from actions.models import (
    ActionPlan,
    Actor,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureActor,
    Milestone,
    PlanDocument,
    ProgressStatus,
    ProgressUpdate,
    SupportActivity,
    Tone,
    WorkingGroupMember,
)
from core import charts
from core.collation import swedish_key
from core.concurrency import save_versioned
from core.editing import RowChange, save_rows, save_values
from core.files.models import fill_document
from core.formatting import indicator_decimals
from core.history import change_log
from municipalities.models import County

# code, English name (translated when shown), tone, done, cancelled, position
NATIONAL_STATUSES = [
    ("not_started", gettext_noop("Not started"), Tone.NEUTRAL, False, False, 10),
    ("on_track", gettext_noop("On track"), Tone.GOOD, False, False, 20),
    ("at_risk", gettext_noop("At risk"), Tone.WARNING, False, False, 30),
    ("delayed", gettext_noop("Delayed"), Tone.BAD, False, False, 40),
    ("done", gettext_noop("Done"), Tone.GOOD, True, False, 50),
    ("cancelled", gettext_noop("Cancelled"), Tone.NEUTRAL, False, True, 60),
]


def ensure_national_statuses() -> None:
    """Create the six statuses every county has (idempotent; part of the reference data)."""
    for code, name, tone, done, cancelled, position in NATIONAL_STATUSES:
        ProgressStatus.objects.update_or_create(
            county=None,
            code=code,
            defaults={"name": name, "tone": tone, "is_done": done, "is_cancelled": cancelled, "position": position},
        )


# --- Progress and flags ------------------------------------------------------------------------


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


# --- Changing plans and measures --------------------------------------------------------------


@transaction.atomic
def create_plan(county: County, values: dict, *, document=None, user=None) -> ActionPlan:
    """A new plan of ``county``, with the document uploaded with it (the plan and its document, or neither)."""
    plan = save_values(ActionPlan(county=county), values)
    _attach_plan_document(plan, document, user)
    return plan


@transaction.atomic
def update_plan(plan: ActionPlan, values: dict, *, seen_version: int | None, document=None, user=None) -> ActionPlan:
    """Save changes to a plan (refusing to overwrite a newer version), and a newly uploaded document."""
    save_versioned(plan, values, seen_version=seen_version)
    _attach_plan_document(plan, document, user)
    return plan


def _attach_plan_document(plan: ActionPlan, document, user) -> None:
    """Store an uploaded document with the plan; ``DocumentNotStoredError`` undoes the whole save."""
    if document:
        fill_document(PlanDocument(plan=plan), document, user).save()


def create_measure(plan: ActionPlan, values: dict) -> Measure:
    return save_versioned(Measure(plan=plan), values, seen_version=None)


def update_measure(measure: Measure, values: dict, *, seen_version: int | None) -> Measure:
    return save_versioned(measure, values, seen_version=seen_version)


def next_measure_number(plan: ActionPlan) -> int:
    last = plan.measures.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def post_progress_update(measure: Measure, values: dict, user) -> ProgressUpdate:
    """Add an update to the measure's timeline; the newest update sets the measure's state.

    A cancelled measure takes no more updates. The measure row is locked so that two
    updates posted at once are ordered, and neither is lost.
    """
    measure = Measure.objects.select_for_update(of=("self",)).select_related("latest_update__status").get(pk=measure.pk)
    if measure.is_cancelled:
        raise ValidationError(gettext("The measure is cancelled: it takes no more progress updates."))
    update = save_values(
        ProgressUpdate(measure=measure, author=user, author_name=user.get_full_name() or user.get_username()), values
    )
    newest = measure.updates.order_by("-date", "-created_at", "-pk").first()
    # A queryset update: posting progress is not an edit of the measure, so it must not
    # bump the measure's version under someone who is editing its description.
    Measure.objects.filter(pk=measure.pk).update(latest_update=newest)
    return update


@transaction.atomic
def complete_milestone(milestone: Milestone, done_on: datetime.date) -> Milestone:
    if done_on > timezone.localdate():
        raise ValidationError(gettext("A milestone cannot be done in the future."))
    milestone.done_on = done_on
    milestone.save()
    return milestone


def statuses_for(plan: ActionPlan):
    return ProgressStatus.objects.for_county(plan.county_id)


# --- History ------------------------------------------------------------------------------------


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


# --- Indicators -----------------------------------------------------------------------------


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


# --- Actors -------------------------------------------------------------------------------------

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


def create_actor(county: County, values: dict) -> Actor:
    """A new actor of ``county``; the form has checked the name against the county's actors."""
    return save_values(Actor(county=county), values)


def update_actor(actor: Actor, values: dict) -> Actor:
    return save_values(actor, values)


# --- Indicators, support activities, statuses ------------------------------------------------


def create_indicator(measure: Measure, values: dict) -> Indicator:
    return save_values(Indicator(measure=measure), values)


@transaction.atomic
def update_indicator(indicator: Indicator, values: dict, value_rows: list[RowChange]) -> Indicator:
    """Save the indicator and its measured values together."""
    save_values(indicator, values)
    save_rows(indicator, IndicatorValue, "indicator", value_rows)
    return indicator


def save_support_activity(county: County, activity: SupportActivity | None, values: dict) -> SupportActivity:
    """Create a support activity of ``county`` (``activity`` None) or save changes to one."""
    return save_values(activity if activity is not None else SupportActivity(county=county), values)


def add_status(county: County, values: dict) -> ProgressStatus:
    """A status of the county's own, beside the national ones."""
    return save_values(ProgressStatus(county=county), values)


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
