"""Deadlines of cooperation agreements and citizen pledges, and the reminder e-mails about them.

Two kinds of deadline exist:

* a deliverable that is not done (``done_on`` empty) of an agreement that has not ended is due on
  its ``due_date``;
* a published citizen pledge with no follow-up at all is due for its follow-up at ``period_end``.

``deadlines()`` lists the open ones that are overdue or due within a horizon, for reminders
today and for dashboards and the county view later, in two queries whatever their number.

``send_due_reminders()`` is the daily job (``agreements.tasks.send_deadline_reminders``, on
Celery beat). It e-mails the municipality's officers twice per deadline at most: once in the
``REMINDER_DAYS_BEFORE`` days before the due date ("before") and once after it ("overdue").
A ``Reminder`` row per (kind, object, due date, stage, recipient), unique in the database,
makes each e-mail go out once even when two runs overlap, the job runs twice a day or a worker
is restarted. A new due date is a new deadline and gets its own reminders.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from agreements.models import AgreementStatus, CitizenPledge, Deliverable, FollowUp, PledgeStatus, ReminderKind
from core.mail import site_url
from core.models import Reminder
from core.notices import notify, sent_occasions
from core.people import reachable_grants
from core.roles import Role
from municipalities.models import Municipality

logger = logging.getLogger(__name__)

# Municipal officers read Swedish, whatever language the job runs in.


@dataclass(frozen=True)
class Deadline:
    """One open deadline: what is due, where, when, and the page to act on it."""

    kind: str  # a ReminderKind value
    object_id: int  # the deliverable's or the pledge's id
    municipality_id: int
    title: str  # the deliverable's or the pledge's title
    due_date: datetime.date
    url: str  # path of the page where it is done: the agreement, or the pledge

    def order(self) -> tuple:
        """The order deadlines are listed in: by due date, then kind, title and id."""
        return (self.due_date, self.kind, self.title, self.object_id)

    def days_left(self, today: datetime.date) -> int:
        """Days until the due date: negative once it has passed."""
        return (self.due_date - today).days

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_date < today


def deadlines(
    *,
    municipality_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
    horizon_days: int | None = None,
    pledges: Iterable[CitizenPledge] | None = None,
    agreements: QuerySet | None = None,
) -> list[Deadline]:
    """The open deadlines that are overdue or due within ``horizon_days`` (default ``REMINDER_DAYS_BEFORE``).

    Limited to ``municipality_ids`` when given. Sorted by due date. Two queries, however many
    deadlines there are: dashboards and the county view list them for many municipalities.
    ``pledges``: every published pledge of those municipalities, annotated with ``has_follow_up``,
    when the caller has read them already; then one query. ``agreements``: only the deliverables of
    these agreements (what the reader may see: a draft agreement's deliverables are its owners').
    """
    today = today or timezone.localdate()
    horizon = settings.REMINDER_DAYS_BEFORE if horizon_days is None else horizon_days
    until = today + datetime.timedelta(days=horizon)

    deliverables = (
        Deliverable.objects.filter(done_on__isnull=True, due_date__lte=until)
        .exclude(agreement__status=AgreementStatus.ENDED)
        .select_related("agreement__municipality")
        .order_by("due_date", "pk")
    )
    if pledges is None:
        pledges = (
            CitizenPledge.objects.filter(status=PledgeStatus.PUBLISHED, period_end__lte=until)
            .annotate(has_follow_up=Exists(FollowUp.objects.approved().filter(pledge=OuterRef("pk"))))
            .filter(has_follow_up=False)
        )
        if municipality_ids is not None:
            pledges = pledges.filter(municipality_id__in=list(municipality_ids))
    else:
        wanted = None if municipality_ids is None else set(municipality_ids)
        pledges = [
            pledge
            for pledge in pledges
            if pledge.status == PledgeStatus.PUBLISHED
            and pledge.period_end <= until
            and not pledge.has_follow_up
            and (wanted is None or pledge.municipality_id in wanted)
        ]
    if municipality_ids is not None:
        deliverables = deliverables.filter(agreement__municipality_id__in=list(municipality_ids))
    if agreements is not None:
        deliverables = deliverables.filter(agreement__in=agreements.values("pk"))

    found = [
        Deadline(
            kind=ReminderKind.DELIVERABLE.value,
            object_id=deliverable.pk,
            municipality_id=deliverable.agreement.municipality_id,
            title=deliverable.title,
            due_date=deliverable.due_date,
            url=deliverable.agreement.get_absolute_url(),
        )
        for deliverable in deliverables
    ]
    found += [
        Deadline(
            kind=ReminderKind.PLEDGE_FOLLOW_UP.value,
            object_id=pledge.pk,
            municipality_id=pledge.municipality_id,
            title=pledge.title,
            due_date=pledge.period_end,
            url=pledge.get_absolute_url(),
        )
        for pledge in pledges
    ]
    found.sort(key=Deadline.order)
    return found


def reminder_stage(deadline: Deadline, today: datetime.date) -> str | None:
    """The reminder a deadline calls for today: "before", "overdue", or None (too early, or due today)."""
    days = deadline.days_left(today)
    if days < 0:
        return Reminder.Stage.OVERDUE.value
    if 0 < days <= settings.REMINDER_DAYS_BEFORE:
        return Reminder.Stage.BEFORE.value
    return None


def send_due_reminders(today: datetime.date | None = None) -> int:
    """E-mail each municipal officer about each deadline that calls for a reminder today, once.

    Returns the number of e-mails sent. Each goes out exactly once through ``core.notices.send_once``
    (see there for how two overlapping runs and a killed worker are handled).

    A reminder whose sending fails (the mail server refuses it or cannot be reached) is logged
    and left unrecorded, so that the next run tries again; the other reminders still go out.
    """
    today = today or timezone.localdate()
    due = [(deadline, stage) for deadline in deadlines(today=today) if (stage := reminder_stage(deadline, today))]
    if not due:
        return 0
    municipality_ids = {deadline.municipality_id for deadline, _stage in due}
    officers = _officers_by_municipality(municipality_ids)
    names = dict(Municipality.objects.filter(pk__in=municipality_ids).values_list("pk", "name"))
    # Reminders sent by earlier runs are skipped here without a transaction each, so a daily run
    # costs five queries when there is nothing new; send_once is what guarantees once.
    already_sent = sent_occasions(deadline.object_id for deadline, _stage in due)

    sent = 0
    for deadline, stage in due:
        for officer in officers.get(deadline.municipality_id, []):
            if (deadline.kind, deadline.object_id, deadline.due_date, stage, officer.pk) in already_sent:
                continue
            sent += _notify(deadline, stage, officer, names[deadline.municipality_id], today)
    logger.info("Sent %s deadline reminders for %s.", sent, today)
    return sent


def _officers_by_municipality(municipality_ids: Iterable[int]) -> dict[int, list]:
    """The active municipal officers with an e-mail address, per municipality (one query)."""
    grants = reachable_grants(Role.MUNICIPAL_OFFICER, municipality_id__in=list(municipality_ids)).order_by(
        "municipality_id", "user_id"
    )
    officers: dict[int, list] = defaultdict(list)
    for grant in grants:
        if all(user.pk != grant.user_id for user in officers[grant.municipality_id]):
            officers[grant.municipality_id].append(grant.user)
    return officers


def _notify(deadline: Deadline, stage: str, recipient, municipality: str, today: datetime.date) -> bool:
    """The reminder, in the officer's language: what is due, where, when, and the link to the page to act on."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        if deadline.kind == ReminderKind.DELIVERABLE:
            what = gettext("the deliverable “%(title)s”") % {"title": deadline.title}
        else:
            what = gettext("the follow-up of the citizen pledge “%(title)s”") % {"title": deadline.title}
    context = {
        "municipality": municipality,
        "kind": deadline.kind,
        "title": deadline.title,
        "what": what,
        "due_date": deadline.due_date.isoformat(),
        "overdue": stage == Reminder.Stage.OVERDUE,
        "days_left": deadline.days_left(today),
    }
    return notify(
        recipient,
        kind=deadline.kind,
        template="agreements/email/reminder",
        context=context,
        link=site_url() + deadline.url,
        object_id=deadline.object_id,
        due_date=deadline.due_date,
        stage=stage,
    )
