"""The e-mails of municipal follow-up rounds, each sent once through ``core.notices.send_once``.

About a request (kind ``municipal_request``, object: the request), to each officer asked:

* ``asked``: the invitation, keyed by the day the round opened, so that a later run (the daily
  sweep, after a mail server failure) sends only what is missing and never twice;
* ``before``: a reminder ``remind_days_before`` days or fewer before the deadline, and
  ``overdue``: one after it, while the request is outstanding; both keyed by the deadline, so an
  extended deadline gets its own reminders and none is sent twice for one date;
* ``extra``: the coordinator's extra reminder, keyed by its day (at most one a day);
* ``handover``: to a colleague the request was handed to, keyed by the day.

About a review (kind ``follow_up_review``, object: the history row of the decision), to the
follow-up's authors: returned for revision, or approved.

Which reminders are due on a day is the rule every round shares (``core.rounds.due_occasions``);
two workers or two beat processes running the same job at once send each e-mail once: the
``core.Reminder`` row of the occasion decides (see ``core.notices``).
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import RoundStatus
from agreements.models import FollowUp, MunicipalRequest, MunicipalRound, ReminderKind
from core.models import Reminder
from core.notices import Delivery, NoticeKind, notify, sent_occasions
from core.rounds import absolute_link, due_occasions, reachable

logger = logging.getLogger(__name__)

REQUEST = "municipal_request"
REVIEW = "follow_up_review"

# How each of these e-mails is chosen on the profile page (``core.notices``), with the deadline reminders'.
KINDS = (
    NoticeKind(
        REQUEST,
        _("Requests for follow-ups of pledges and agreements"),
        _("When the county asks your municipality to follow up a citizen pledge or an agreement, with the reminders."),
        choices=(Delivery.AT_ONCE, Delivery.DAILY),
        order=15,
    ),
    NoticeKind(
        REVIEW,
        _("Reviews of your follow-ups"),
        _("When a follow-up you wrote is approved or returned for revision."),
        order=25,
    ),
    NoticeKind(
        ReminderKind.DELIVERABLE.value,
        _("Deadlines of agreement deliverables"),
        _("Before a deliverable of your municipality's agreement is due, and when it has passed."),
        choices=(Delivery.AT_ONCE, Delivery.DAILY),
        order=60,
    ),
    NoticeKind(
        ReminderKind.PLEDGE_FOLLOW_UP.value,
        _("Follow-ups of citizen pledges due"),
        _("Before a citizen pledge of your municipality is due for its follow-up, and when it is late."),
        choices=(Delivery.AT_ONCE, Delivery.DAILY),
        order=65,
    ),
)


def send_round_notices(round_id: int, extra_on: datetime.date | None = None, today: datetime.date | None = None) -> int:
    """Send what the round calls for today: missing invitations, the reminder before and after the
    deadline, and (``extra_on``) the coordinator's extra reminder. Returns the number sent."""
    today = today or timezone.localdate()
    round_ = MunicipalRound.objects.select_related("county").filter(pk=round_id, status=RoundStatus.OPEN).first()
    if round_ is None:
        return 0
    requests = list(
        MunicipalRequest.objects.filter(round=round_)
        .with_state()
        .select_related("municipality", "pledge", "agreement")
        .prefetch_related("addressees")
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
        for person in reachable(request.addressees.all()):
            for stage, due_date in occasions:
                if (REQUEST, request.pk, due_date, stage, person.pk) in already:
                    continue
                sent += _notify_request(request, round_, person, stage, today, due_date=due_date)
    logger.info("Sent %s e-mails of municipal round %s.", sent, round_id)
    return sent


def send_open_rounds_notices(today: datetime.date | None = None) -> int:
    """The daily sweep over every open municipal round (Celery beat)."""
    ids = MunicipalRound.objects.filter(status=RoundStatus.OPEN).values_list("pk", flat=True)
    return sum(send_round_notices(pk, today=today) for pk in list(ids))


def _notify_request(
    request: MunicipalRequest, round_: MunicipalRound, person, stage: str, today, *, due_date, sender=None
) -> bool:
    context = {
        "round": round_,
        "county": round_.county,
        "request": request,
        "target": request.target,
        "municipality": request.municipality,
        "stage": stage,
        "deadline": round_.deadline.isoformat(),
        "days_left": round_.days_left(today),
        "overdue": round_.days_left(today) < 0,
        "sender": sender,
    }
    return notify(
        person,
        kind=REQUEST,
        template="agreements/email/round_request",
        context=context,
        link=absolute_link(request.get_absolute_url()),
        object_id=request.pk,
        due_date=due_date,
        stage=stage,
    )


def send_handover_notice(request_id: int, colleague_id: int, sender_id: int, today: datetime.date | None = None) -> int:
    """Tell the colleague that the request was handed to them (once a day at most per request)."""
    today = today or timezone.localdate()
    request = (
        MunicipalRequest.objects.select_related("round__county", "municipality", "pledge", "agreement")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return 0
    colleague = request.addressees.filter(pk=colleague_id).first()
    if colleague is None or not reachable([colleague]):
        return 0
    sender = type(colleague)._default_manager.filter(pk=sender_id).first()
    return int(
        _notify_request(
            request, request.round, colleague, Reminder.Stage.HANDED_OVER, today, due_date=today, sender=sender
        )
    )


def send_review_notice(follow_up_id: int, history_id: int) -> int:
    """Tell the follow-up's authors (its author and the officers asked) that it was returned or approved."""
    follow_up = (
        FollowUp.objects.select_related("pledge", "agreement", "reviewed_by", "author").filter(pk=follow_up_id).first()
    )
    if follow_up is None:
        return 0
    decision = follow_up.history.filter(history_id=history_id).first()
    if decision is None:
        return 0
    request = (
        MunicipalRequest.objects.filter(follow_up=follow_up)
        .select_related("round")
        .prefetch_related("addressees")
        .first()
    )
    people = list(request.addressees.all()) if request is not None else []
    if follow_up.author is not None:
        people.append(follow_up.author)
    unique = {person.pk: person for person in reachable(people) if person.pk != follow_up.reviewed_by_id}
    link = request.get_absolute_url() if request is not None else follow_up.target.get_absolute_url()
    sent = 0
    for person in unique.values():
        context = {
            "follow_up": follow_up,
            "target": follow_up.target,
            "round": request.round if request is not None else None,
            "returned": decision.state == "returned",
            "comment": decision.review_comment,
            "reviewer": follow_up.reviewed_by,
        }
        sent += notify(
            person,
            kind=REVIEW,
            template="agreements/email/follow_up_review",
            context=context,
            link=absolute_link(link),
            object_id=history_id,
            due_date=timezone.localdate(decision.history_date),
            stage=Reminder.Stage.DECIDED,
        )
    return sent
