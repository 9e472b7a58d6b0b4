"""Two real Celery worker processes send a round's invitations and reminders at the same time, against
the real Redis and one SMTP server: every e-mail arrives exactly once.

Both workers consume one private queue; each job is sent twice, so that the two workers run the same
job side by side (``actions.send_round_notices`` of each round, the daily sweep
``actions.send_open_rounds_notices``, the coordinator's extra reminder). The ``core.Reminder`` row of each
occasion decides which run sends it (``core.notices``); the test counts what the SMTP server received,
per recipient and subject.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from actions.models import FollowUpRound, ProgressUpdate, RoundRequest
from actions.tasks import send_open_rounds_notices, send_round_notices
from core.models import Reminder
from core.roles import Role
from tests.factories import (
    ActionPlanFactory,
    GrantFactory,
    MeasureActorFactory,
    MeasureFactory,
    UserFactory,
    national_statuses,
)
from tests.worker import delete_queue, start_worker, stop_worker, task_results, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MEASURES = 6  # per round
CONTACTS = 3  # reachable contacts of the lead actor, each asked about every measure of the round


def _contacts(world, actor, prefix: str) -> list:
    people = [
        GrantFactory(
            user=UserFactory(username=f"{prefix}{n}"), role=Role.ACTOR_CONTACT, actor=actor, county=world.own_county
        ).user
        for n in range(CONTACTS)
    ]
    # Asked too, but switched off: nothing goes to them.
    people.append(
        GrantFactory(
            user=UserFactory(username=f"{prefix}slutat", is_active=False),
            role=Role.ACTOR_CONTACT,
            actor=actor,
            county=world.own_county,
        ).user
    )
    return people


def _round(world, title: str, deadline: datetime.date, actor, people, *, answered: int) -> FollowUpRound:
    """An open round on a plan of its own: MEASURES requests to ``people``, the first ``answered`` approved."""
    plan = ActionPlanFactory(county=world.own_county, title=f"Plan för {title}")
    today = timezone.localdate()
    round_ = FollowUpRound.objects.create(
        plan=plan, title=title, period_start=today - datetime.timedelta(days=90), period_end=today, deadline=deadline
    )
    status = national_statuses()["on_track"]
    for number in range(1, MEASURES + 1):
        measure = MeasureFactory(plan=plan, number=number, title=f"{title}, insats {number}")
        MeasureActorFactory(measure=measure, actor=actor, role="lead")
        update = None
        if number <= answered:
            update = ProgressUpdate.objects.create(
                measure=measure, status=status, percent=50, done_text="Klart.", state="approved"
            )
        RoundRequest.objects.create(round=round_, measure=measure, update=update).addressees.set(people)
    return round_


def _expected(round_: FollowUpRound, people, *, reminders_per_outstanding: int) -> Counter:
    """(recipient, subject) → how many e-mails: the invitation for every request, and the reminders
    (which share one subject) for each outstanding one."""
    today = timezone.localdate()
    expected = Counter()
    with translation.override("sv"):
        for request in round_.requests.with_state().select_related("measure"):
            title = request.measure.title
            invitation = gettext("Progress update requested: %(title)s") % {"title": title}
            if round_.days_left(today) < 0:
                reminder = gettext("Overdue progress update: %(title)s") % {"title": title}
            else:
                reminder = gettext("Reminder, progress update due %(deadline)s: %(title)s") % {
                    "deadline": round_.deadline.isoformat(),
                    "title": title,
                }
            for person in people:
                if not person.is_active:
                    continue
                expected[(person.email, invitation)] += 1
                if request.is_outstanding:
                    expected[(person.email, reminder)] += reminders_per_outstanding
    return expected


@pytest.fixture
def queue():
    """A queue of this test's own on the test run's Redis, removed afterwards."""
    name = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-rounds-{uuid.uuid4().hex[:8]}"
    try:
        yield name
    finally:
        delete_queue(name)


def test_two_workers_send_every_invitation_and_reminder_exactly_once(world, smtp_server, queue, tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL: run them with `make test`.")
    today = timezone.localdate()  # the workers' clock
    police, region = world.police, world.own_actor
    police_people = _contacts(world, police, "polis-")
    region_people = _contacts(world, region, "region-")
    # Due in 3 days (within the 5 reminder days): the invitation and the reminder before the deadline,
    # and the coordinator's extra reminder of today.
    soon = _round(world, "Omgång A", today + datetime.timedelta(days=3), police, police_people, answered=2)
    # Two days past its deadline: the invitation and the reminder after it.
    late = _round(world, "Omgång B", today - datetime.timedelta(days=2), region, region_people, answered=1)
    expected = _expected(soon, police_people, reminders_per_outstanding=2) + _expected(
        late, region_people, reminders_per_outstanding=1
    )

    env = {"CELERY_TASK_DEFAULT_QUEUE": queue, "MEDIA_ROOT": str(tmp_path / "worker-media")}
    logs = [tmp_path / "first-worker.log", tmp_path / "second-worker.log"]
    workers = []
    try:
        for n, log in enumerate(logs):
            workers.append(
                start_worker(env, tmp_path / "unused-mail", log, name=f"-rounds-{n}", smtp=smtp_server.address)
            )
        # Each job twice in a row, so that the two workers (one message each at a time) run it side by side.
        jobs = [
            (send_round_notices, (soon.pk,)),
            (send_round_notices, (late.pk,)),
            (send_round_notices, (soon.pk, today.isoformat())),
            (send_open_rounds_notices, ()),
        ]
        ids = [task.apply_async(args=args, queue=queue).id for task, args in jobs for _twice in range(2)]
        results = wait_for(lambda: (found := task_results(*logs)) and set(ids) <= found.keys() and found, seconds=90)
    finally:
        for worker in workers:
            stop_worker(worker)

    # Every job has finished, so everything sent has arrived.
    received = Counter()
    for mail in smtp_server.messages:
        (address,) = mail.rcpt_tos
        received[(address, mail.subject)] += 1
    assert received == expected
    assert sum(int(results[task_id]) for task_id in ids) == sum(expected.values())
    assert Reminder.objects.filter(sent_at__isnull=False).count() == sum(expected.values())
    assert not any(address.startswith(("polis-slutat", "region-slutat")) for address, _subject in received)
    # Both workers took part.
    assert all(task_results(log) for log in logs)
