"""The e-mails of follow-up rounds, each sent once through ``core.notices.notify`` (at once or in
the recipient's daily digest, as they chose).

About a request (kind ``round_request``, object: the request), to each person asked:

* ``asked``: the invitation, keyed by the day the round opened, so that a later run (the daily
  sweep, after a mail server failure) sends only what is missing and never twice;
* ``before``: a reminder ``remind_days_before`` days or fewer before the deadline, and
  ``overdue``: one after it, while the request is outstanding; both keyed by the deadline, so an
  extended deadline gets its own reminders and none is sent twice for one date;
* ``extra``: the coordinator's extra reminder, keyed by its day (at most one a day);
* ``handover``: to a colleague the request was handed to, keyed by the day.

About a review (kind ``update_review``, object: the history row of the decision), to the update's
authors: returned for revision, or approved; and to the measure's followers (``actions.notices``).

Two workers or two beat processes running the same job at once send each e-mail once: the
``core.Reminder`` row of the occasion decides (see ``core.notices``).
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from actions.models import FollowUpRound, ProgressUpdate, RoundRequest, RoundStatus
from actions.notices import REQUEST, REVIEW, send_follower_notices
from core.mail import site_url
from core.models import Reminder
from core.notices import notify, sent_occasions
from core.rounds import due_occasions

logger = logging.getLogger(__name__)


def _link(path: str) -> str:
    return site_url() + path


def _reachable(people):
    return [person for person in people if person.is_active and person.email]


def send_round_notices(round_id: int, extra_on: datetime.date | None = None, today: datetime.date | None = None) -> int:
    """Send what the round calls for today: missing invitations, the reminder before and after the
    deadline, and (``extra_on``) the coordinator's extra reminder. Returns the number sent."""
    today = today or timezone.localdate()
    round_ = FollowUpRound.objects.select_related("plan__county").filter(pk=round_id, status=RoundStatus.OPEN).first()
    if round_ is None:
        return 0
    requests = list(
        RoundRequest.objects.filter(round=round_).with_state().select_related("measure").prefetch_related("addressees")
    )
    already = sent_occasions(request.pk for request in requests)
    sent = 0
    for request in requests:
        occasions = due_occasions(
            opened_on=round_.opened_on,
            deadline=round_.deadline,
            remind_days_before=round_.remind_days_before,
            outstanding=request.is_outstanding,
            today=today,
            extra_on=extra_on,
        )
        for person in _reachable(request.addressees.all()):
            for stage, due_date in occasions:
                if (REQUEST, request.pk, due_date, stage, person.pk) in already:
                    continue
                sent += _notify_request(request, round_, person, stage, today, due_date=due_date)
    logger.info("Sent %s e-mails of round %s.", sent, round_id)
    return sent


def send_open_rounds_notices(today: datetime.date | None = None) -> int:
    """The daily sweep over every open round (Celery beat)."""
    ids = FollowUpRound.objects.filter(status=RoundStatus.OPEN).values_list("pk", flat=True)
    return sum(send_round_notices(pk, today=today) for pk in list(ids))


def _notify_request(
    request: RoundRequest,
    round_: FollowUpRound,
    person,
    stage: str,
    today: datetime.date,
    *,
    due_date: datetime.date,
    sender=None,
) -> bool:
    context = {
        "round": round_,
        "plan": round_.plan,
        "measure": request.measure,
        "stage": stage,
        "deadline": round_.deadline.isoformat(),
        "days_left": round_.days_left(today),
        "overdue": round_.days_left(today) < 0,
        "sender": sender,
    }
    return notify(
        person,
        kind=REQUEST,
        template="actions/email/round_request",
        context=context,
        link=_link(request.get_absolute_url()),
        object_id=request.pk,
        due_date=due_date,
        stage=stage,
    )


def send_handover_notice(request_id: int, colleague_id: int, sender_id: int, today: datetime.date | None = None) -> int:
    """Tell the colleague that the request was handed to them (once a day at most per request)."""
    today = today or timezone.localdate()
    request = RoundRequest.objects.select_related("round__plan", "measure").filter(pk=request_id).first()
    if request is None:
        return 0
    colleague = request.addressees.filter(pk=colleague_id).first()
    if colleague is None or not _reachable([colleague]):
        return 0
    sender = type(colleague)._default_manager.filter(pk=sender_id).first()
    return int(
        _notify_request(
            request, request.round, colleague, Reminder.Stage.HANDED_OVER, today, due_date=today, sender=sender
        )
    )


def send_review_notice(update_id: int, history_id: int) -> int:
    """Tell the update's authors that it was returned for revision or approved."""
    update = (
        ProgressUpdate.objects.select_related("measure__plan", "reviewed_by", "author").filter(pk=update_id).first()
    )
    if update is None:
        return 0
    decision = update.history.filter(history_id=history_id).first()
    if decision is None:
        return 0
    request = RoundRequest.objects.filter(update=update).select_related("round").prefetch_related("addressees").first()
    people = list(request.addressees.all()) if request is not None else []
    if update.author is not None:
        people.append(update.author)
    unique = {person.pk: person for person in _reachable(people) if person.pk != update.reviewed_by_id}
    link = request.get_absolute_url() if request is not None else update.measure.get_absolute_url()
    sent = 0
    for person in unique.values():
        context = {
            "update": update,
            "measure": update.measure,
            "round": request.round if request is not None else None,
            "returned": decision.state == "returned",
            "comment": decision.review_comment,
            "reviewer": update.reviewed_by,
        }
        sent += notify(
            person,
            kind=REVIEW,
            template="actions/email/update_review",
            context=context,
            link=_link(link),
            object_id=history_id,
            due_date=timezone.localdate(decision.history_date),
            stage=Reminder.Stage.DECIDED,
        )
    # The measure's followers hear of it too, unless they were told as authors just now.
    return sent + send_follower_notices(update.pk, history_id, skip={*unique, update.reviewed_by_id})
