"""Deadlines of agreements and pledges, and the reminders to municipal officers: each e-mail sent once.

The direct tests call the service with a fixed ``today``; the worker tests run the Celery task
in real worker processes, whose clock is today's date, so their due dates are relative to it.
"""

import datetime
import email
import email.policy
import threading
import time
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from agreements import reminders
from agreements.models import CitizenPledge, CooperationAgreement, Deliverable, FollowUp, ReminderKind
from agreements.tasks import send_deadline_reminders
from core.models import Reminder
from core.roles import Role
from portal.celery import app as celery_app
from tests.factories import GrantFactory, UserFactory
from tests.worker import WORKER_LOGS, delete_queue, start_worker, stop_worker, task_results, wait_for

TODAY = datetime.date(2026, 3, 2)
DAYS_BEFORE = 14


def days(n: int, today: datetime.date = TODAY) -> datetime.date:
    return today + datetime.timedelta(days=n)


@pytest.fixture
def world(world):
    """The directory's world without its agreements and pledges, whose deadlines depend on the date."""
    CitizenPledge.objects.all().delete()
    CooperationAgreement.objects.all().delete()
    return world


@pytest.fixture
def officers(world):
    """Municipal officers: in Lund "kommun" (the world's) and "kommun2", plus one without e-mail and one
    inactive (neither gets mail); in Hässleholm "hassleholm"."""
    lund, hassleholm = world.own_municipality, world.neighbour_municipality
    for username, municipality, fields in [
        ("kommun2", lund, {}),
        ("utan-epost", lund, {"email": ""}),
        ("slutat", lund, {"is_active": False}),
        ("hassleholm", hassleholm, {}),
    ]:
        GrantFactory(
            user=UserFactory(username=username, **fields), role=Role.MUNICIPAL_OFFICER, municipality=municipality
        )
    return world


@pytest.fixture
def _days_before(settings):
    settings.REMINDER_DAYS_BEFORE = DAYS_BEFORE


def agreement(municipality, status: str = "active") -> CooperationAgreement:
    return CooperationAgreement.objects.create(
        municipality=municipality,
        title=f"Samverkansöverenskommelse {municipality.name} {status}",
        police_area=f"LPO {municipality.name}",
        start_year=2025,
        end_year=2027,
        status=status,
    )


def deliverable(of: CooperationAgreement, due: datetime.date, title: str, done_on=None) -> Deliverable:
    return Deliverable.objects.create(agreement=of, title=title, due_date=due, done_on=done_on)


def pledge(municipality, end: datetime.date, title: str, status: str = "published") -> CitizenPledge:
    return CitizenPledge.objects.create(
        municipality=municipality,
        title=title,
        period_start=end - datetime.timedelta(days=364),
        period_end=end,
        background="Lägesbilden visade otrygghet i centrum på kvällstid.",
        status=status,
    )


def follow_up(of: CitizenPledge, date: datetime.date) -> FollowUp:
    return FollowUp.objects.create(
        municipality=of.municipality, pledge=of, date=date, assessment="good", summary="Allt enligt plan."
    )


def recipients(mailbox) -> list[str]:
    return sorted(address for message in mailbox for address in message.to)


# --- deadlines() -------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("_days_before")
def test_open_deliverables_due_soon_or_overdue_are_deadlines(world):
    lund = world.own_municipality
    active = agreement(lund)
    overdue = deliverable(active, days(-3), "Lägesbild")
    soon = deliverable(active, days(5), "Åtgärdsprogram")
    deliverable(active, days(DAYS_BEFORE), "Trygghetsvandring")
    deliverable(active, days(DAYS_BEFORE + 1), "Långt fram")
    deliverable(active, days(2), "Redan klar", done_on=days(-1))
    deliverable(active, days(-10), "Klar sent", done_on=days(-2))
    deliverable(agreement(lund, "ended"), days(1), "Avslutad överenskommelse")
    deliverable(agreement(lund, "draft"), days(3), "Utkastets leverans")

    found = reminders.deadlines(today=TODAY)

    assert [(d.title, d.due_date) for d in found] == [
        ("Lägesbild", days(-3)),
        ("Utkastets leverans", days(3)),
        ("Åtgärdsprogram", days(5)),
        ("Trygghetsvandring", days(DAYS_BEFORE)),
    ]
    assert found[0] == reminders.Deadline(
        kind=ReminderKind.DELIVERABLE,
        object_id=overdue.pk,
        municipality_id=lund.pk,
        title="Lägesbild",
        due_date=days(-3),
        url=active.get_absolute_url(),
    )
    assert found[0].is_overdue(TODAY)
    assert found[2].object_id == soon.pk
    assert found[2].days_left(TODAY) == 5


@pytest.mark.usefixtures("_days_before")
def test_a_published_pledge_without_follow_up_is_due_for_one_at_its_period_end(world):
    lund = world.own_municipality
    forgotten = pledge(lund, days(-30), "Tryggare centrum")
    followed = pledge(lund, days(7), "Belysning i parken")
    follow_up(followed, days(-20))
    pledge(lund, days(3), "Utkast", status="draft")
    later = pledge(lund, days(60), "Nästa år")

    found = reminders.deadlines(today=TODAY)

    assert found == [
        reminders.Deadline(
            kind=ReminderKind.PLEDGE_FOLLOW_UP,
            object_id=forgotten.pk,
            municipality_id=lund.pk,
            title="Tryggare centrum",
            due_date=days(-30),
            url=forgotten.get_absolute_url(),
        )
    ]
    assert [d.title for d in reminders.deadlines(today=TODAY, horizon_days=90)] == ["Tryggare centrum", "Nästa år"]
    assert reminders.deadlines(today=TODAY, horizon_days=90)[1].object_id == later.pk


@pytest.mark.usefixtures("_days_before")
def test_deadlines_of_chosen_municipalities(world):
    lund, hassleholm = world.own_municipality, world.neighbour_municipality
    deliverable(agreement(lund), days(2), "Lunds leverans")
    deliverable(agreement(hassleholm), days(4), "Hässleholms leverans")
    pledge(hassleholm, days(-1), "Hässleholms löfte")

    mine = reminders.deadlines(municipality_ids=[hassleholm.pk], today=TODAY)

    assert [d.title for d in mine] == ["Hässleholms löfte", "Hässleholms leverans"]
    assert {d.municipality_id for d in mine} == {hassleholm.pk}
    assert reminders.deadlines(municipality_ids=[], today=TODAY) == []


@pytest.mark.usefixtures("_days_before")
def test_deadlines_take_two_queries_however_many_there_are(world, django_assert_num_queries):
    municipalities = [world.own_municipality, world.neighbour_municipality]

    def add(count: int) -> None:
        for n in range(count):
            municipality = municipalities[n % 2]
            deliverable(agreement(municipality), days(n - 3), f"Leverans {n}")
            pledge(municipality, days(-n), f"Löfte {n}")

    add(1)
    with django_assert_num_queries(2):
        assert len(reminders.deadlines(today=TODAY)) == 2
    add(10)
    with django_assert_num_queries(2):
        assert len(reminders.deadlines(today=TODAY)) == 22
    with django_assert_num_queries(2):
        reminders.deadlines(municipality_ids=[world.own_municipality.pk], today=TODAY)


# --- send_due_reminders(), called directly -------------------------------------------------------------------


@pytest.mark.usefixtures("_days_before")
def test_the_reminder_before_the_due_date_is_sent_once(officers, mailoutbox, django_assert_num_queries):
    deliverable(agreement(officers.own_municipality), days(5), "Lägesbild")

    assert reminders.send_due_reminders(TODAY) == 2
    assert recipients(mailoutbox) == ["kommun2@example.se", "kommun@example.se"]
    # The job running again the same day, or on the next days before the due date, sends nothing,
    # and costs a fixed number of queries: deadlines (2), officers, municipality names, reminders sent.
    with django_assert_num_queries(5):
        assert reminders.send_due_reminders(TODAY) == 0
    assert reminders.send_due_reminders(days(1)) == 0
    assert reminders.send_due_reminders(days(4)) == 0
    assert len(mailoutbox) == 2
    assert Reminder.objects.filter(stage=Reminder.Stage.BEFORE, sent_at__isnull=False).count() == 2


@pytest.mark.usefixtures("_days_before")
def test_the_overdue_reminder_is_sent_once_after_the_due_date(officers, mailoutbox):
    deliverable(agreement(officers.own_municipality), days(5), "Lägesbild")

    assert reminders.send_due_reminders(TODAY) == 2
    assert reminders.send_due_reminders(days(5)) == 0  # due today: neither before nor overdue
    assert reminders.send_due_reminders(days(6)) == 2
    for later in (6, 7, 30, 400):
        assert reminders.send_due_reminders(days(later)) == 0
    assert len(mailoutbox) == 4
    assert sorted(Reminder.objects.values_list("stage", flat=True)) == ["before"] * 2 + ["overdue"] * 2
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.usefixtures("_days_before")
def test_a_deadline_first_seen_after_its_due_date_gets_only_the_overdue_reminder(officers, mailoutbox):
    pledge(officers.own_municipality, days(-100), "Tryggare centrum")

    assert reminders.send_due_reminders(TODAY) == 2
    assert reminders.send_due_reminders(days(1)) == 0
    assert set(Reminder.objects.values_list("kind", "stage")) == {("pledge_follow_up", "overdue")}
    assert all("Tryggare centrum" in message.subject for message in mailoutbox)


@pytest.mark.usefixtures("_days_before")
def test_a_deliverable_done_before_its_due_date_gets_no_overdue_reminder(officers, mailoutbox):
    item = deliverable(agreement(officers.own_municipality), days(5), "Lägesbild")
    assert reminders.send_due_reminders(TODAY) == 2

    item.done_on = days(2)
    item.save()

    assert reminders.send_due_reminders(days(6)) == 0
    assert len(mailoutbox) == 2


@pytest.mark.usefixtures("_days_before")
def test_a_pledge_followed_up_in_time_gets_no_overdue_reminder(officers, mailoutbox):
    promised = pledge(officers.own_municipality, days(3), "Tryggare centrum")
    assert reminders.send_due_reminders(TODAY) == 2

    follow_up(promised, days(2))

    assert reminders.send_due_reminders(days(4)) == 0
    assert len(mailoutbox) == 2


@pytest.mark.usefixtures("_days_before")
def test_a_moved_due_date_is_a_new_deadline(officers, mailoutbox):
    item = deliverable(agreement(officers.own_municipality), days(5), "Lägesbild")
    assert reminders.send_due_reminders(TODAY) == 2

    item.due_date = days(10)
    item.save()

    assert reminders.send_due_reminders(days(1)) == 2
    assert reminders.send_due_reminders(days(2)) == 0


@pytest.mark.usefixtures("_days_before")
def test_only_the_active_officers_of_the_municipality_with_an_address_are_reminded(officers, mailoutbox):
    deliverable(agreement(officers.own_municipality), days(5), "Lunds lägesbild")
    deliverable(agreement(officers.neighbour_municipality), days(-1), "Hässleholms lägesbild")

    assert reminders.send_due_reminders(TODAY) == 3

    by_recipient = {message.to[0]: message.subject for message in mailoutbox}
    assert set(by_recipient) == {"kommun@example.se", "kommun2@example.se", "hassleholm@example.se"}
    assert "Lunds lägesbild" in by_recipient["kommun@example.se"]
    assert "Lunds lägesbild" in by_recipient["kommun2@example.se"]
    assert "Hässleholms lägesbild" in by_recipient["hassleholm@example.se"]
    # No reminder is recorded for those who get none: a new officer gets the next one.
    assert not Reminder.objects.filter(recipient__username__in=["utan-epost", "slutat", "samordnare"]).exists()


@pytest.mark.usefixtures("_days_before")
def test_the_reminder_is_in_swedish_with_what_where_when_and_a_link(officers, mailoutbox):
    lund = officers.own_municipality
    soon_agreement = agreement(lund)
    deliverable(soon_agreement, days(5), "Lägesbild & orsaksanalys")
    forgotten = pledge(lund, days(-1), "Tryggare centrum")

    # Whatever language the job runs in, officers read Swedish.
    with translation.override("en"):
        assert reminders.send_due_reminders(TODAY) == 4

    mine = [message for message in mailoutbox if message.to == ["kommun@example.se"]]
    before = next(message for message in mine if "Lägesbild" in message.subject)
    overdue = next(message for message in mine if "Tryggare centrum" in message.subject)
    assert before.from_email == settings.DEFAULT_FROM_EMAIL
    assert "\n" not in before.subject
    assert days(5).isoformat() in before.subject
    assert "Lägesbild & orsaksanalys" in before.subject  # plain text: nothing escaped
    assert "Lägesbild & orsaksanalys" in before.body
    assert "Kommun: Lund" in before.body
    assert f"Förfaller: {days(5).isoformat()}" in before.body
    assert "Förfallen" not in before.body
    assert settings.SITE_URL + soon_agreement.get_absolute_url() in before.body
    assert "Annica" in before.body

    assert days(-1).isoformat() in overdue.subject
    assert f"Förfaller: {days(-1).isoformat()}" in overdue.body
    assert "Status: Förfallen" in overdue.body
    assert settings.SITE_URL + forgotten.get_absolute_url() in overdue.body


@pytest.mark.usefixtures("_days_before")
def test_the_task_calls_the_service(officers, mailoutbox):
    deliverable(agreement(officers.own_municipality), days(-1, timezone.localdate()), "Lägesbild")

    assert send_deadline_reminders.apply().get() == 2
    assert send_deadline_reminders.apply().get() == 0


# --- two runs at once, within one database ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_days_before")
def test_a_reminder_another_run_is_sending_is_skipped_and_sent_later_if_that_run_dies(officers, mailoutbox):
    item = deliverable(agreement(officers.own_municipality), days(5), "Lägesbild")
    kommun = officers.user(Role.MUNICIPAL_OFFICER)
    claimed = Reminder.objects.create(
        kind=ReminderKind.DELIVERABLE, object_id=item.pk, due_date=item.due_date, stage="before", recipient=kommun
    )
    locked, release = threading.Event(), threading.Event()

    def other_run() -> None:
        """Holds the reminder's row lock, as a run does while its mail server answers, then dies."""
        try:
            with transaction.atomic():
                Reminder.objects.select_for_update().get(pk=claimed.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert locked.wait(10)
        assert reminders.send_due_reminders(TODAY) == 1
    finally:
        release.set()
        thread.join()
    assert recipients(mailoutbox) == ["kommun2@example.se"]

    # That run never recorded sending it: the next run does.
    assert reminders.send_due_reminders(TODAY) == 1
    assert recipients(mailoutbox) == ["kommun2@example.se", "kommun@example.se"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_days_before")
def test_two_runs_inserting_the_same_reminder_send_it_once(officers, mailoutbox):
    item = deliverable(agreement(officers.own_municipality), days(5), "Lägesbild")
    kommun = officers.user(Role.MUNICIPAL_OFFICER)
    inserted = threading.Event()

    def other_run() -> None:
        """Inserts and sends the reminder, committing a moment later: the service's insert waits for it."""
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    kind=ReminderKind.DELIVERABLE,
                    object_id=item.pk,
                    due_date=item.due_date,
                    stage="before",
                    recipient=kommun,
                    sent_at=timezone.now(),
                )
                inserted.set()
                time.sleep(0.5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert inserted.wait(10)
        assert reminders.send_due_reminders(TODAY) == 1
    finally:
        thread.join()
    assert recipients(mailoutbox) == ["kommun2@example.se"]
    assert Reminder.objects.count() == 2


# --- with the real worker ----------------------------------------------------------------------------------------


def worker_deadlines(world) -> list[tuple[str, str]]:
    """Deadlines relative to the worker's clock; the (recipient, title) pairs that are reminded today."""
    today = timezone.localdate()
    lund, hassleholm = world.own_municipality, world.neighbour_municipality
    lund_agreement = agreement(lund)
    deliverable(lund_agreement, days(3, today), "Lägesbild")
    deliverable(lund_agreement, days(-2, today), "Åtgärdsprogram")
    deliverable(lund_agreement, days(-5, today), "Redan klar", done_on=days(-6, today))
    pledge(lund, days(-1, today), "Tryggare centrum")
    deliverable(agreement(hassleholm), days(1, today), "Trygghetsvandring")
    lund_titles = ["Lägesbild", "Åtgärdsprogram", "Tryggare centrum"]
    return [
        *((address, title) for address in ("kommun@example.se", "kommun2@example.se") for title in lund_titles),
        ("hassleholm@example.se", "Trygghetsvandring"),
    ]


# The file-based backend ends each message with this line, and appends to a file named by the second and by
# the id() of the backend object: two messages sent in the same second can share a file, so count messages.
MESSAGE_END = b"\n" + b"-" * 79 + b"\n"


def mail_snapshot(*folders: Path) -> dict[Path, dict[Path, int]]:
    """The size of each mail file in ``folders``, to read only what is written after."""
    return {folder: {path: path.stat().st_size for path in folder.iterdir()} for folder in folders}


def new_mail(snapshot: dict[Path, dict[Path, int]]) -> list[email.message.EmailMessage]:
    """The messages written into the folders of ``snapshot`` since it was taken."""
    raw = b"".join(
        path.read_bytes()[sizes.get(path, 0) :] for folder, sizes in snapshot.items() for path in folder.iterdir()
    )
    return [
        email.message_from_bytes(message, policy=email.policy.default)
        for message in raw.split(MESSAGE_END)
        if message.strip()
    ]


def assert_each_reminded_once(mails, expected: list[tuple[str, str]]) -> None:
    """One e-mail per (recipient, deadline title) in ``expected``, no other, and every reminder recorded as sent."""
    sent = sorted((str(message["To"]), str(message["Subject"]).strip()) for message in mails)
    assert len(sent) == len(expected), sent
    for address, title in expected:
        assert sum(to == address and title in subject for to, subject in sent) == 1, (address, title, sent)
    assert Reminder.objects.count() == len(expected)
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


def finished(logs: list[Path], task_ids: list[str]) -> dict[str, str] | None:
    results = task_results(*logs)
    return results if set(task_ids) <= results.keys() else None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_task_sent_twice_at_once_reminds_each_officer_once(celery_worker, officers):
    expected = worker_deadlines(officers)
    before = mail_snapshot(celery_worker)

    runs = [send_deadline_reminders.delay(), send_deadline_reminders.delay()]

    ids = [run.id for run in runs]
    results = wait_for(lambda: finished([WORKER_LOGS[celery_worker]], ids))
    assert sorted(int(results[task_id]) for task_id in ids) == [0, len(expected)]
    assert_each_reminded_once(new_mail(before), expected)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_and_a_restarted_worker_remind_each_officer_once(celery_worker, officers, tmp_path):
    expected = worker_deadlines(officers)
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-second"
    second_mail = tmp_path / "second-worker-mail"
    second_mail.mkdir()
    env = {"CELERY_TASK_DEFAULT_QUEUE": queue, "MEDIA_ROOT": str(tmp_path / "worker-media")}
    before = mail_snapshot(celery_worker, second_mail)
    first_log, restarted_log = tmp_path / "second-worker.log", tmp_path / "second-worker-restarted.log"
    logs = [WORKER_LOGS[celery_worker], first_log, restarted_log]

    second = start_worker(env, second_mail, first_log, name="-second")
    try:
        # Two processes run the job at the same moment, each twice.
        runs = [
            send_deadline_reminders.delay(),
            send_deadline_reminders.apply_async(queue=queue),
            send_deadline_reminders.delay(),
            send_deadline_reminders.apply_async(queue=queue),
        ]
        ids = [run.id for run in runs]
        results = wait_for(lambda: finished(logs[:2], ids))
        assert sum(int(results[task_id]) for task_id in ids) == len(expected)

        # The second worker stops and starts anew (nothing of the first runs kept in memory) and runs the job again.
        stop_worker(second)
        second = start_worker(env, second_mail, restarted_log, name="-second")
        again = send_deadline_reminders.apply_async(queue=queue)
        assert wait_for(lambda: finished(logs[2:], [again.id]))[again.id] == "0"
    finally:
        stop_worker(second)
        delete_queue(queue)

    assert_each_reminded_once(new_mail(before), expected)


# --- the schedule -----------------------------------------------------------------------------------------------


def test_beat_runs_the_reminders_every_morning():
    entry = celery_app.conf.beat_schedule["deadline-reminders"]

    assert entry["task"] == send_deadline_reminders.name == "agreements.tasks.send_deadline_reminders"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == crontab(hour=6, minute=30)
    assert celery_app.conf.timezone == "Europe/Stockholm"
