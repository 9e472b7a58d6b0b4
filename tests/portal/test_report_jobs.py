"""The report job: built by a real worker through Redis, surviving a killed worker, idempotent, failing with a reason.

The worker tests run ``celery worker`` processes against the test database (committed data,
``transaction=True``). The other tests call the services in the test process, with the jobs
the services start (``core.jobs.enqueue``) recorded or run in-process instead of sent to Redis.
"""

import datetime
import errno
import os
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from celery.schedules import crontab
from django.conf import settings
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from actions.models import ActionPlan, Indicator, IndicatorValue
from core import jobs as jobs_module
from core.roles import Role
from portal.celery import app as celery_app
from portal.models import Report, ReportKind, ReportStatus
from portal.reports import render, services, tasks
from tests.factories import (
    ActionPlanFactory,
    GrantFactory,
    MeasureActorFactory,
    MeasureFactory,
    MilestoneFactory,
    UserFactory,
    progress_update,
)
from tests.worker import WORKER_LOGS, delete_queue, start_worker, stop_worker, task_results, wait_for

PERIOD = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))

# The messages a user reads, by their English msgid (compared through gettext: the catalogue may lag the code).
COULD_NOT_BE_PRODUCED = "The report could not be produced: %(reason)s"
UNEXPECTED = "an unexpected error in the report. The administrators have been told."
DISK = "the report could not be saved (the disk may be full). Try again later."
TOO_LONG = "The report took too long or the system was busy. Try again in a while."
INTERRUPTED = "The report was interrupted (the background worker stopped). Try again."


def swedish(msgid: str, **values: str) -> str:
    with translation.override("sv"):
        text = gettext(msgid)
        return text % {key: gettext(value) for key, value in values.items()} if values else text


# --- data -----------------------------------------------------------------------------------------------------


def add_measures(plan: ActionPlan, world, count: int, first_number: int = 1) -> None:
    """``count`` measures with a lead and a participant, an update, a milestone and an indicator with values."""
    for number in range(first_number, first_number + count):
        measure = MeasureFactory(
            plan=plan,
            number=number,
            title=f"Insats {number}: förebyggande arbete mot gängkriminalitet",
            description="Samverkan mellan kommun, polis och region. " * 5,
            target_date=datetime.date(2027, 6, 30),
        )
        MeasureActorFactory(measure=measure, actor=world.own_actor, role="lead")
        MeasureActorFactory(measure=measure, actor=world.police)
        measure.municipalities.add(world.own_municipality, world.neighbour_municipality)
        progress_update(measure, "on_track" if number % 2 else "at_risk", 20 + number % 70, next_steps="Utbildning.")
        MilestoneFactory(measure=measure, title=f"Delmål {number}", due_date=datetime.date(2026, 9, 30))
        indicator = Indicator.objects.create(
            measure=measure, name=f"Antal deltagare, insats {number}", unit="personer", baseline=10, target=60
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, date=datetime.date(2025, month, 1), value=Decimal(10 + 4 * month))
            for month in (3, 6, 9, 12)
        )


def plan_with_measures(world, count: int = 2) -> ActionPlan:
    plan = ActionPlanFactory(county=world.own_county, title="Regional handlingsplan Skåne 2025–2027")
    add_measures(plan, world, count)
    return plan


def new_report(world, *, user=None, kind: str = ReportKind.COUNTY, **fields) -> Report:
    """A report row as ``request_report`` creates it, without starting the job."""
    return Report.objects.create(
        kind=kind,
        county=world.own_county,
        municipality=world.neighbour_municipality if kind == ReportKind.MUNICIPALITY else None,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        requested_by=user,
        **fields,
    )


def report_files(media_root: Path) -> list[str]:
    """Every file in the reports folder of ``media_root`` (finished or partial), by name."""
    folder = Path(media_root) / "reports"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def assert_is_the_reports_pdf(report: Report, media_root: Path) -> None:
    assert report.status == ReportStatus.DONE, report.error
    assert report.error == ""
    assert report.file.name.startswith("reports/")
    assert report.file.name.endswith(".pdf")
    content = (Path(media_root) / report.file.name).read_bytes()
    assert content[:4] == b"%PDF"
    assert report.size == len(content)
    assert report.page_count > 0
    assert report.started_at is not None
    assert report.finished_at is not None
    assert report.started_at <= report.finished_at


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple[str, tuple]]:
    """The jobs the services start, as (task name, args) once the transaction commits: recorded, not sent."""
    jobs: list[tuple[str, tuple]] = []

    def record(task_name: str, args: tuple) -> None:
        jobs.append((task_name, args))

    monkeypatch.setattr(jobs_module, "send", record)
    return jobs


@pytest.fixture
def jobs_in_process(monkeypatch) -> list[str]:
    """Run the jobs the services start in this process once the transaction commits (as the worker would)."""
    ran: list[str] = []

    def run(task_name: str, args: tuple) -> None:
        ran.append(task_name)
        celery_app.tasks[task_name].apply(args=args)

    monkeypatch.setattr(jobs_module, "send", run)
    return ran


# --- with the real worker ---------------------------------------------------------------------------------------


def finished(report_id: int) -> Report | None:
    report = Report.objects.get(pk=report_id)
    return report if report.is_finished else None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_requested_report_is_built_by_the_worker(celery_worker, worker_media, world):
    plan_with_measures(world, 2)
    coordinator = world.user(Role.COUNTY_COORDINATOR)

    report = services.request_report(
        kind=ReportKind.COUNTY,
        county=world.own_county,
        municipality=None,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        user=coordinator,
    )

    assert report.status == ReportStatus.QUEUED
    assert report.attempts == 0
    report = wait_for(lambda: finished(report.pk), seconds=60)
    assert_is_the_reports_pdf(report, worker_media)
    assert report.attempts == 1
    assert report.requested_by == coordinator
    assert report_files(worker_media).count(Path(report.file.name).name) == 1
    assert not [name for name in report_files(worker_media) if name.endswith(".part")]
    task_results(WORKER_LOGS[celery_worker])  # fails the test if a task raised in the worker


# The killed-worker test's limits: the broker re-delivers an unacknowledged message after 2 × the hard limit.
# (The solo pool of tests/worker.py enforces no time limit; here the limits set the visibility timeout.)
SHORT_LIMITS = {"CELERY_TASK_TIME_LIMIT": "6", "CELERY_TASK_SOFT_TIME_LIMIT": "5"}
VISIBILITY_TIMEOUT = 12
PRIVATE_REDIS_DB = 14


@pytest.fixture
def private_broker():
    """A queue of this test's own, on a Redis database of its own: (queue, broker URL).

    The workers started here restore every unacknowledged message older than their 12 s
    visibility timeout, whatever its queue: on a database of their own they cannot hand a
    message of another test run (sharing the test run's Redis database) to a second worker.
    """
    parts = urlsplit(settings.REDIS_URL)
    broker = urlunsplit(parts._replace(path=f"/{PRIVATE_REDIS_DB}"))
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-reports-{uuid.uuid4().hex[:8]}"
    try:
        yield queue, broker
    finally:
        delete_queue(queue, broker)


def send_build(report: Report, queue: str, broker: str) -> str:
    """What ``request_report`` starts after commit, sent to the private queue: the task id."""
    with celery_app.connection_for_write(broker) as conn:
        return tasks.build_report.apply_async(args=[report.pk], queue=queue, connection=conn).id


def running(report_id: int) -> bool:
    # Both statements of the claim (status, then attempts) have committed.
    return Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING, attempts__gte=1).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_report_leaves_it_neither_stuck_nor_duplicated(world, tmp_path, private_broker):
    queue, broker = private_broker
    media, mail = tmp_path / "worker-media", tmp_path / "worker-mail"
    mail.mkdir()
    env = {"CELERY_TASK_DEFAULT_QUEUE": queue, "REDIS_URL": broker, "MEDIA_ROOT": str(media), **SHORT_LIMITS}
    plan = plan_with_measures(world, 10)
    coordinator = world.user(Role.COUNTY_COORDINATOR)

    # Kill the worker as soon as the report is running (polled every 20 ms); the rendering takes a few hundred ms.
    # Should the report be done before the kill lands, try again with more to render.
    for attempt in range(3):
        report = new_report(world, user=coordinator)
        killed_log = tmp_path / f"killed-worker-{attempt}.log"
        worker = start_worker(env, mail, killed_log, name="-killed")
        try:
            task_id = send_build(report, queue, broker)
            wait_for(lambda pk=report.pk: running(pk), seconds=30, interval=0.02)
            worker.kill()
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                stop_worker(worker)
        killed_at = time.monotonic()
        report.refresh_from_db()
        if report.status == ReportStatus.RUNNING:
            break
        assert report.status == ReportStatus.DONE, report.error
        add_measures(plan, world, 20, first_number=plan.measures.count() + 1)
    else:
        pytest.fail("The report was done each time before the worker was killed.")

    # Killed mid-job: running, no file, nothing stored.
    assert report.attempts == 1
    assert report.file.name == ""
    assert not [name for name in report_files(media) if name.endswith(".pdf")]
    first_start = report.started_at

    # A worker that starts once the message's visibility timeout has passed gets it re-delivered at its start.
    # (A worker already running looks for such messages less often: kombu scans every
    # unacked_restore_interval × unacked_restore_throttle = 100 s by default.)
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    second_log = tmp_path / "second-worker.log"
    second = start_worker(env, mail, second_log, name="-second")
    try:
        report = wait_for(lambda pk=report.pk: finished(pk), seconds=45 - (time.monotonic() - killed_at))
        results = task_results(second_log)
    finally:
        stop_worker(second)

    assert time.monotonic() - killed_at < 45
    assert_is_the_reports_pdf(report, media)
    assert report.attempts == 2
    assert report.started_at > first_start
    # The same message, re-delivered: received by both workers, finished by the second.
    assert f"build_report[{task_id}] received" in killed_log.read_text()
    assert task_id in results
    # Exactly one file for the one report: no second PDF, no partial file.
    assert report_files(media) == [Path(report.file.name).name]
    assert Report.objects.exclude(file="").count() == Report.objects.filter(status=ReportStatus.DONE).count()


# --- idempotence and retry ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_building_a_done_report_again_changes_nothing(world, settings, enqueued):
    plan_with_measures(world, 2)
    report = new_report(world, user=world.user(Role.COUNTY_COORDINATOR))

    with translation.override("sv"):
        times = services.build_report(report.pk)

    report.refresh_from_db()
    assert_is_the_reports_pdf(report, settings.MEDIA_ROOT)
    assert report.attempts == 1
    assert times.pages == report.page_count
    assert times.size == report.size
    assert times.gather_queries > 0  # counted with DEBUG off too
    assert report_files(settings.MEDIA_ROOT) == [Path(report.file.name).name]
    before = Report.objects.values().get(pk=report.pk)

    # A re-delivered message after success (the service directly, then the task) is a no-op.
    assert services.build_report(report.pk) is None
    tasks.build_report.apply(args=[report.pk])

    assert Report.objects.values().get(pk=report.pk) == before
    assert report_files(settings.MEDIA_ROOT) == [Path(report.file.name).name]
    assert enqueued == []  # requested by a user: no e-mail to the steering group


@pytest.mark.django_db
def test_retrying_a_failed_report_rebuilds_it_and_deletes_the_old_file(
    world, settings, monkeypatch, enqueued, django_capture_on_commit_callbacks
):
    plan_with_measures(world, 2)
    report = new_report(world, user=world.user(Role.COUNTY_COORDINATOR))
    services.build_report(report.pk)
    report.refresh_from_db()
    old = report.file.name

    # The report is asked for again and this run fails: the row is failed and still names the old file.
    services.retry_report(report)
    with monkeypatch.context() as patch:
        patch.setattr(render, "html_to_pdf", lambda html: (_ for _ in ()).throw(RuntimeError("Pango")))
        services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.file.name == old

    with django_capture_on_commit_callbacks(execute=True):
        report = services.retry_report(report)
    assert report.status == ReportStatus.QUEUED
    assert report.error == ""
    assert report.finished_at is None
    assert enqueued == [("portal.tasks.build_report", (report.pk,))]

    with django_capture_on_commit_callbacks() as after_commit:
        services.build_report(report.pk)
    report.refresh_from_db()
    new = report.file.name
    assert new != old
    assert_is_the_reports_pdf(report, settings.MEDIA_ROOT)
    assert report.attempts == 3
    # Until the new row commits, readers may still be sent the old file: it is deleted after.
    assert sorted(report_files(settings.MEDIA_ROOT)) == sorted([Path(old).name, Path(new).name])
    for callback in after_commit:
        callback()
    assert report_files(settings.MEDIA_ROOT) == [Path(new).name]


# --- failures -------------------------------------------------------------------------------------------------


def failing(error: BaseException):
    def fail(*args, **kwargs):
        raise error

    return fail


@pytest.mark.django_db
def test_a_rendering_error_fails_the_report_with_a_reason_and_it_can_be_retried(
    world, settings, monkeypatch, client, enqueued
):
    plan_with_measures(world, 2)
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    report = new_report(world, user=coordinator)

    with monkeypatch.context() as patch, translation.override("sv"):
        patch.setattr(render, "html_to_pdf", failing(RuntimeError("Pango could not load a font")))
        assert services.build_report(report.pk) is None

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == swedish(COULD_NOT_BE_PRODUCED, reason=UNEXPECTED)
    assert "Pango" not in report.error  # the technical detail is logged, not shown
    assert report.file.name == ""
    assert report.finished_at is not None
    assert report_files(settings.MEDIA_ROOT) == []

    # The page shows the reason and offers to try again.
    client.force_login(coordinator)
    page = client.get(reverse("portal:report_status", kwargs={"pk": report.pk}), headers={"accept-language": "sv"})
    assert report.error in page.content.decode()
    assert reverse("portal:report_retry", kwargs={"pk": report.pk}) in page.content.decode()

    services.retry_report(report)
    services.build_report(report.pk)
    report.refresh_from_db()
    assert_is_the_reports_pdf(report, settings.MEDIA_ROOT)
    assert report.attempts == 2


@pytest.fixture
def full_disk(monkeypatch):
    """Writing a file fails as on a full disk, after the partial file is opened and written to."""
    monkeypatch.setattr(os, "fsync", failing(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))


@pytest.mark.django_db
@pytest.mark.usefixtures("full_disk")
def test_a_full_disk_fails_the_report_with_the_disk_reason(world, settings):
    plan_with_measures(world, 1)
    report = new_report(world, user=world.user(Role.COUNTY_COORDINATOR))

    with translation.override("sv"):
        services.build_report(report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == swedish(COULD_NOT_BE_PRODUCED, reason=DISK)
    assert report.file.name == ""
    assert not [name for name in report_files(settings.MEDIA_ROOT) if name.endswith(".pdf")]


@pytest.mark.django_db
@pytest.mark.usefixtures("full_disk")
def test_a_failed_write_leaves_no_partial_file(world, settings):
    plan_with_measures(world, 1)
    report = new_report(world, user=world.user(Role.COUNTY_COORDINATOR))

    services.build_report(report.pk)

    assert report_files(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_an_unwritable_media_folder_fails_the_report_and_no_row_names_a_file(world, settings, tmp_path):
    plan_with_measures(world, 1)
    report = new_report(world, user=world.user(Role.COUNTY_COORDINATOR))
    if os.geteuid() == 0:
        # root writes through any mode bits: a folder that cannot be created under a regular file instead.
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        settings.MEDIA_ROOT = blocker / "media"
    else:
        settings.MEDIA_ROOT = tmp_path / "read-only-media"
        settings.MEDIA_ROOT.mkdir()
        settings.MEDIA_ROOT.chmod(0o500)
    try:
        with translation.override("sv"):
            services.build_report(report.pk)
    finally:
        if os.geteuid() != 0:
            settings.MEDIA_ROOT.chmod(0o700)

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == swedish(COULD_NOT_BE_PRODUCED, reason=DISK)
    assert not Report.objects.exclude(file="").exists()


@pytest.mark.django_db
def test_a_database_error_is_transient_and_the_task_retries_then_gives_up(world, settings, monkeypatch):
    plan_with_measures(world, 1)
    report = new_report(world, user=world.user(Role.COUNTY_COORDINATOR))
    monkeypatch.setattr(services, "build_context", failing(DatabaseError("server closed the connection")))

    with pytest.raises(services.TransientReportError, match="server closed the connection"):
        services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING  # left to the task's retry, not failed
    assert report.error == ""

    # The task retries with backoff and gives up after max_retries.
    countdowns = []
    for retries in range(tasks.build_report.max_retries):
        with pytest.raises(Retry) as retry:
            tasks.build_report.apply(args=[report.pk], retries=retries)
        countdowns.append(retry.value.when)
    assert countdowns == [5, 10, 20, 40, 80]
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RUNNING
    with translation.override("sv"):
        tasks.build_report.apply(args=[report.pk], retries=tasks.build_report.max_retries)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == swedish(TOO_LONG)
    assert report.attempts == 1 + 1 + tasks.build_report.max_retries
    assert report_files(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_a_report_over_its_soft_time_limit_says_it_took_too_long(world, monkeypatch):
    plan_with_measures(world, 1)
    report = new_report(world, user=world.user(Role.COUNTY_COORDINATOR))
    monkeypatch.setattr(render, "html_to_pdf", failing(SoftTimeLimitExceeded()))

    with translation.override("sv"):
        tasks.build_report.apply(args=[report.pk])

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == swedish(TOO_LONG)


# --- the sweep ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_fails_reports_left_running_and_leaves_recent_ones(world, settings, enqueued):
    plan_with_measures(world, 1)
    now = timezone.now()
    stuck_since = now - datetime.timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS + 1)
    stuck = new_report(world, status=ReportStatus.RUNNING, started_at=stuck_since, attempts=1)
    recent = new_report(
        world,
        status=ReportStatus.RUNNING,
        started_at=now - datetime.timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS - 60),
        attempts=1,
    )
    queued = new_report(world)
    failed = new_report(world, status=ReportStatus.FAILED, started_at=stuck_since, error="Tidigare fel.")

    with translation.override("sv"):
        assert services.sweep_stuck_reports(now) == 1

    stuck.refresh_from_db()
    assert stuck.status == ReportStatus.FAILED
    assert stuck.error == swedish(INTERRUPTED)
    assert stuck.finished_at == now
    assert Report.objects.get(pk=recent.pk).status == ReportStatus.RUNNING
    assert Report.objects.get(pk=recent.pk).error == ""
    assert Report.objects.get(pk=queued.pk).status == ReportStatus.QUEUED
    assert Report.objects.get(pk=failed.pk).error == "Tidigare fel."
    assert services.sweep_stuck_reports(now) == 0

    # The message of the interrupted job, re-delivered after the sweep, still finishes the report.
    services.build_report(stuck.pk)
    stuck.refresh_from_db()
    assert_is_the_reports_pdf(stuck, settings.MEDIA_ROOT)
    assert stuck.attempts == 2


# --- the quarterly report for the steering group ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (datetime.date(2026, 1, 1), (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))),
        (datetime.date(2026, 1, 15), (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))),
        (datetime.date(2026, 3, 31), (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))),
        (datetime.date(2026, 4, 1), (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))),
        (datetime.date(2026, 7, 1), (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))),
        (datetime.date(2026, 10, 1), (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))),
        (datetime.date(2026, 12, 31), (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))),
    ],
)
def test_the_scheduled_period_is_the_quarter_before(today, period):
    assert services.previous_quarter(today) == period


@pytest.mark.django_db
def test_the_quarterly_job_requests_one_county_report_per_steering_group(
    world, enqueued, django_capture_on_commit_callbacks
):
    # A second member in Skåne does not make a second report; Stockholm has no steering group.
    GrantFactory(user=UserFactory(username="styrgrupp2"), role=Role.STEERING_GROUP, county=world.own_county)

    with django_capture_on_commit_callbacks(execute=True):
        reports = services.produce_quarterly_county_reports(datetime.date(2026, 1, 1))
        assert enqueued == []  # started only after commit
    assert enqueued == [("portal.tasks.build_report", (reports[0].pk,))]

    assert [(r.kind, r.county, r.municipality, r.requested_by) for r in reports] == [
        (ReportKind.COUNTY, world.own_county, None, None)
    ]
    assert (reports[0].period_start, reports[0].period_end) == (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    assert reports[0].status == ReportStatus.QUEUED
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_report_emails_each_steering_group_member_a_link(world, settings, mailoutbox, jobs_in_process):
    plan_with_measures(world, 2)
    GrantFactory(user=UserFactory(username="styrgrupp2"), role=Role.STEERING_GROUP, county=world.own_county)
    GrantFactory(
        user=UserFactory(username="slutat", is_active=False), role=Role.STEERING_GROUP, county=world.own_county
    )
    GrantFactory(user=UserFactory(username="utan-epost", email=""), role=Role.STEERING_GROUP, county=world.own_county)
    GrantFactory(user=UserFactory(username="stockholm"), role=Role.STEERING_GROUP, county=world.foreign_county)

    with translation.override("sv"):
        (report,) = [
            r
            for r in services.produce_quarterly_county_reports(datetime.date(2026, 4, 2))
            if r.county == world.own_county
        ]

    report.refresh_from_db()
    assert_is_the_reports_pdf(report, settings.MEDIA_ROOT)
    assert jobs_in_process.count("portal.tasks.email_report_ready") == 2  # Skåne's and Stockholm's
    skane = [message for message in mailoutbox if "Skåne" in message.subject]
    assert sorted(address for message in skane for address in message.to) == [
        "styrgrupp2@example.se",
        "styrgrupp@example.se",
    ]
    link = settings.SITE_URL.rstrip("/") + reverse("portal:report_detail", kwargs={"pk": report.pk})
    for message in skane:
        assert message.subject == swedish("Progress report for %(county)s is ready") % {"county": world.own_county}
        assert link in message.body
        assert "2026-01-01 – 2026-03-31" in message.body
    assert [m.to for m in mailoutbox if m not in skane] == [["stockholm@example.se"]]

    # Building it again (a re-delivered message) sends nothing more.
    services.build_report(report.pk)
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_no_email_for_a_report_that_is_not_done(world, mailoutbox):
    report = new_report(world, status=ReportStatus.FAILED)

    assert services.email_steering_group(report.pk) == 0
    assert mailoutbox == []


def test_beat_produces_the_quarterly_reports_and_sweeps_stuck_ones():
    quarterly = celery_app.conf.beat_schedule["quarterly-county-reports"]
    sweep = celery_app.conf.beat_schedule["sweep-stuck-reports"]

    assert quarterly["task"] == tasks.produce_quarterly_county_reports.name
    assert quarterly["schedule"] == crontab(day_of_month="1", month_of_year="1,4,7,10", hour=7, minute=0)
    assert sweep["task"] == tasks.sweep_stuck_reports.name
    assert sweep["schedule"] == crontab(minute="*/5")
    assert {quarterly["task"], sweep["task"]} <= set(celery_app.tasks)
    # The stuck threshold is after the re-delivery of a killed worker's message (2 × the hard limit).
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] < settings.REPORT_STUCK_AFTER_SECONDS
