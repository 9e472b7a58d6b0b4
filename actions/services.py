"""Every write of action plans, measures, progress, indicators, actors and support activities.

The reads (plan progress, summaries, histories, charts) are in ``queries.py``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from actions.models import (
    ActionPlan,
    Actor,
    Comment,
    FollowUpRound,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureFollow,
    Milestone,
    PlanDocument,
    PlanStatus,
    ProgressStatus,
    ProgressUpdate,
    RequestState,
    RoundRequest,
    RoundStatus,
    SupportActivity,
    Tone,
    UpdateAttachment,
    UpdateState,
)
from actions.queries import colleagues_for
from core.concurrency import save_versioned
from core.editing import RowChange, save_rows, save_values
from core.files.models import Publicity, fill_document
from core.files.validation import ATTACHMENT_KINDS
from core.jobs import enqueue
from core.rounds import round_date_errors
from core.scoping import scope_for
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
def create_plan(
    county: County, values: dict, *, document=None, document_visibility: str = Publicity.INTERNAL, user=None
) -> ActionPlan:
    """A new plan of ``county``, with the document uploaded with it (the plan and its document, or neither);
    the document is internal unless ``document_visibility`` makes it public."""
    plan = save_values(ActionPlan(county=county), values)
    _attach_plan_document(plan, document, user, document_visibility)
    return plan


@transaction.atomic
def update_plan(
    plan: ActionPlan,
    values: dict,
    *,
    seen_version: int | None,
    document=None,
    document_visibility: str = Publicity.INTERNAL,
    user=None,
) -> ActionPlan:
    """Save changes to a plan (refusing to overwrite a newer version), and a newly uploaded document."""
    save_versioned(plan, values, seen_version=seen_version)
    _attach_plan_document(plan, document, user, document_visibility)
    return plan


def _attach_plan_document(plan: ActionPlan, document, user, visibility: str) -> None:
    """Store an uploaded document with the plan; ``DocumentNotStoredError`` undoes the whole save."""
    if document:
        fill_document(PlanDocument(plan=plan, visibility=visibility or Publicity.INTERNAL), document, user).save()


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
    measure = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("plan", "latest_update__status")
        .get(pk=measure.pk)
    )
    if measure.is_cancelled:
        raise ValidationError(gettext("The measure is cancelled: it takes no more progress updates."))
    update = save_values(
        ProgressUpdate(measure=measure, author=user, author_name=user.get_full_name() or user.get_username()),
        values,
        state=_outside_round_state(measure, user),
        _history_user=user,
    )
    # Posting progress is not an edit of the measure, so it must not bump the measure's
    # version under someone who is editing its description.
    refresh_latest_update(measure)
    if update.is_approved:
        enqueue("actions.send_follower_notices", update.pk, update.history.latest().history_id)
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


# --- Follow-up rounds ---------------------------------------------------------------------------


def _outside_round_state(measure: Measure, user) -> str:
    """An update posted outside a round counts at once, unless the plan asks for approval and the
    author is not one of the county's coordinators (who approve)."""
    if measure.plan.updates_need_approval and measure.plan.county_id not in scope_for(user).coordinator_counties:
        return UpdateState.SUBMITTED
    return UpdateState.APPROVED


def refresh_latest_update(measure: Measure) -> None:
    """Point the measure at its newest approved update (a queryset update: no new version of the measure)."""
    newest = ProgressUpdate.objects.approved().filter(measure=measure).order_by("-date", "-created_at", "-pk").first()
    Measure.objects.filter(pk=measure.pk).update(latest_update=newest)


@transaction.atomic
def open_round(plan: ActionPlan, values: dict, *, asked: dict[int, list], user) -> FollowUpRound:
    """Open a follow-up round on ``plan`` with one request per measure in ``asked`` ({measure id: people}).

    The invitations go out from the background job once the round is committed.
    """
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(gettext("Follow-up rounds are opened on active plans only."))
    if not asked:
        raise ValidationError(gettext("Choose at least one measure for the round."))
    if FollowUpRound.objects.filter(plan=plan, status=RoundStatus.OPEN).exists():
        raise ValidationError(gettext("The plan already has an open follow-up round: close it first."))
    _check_round_dates(values)
    measures = {m.pk: m for m in Measure.objects.filter(plan=plan, pk__in=list(asked))}
    if len(measures) != len(asked):
        raise ValidationError(gettext("A measure chosen is not one of the plan's."))
    round_ = save_values(FollowUpRound(plan=plan, opened_by=user), values)
    for measure_id in sorted(asked, key=lambda pk: measures[pk].number):
        request = RoundRequest.objects.create(round=round_, measure=measures[measure_id])
        request.addressees.set(asked[measure_id])
    enqueue("actions.send_round_notices", round_.pk)
    return round_


def _check_round_dates(values: dict) -> None:
    errors = round_date_errors(values.get("period_start"), values.get("period_end"), values.get("deadline"))
    if errors:
        raise ValidationError(errors)


def _locked_round(round_: FollowUpRound) -> FollowUpRound:
    return FollowUpRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def extend_deadline(round_: FollowUpRound, deadline: datetime.date, *, seen_version: int | None) -> FollowUpRound:
    """Move the deadline later; the reminders follow the new date (each stage once per date)."""
    current = _locked_round(round_)
    if not current.is_open:
        raise ValidationError(gettext("The round is closed: reopen it to change its deadline."))
    if deadline <= current.deadline:
        raise ValidationError({"deadline": gettext("The new deadline must be later than the current one.")})
    return save_versioned(round_, {"deadline": deadline}, seen_version=seen_version)


@transaction.atomic
def close_round(round_: FollowUpRound) -> FollowUpRound:
    """Close the round: its updates can no longer be changed (reopening is an explicit act)."""
    round_ = _locked_round(round_)
    if not round_.is_open:
        raise ValidationError(gettext("The round is closed already."))
    round_.status, round_.closed_at = RoundStatus.CLOSED, timezone.now()
    round_.save()
    return round_


@transaction.atomic
def reopen_round(round_: FollowUpRound) -> FollowUpRound:
    round_ = _locked_round(round_)
    if round_.is_open:
        raise ValidationError(gettext("The round is open already."))
    if FollowUpRound.objects.filter(plan_id=round_.plan_id, status=RoundStatus.OPEN).exists():
        raise ValidationError(gettext("The plan has another open follow-up round: close it first."))
    round_.status, round_.closed_at = RoundStatus.OPEN, None
    round_.save()
    return round_


@transaction.atomic
def remind_outstanding(round_: FollowUpRound, today: datetime.date | None = None) -> FollowUpRound:
    """One more reminder to everyone whose request is outstanding: at most once a day."""
    today = today or timezone.localdate()
    round_ = _locked_round(round_)
    if not round_.is_open:
        raise ValidationError(gettext("The round is closed: it sends no reminders."))
    if round_.last_nudged_on == today:
        raise ValidationError(gettext("An extra reminder was sent today already; the next one can be sent tomorrow."))
    if not round_.requests.outstanding().exists():
        raise ValidationError(gettext("Nobody is outstanding: every request has been answered."))
    FollowUpRound.objects.filter(pk=round_.pk).update(last_nudged_on=today)
    round_.last_nudged_on = today
    enqueue("actions.send_round_notices", round_.pk, today.isoformat())
    return round_


def _locked_request(request: RoundRequest) -> RoundRequest:
    return RoundRequest.objects.select_for_update(of=("self",)).select_related("round", "update").get(pk=request.pk)


def _check_open(request: RoundRequest) -> None:
    if not request.round.is_open:
        raise ValidationError(gettext("The round is closed: its updates can no longer be changed."))


@transaction.atomic
def hand_over(request: RoundRequest, colleague, *, user) -> RoundRequest:
    """Give the request to a colleague of the same organisation or municipality; the colleague is told."""
    request = _locked_request(request)
    _check_open(request)
    if colleague.pk not in {person.pk for person in colleagues_for(request, user)}:
        raise ValidationError({"colleague": gettext("Choose a colleague of your own organisation or municipality.")})
    request.addressees.remove(user)
    request.addressees.add(colleague)
    enqueue("actions.send_handover_notice", request.pk, colleague.pk, user.pk)
    return request


def mark_opened(request: RoundRequest, user) -> None:
    """Record the first time one of the people asked opens the form."""
    if request.opened_at is None and request.addressees.filter(pk=user.pk).exists():
        RoundRequest.objects.filter(pk=request.pk, opened_at__isnull=True).update(opened_at=timezone.now())


ANSWERABLE_STATES = (RequestState.ASKED, RequestState.OPENED, RequestState.DRAFT, RequestState.RETURNED)


@transaction.atomic
def save_round_update(
    request: RoundRequest,
    values: dict,
    *,
    user,
    submit: bool,
    attachments: list | None = None,
    indicator_values: dict[int, Decimal] | None = None,
) -> ProgressUpdate:
    """Save the request's update as a draft, or submit it for review; attachments and indicator values with it.

    All or nothing: an attachment that cannot be stored undoes the whole save.
    """
    request = _locked_request(request)
    _check_open(request)
    if request.state not in ANSWERABLE_STATES:
        if request.state == RequestState.APPROVED:
            raise ValidationError(gettext("The update has been approved and can no longer be changed."))
        raise ValidationError(gettext("The update has been submitted and is waiting for review."))
    measure = request.measure
    if measure.is_cancelled:
        raise ValidationError(gettext("The measure is cancelled: it takes no more progress updates."))
    update = request.update or ProgressUpdate(
        measure=measure, author=user, author_name=user.get_full_name() or user.get_username()
    )
    extra = {
        "state": UpdateState.SUBMITTED if submit else UpdateState.DRAFT,
        "date": timezone.localdate(),
        "indicator_values": {str(pk): str(value) for pk, value in (indicator_values or {}).items()},
    }
    if submit:
        extra["submitted_at"] = timezone.now()
    update = save_values(update, values, **extra)
    for uploaded in attachments or []:
        fill_document(UpdateAttachment(update=update), uploaded, user, kinds=ATTACHMENT_KINDS).save()
    if request.update_id is None:
        RoundRequest.objects.filter(pk=request.pk).update(update=update)
    return update


class Decision:
    APPROVE = "approve"
    RETURN = "return"


@transaction.atomic
def review_update(update: ProgressUpdate, decision: str, *, comment: str, user) -> ProgressUpdate:
    """Approve a submitted update, or return it to its authors with a comment.

    The row is locked, so of two reviewers deciding at once the second finds it decided and is told so.
    An approved update sets the measure's state and writes its indicator values.
    """
    # The reviewer is read after the lock: a second reviewer who waited for it is told who decided.
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    request = RoundRequest.objects.select_related("round").filter(update=update).first()
    if request is not None:
        _check_open(request)
    if update.state != UpdateState.SUBMITTED:
        who = str(update.reviewed_by) if update.reviewed_by else gettext("someone else")
        if update.state == UpdateState.APPROVED:
            raise ValidationError(gettext("The update was approved already, by %(who)s.") % {"who": who})
        if update.state == UpdateState.RETURNED:
            raise ValidationError(gettext("The update was returned already, by %(who)s.") % {"who": who})
        raise ValidationError(gettext("The update has not been submitted for review."))
    if decision == Decision.RETURN and not comment.strip():
        raise ValidationError({"comment": gettext("Say what should be revised: the comment goes to the authors.")})
    if decision not in (Decision.APPROVE, Decision.RETURN):
        raise ValidationError(gettext("Choose to approve or to return the update."))
    update.state = UpdateState.APPROVED if decision == Decision.APPROVE else UpdateState.RETURNED
    update.review_comment = comment.strip()
    update.reviewed_by, update.reviewed_at = user, timezone.now()
    update._history_user = user
    update.save()
    if decision == Decision.APPROVE:
        _record_indicator_values(update, request)
        refresh_latest_update(update.measure)
    enqueue("actions.send_review_notice", update.pk, update.history.latest().history_id)
    return update


def _record_indicator_values(update: ProgressUpdate, request: RoundRequest | None) -> None:
    """Write the approved update's indicator values into the indicators' series, dated by the round's
    period end (``request`` the update's request, None outside rounds: dated by the update)."""
    if not update.indicator_values:
        return
    day = request.round.period_end if request is not None else update.date
    indicators = Indicator.objects.filter(
        measure_id=update.measure_id, pk__in=[int(k) for k in update.indicator_values]
    )
    for indicator in indicators:
        IndicatorValue.objects.update_or_create(
            indicator=indicator, date=day, defaults={"value": Decimal(update.indicator_values[str(indicator.pk)])}
        )


# --- Talking about a measure --------------------------------------------------------------------


@transaction.atomic
def post_comment(measure: Measure, body: str, *, user, update: ProgressUpdate | None = None, mentions=()) -> Comment:
    """Add a comment to the measure's thread, or to one of its updates' (``update``); the people who
    follow the measure and the people mentioned are told once it is committed.

    An update of a closed round is locked, its thread too: the comment is refused, nothing saved.
    """
    body = body.strip()
    if not body:
        raise ValidationError({"body": gettext("Write a comment.")})
    if update is not None:
        request = RoundRequest.objects.select_related("round").filter(update=update).first()
        if request is not None and not request.round.is_open:
            raise ValidationError(gettext("The round is closed: its updates can no longer be commented on."))
    comment = Comment.objects.create(
        measure=measure,
        update=update,
        author=user,
        author_name=user.get_full_name() or user.get_username(),
        body=body,
    )
    comment.mentions.set([person for person in mentions if person.pk != user.pk])
    enqueue("actions.send_comment_notices", comment.pk)
    return comment


def set_following(measure: Measure, user, following: bool) -> MeasureFollow:
    """Record the person's choice to follow the measure, or to stop following it."""
    follow, _created = MeasureFollow.objects.update_or_create(
        measure=measure, user=user, defaults={"following": following}
    )
    return follow
