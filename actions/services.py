"""Every write of action plans, measures, progress, indicators, actors and support activities.

The reads (plan progress, summaries, histories, charts) are in ``queries.py``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from actions.models import (
    ActionPlan,
    Actor,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    PlanDocument,
    ProgressStatus,
    ProgressUpdate,
    SupportActivity,
    Tone,
)
from core.concurrency import save_versioned
from core.editing import RowChange, save_rows, save_values
from core.files.models import fill_document
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


# --- History ------------------------------------------------------------------------------------


# --- Indicators -----------------------------------------------------------------------------


# --- Actors -------------------------------------------------------------------------------------


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
