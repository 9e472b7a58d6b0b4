"""The life of a report job: requested (queued) → running → done or failed.

Reliability, in the order things can go wrong:

* The view creates the row and enqueues the task after the transaction commits, with the id.
* The task acknowledges late and is re-delivered if its worker dies; ``build_report`` can run
  again for the same row at any time: it renders into memory, writes the PDF under a new name
  through the site's storage (``core.files.storage``: complete or not at all), then points the row at
  it and deletes the previous file once that commits. A reader sees the old file or the new
  one, never half a file, and the row never has two.
* A transient error (database or broker connection) raises ``TransientReportError`` so the
  task retries with backoff; anything else marks the row failed with a reason a user reads.
* ``sweep_stuck_reports`` marks rows left "running" past REPORT_STUCK_AFTER_SECONDS as failed;
  ``resend_queued_reports`` sends the job again for rows left "queued" (the broker was down).
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actions.models import FollowUpRound, RoundStatus
from core.files.storage import StoreUnavailableError
from core.jobs import enqueue
from core.mail import site_url
from core.models import Reminder
from core.notices import Delivery, NoticeKind, notify
from core.roles import Role
from municipalities.models import County, Municipality
from portal.models import Grant, Report, ReportKind, ReportStatus, User
from portal.reports import gather, render

REPORT_READY = "report_ready"
# The steering group's notice of a new report, as chosen on the profile page (``core.notices``).
NOTICE_KIND = NoticeKind(
    REPORT_READY,
    _("Progress reports ready"),
    _("When a progress report of your county is ready to read (steering group members)."),
    choices=(Delivery.AT_ONCE, Delivery.DAILY, Delivery.NEVER),
    order=70,
)

# The jobs this module starts, by their task names (portal/reports/tasks.py), so that the tasks
# can import this module without a circle.
BUILD_REPORT = "portal.tasks.build_report"
EMAIL_REPORT_READY = "portal.tasks.email_report_ready"

logger = logging.getLogger(__name__)

TEMPLATES = {
    ReportKind.COUNTY: "reports/county_report.html",
    ReportKind.MUNICIPALITY: "reports/municipality_report.html",
}


# Every run counts as an attempt: the first, up to five retries after transient errors, and
# re-deliveries after a lost worker. A report past this many is failed instead of run again,
# so a job that kills its worker (memory, a crash) is not re-delivered forever.
MAX_ATTEMPTS = 8


class TransientReportError(Exception):
    """Worth trying again: the database or the storage was briefly unavailable."""


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The quarter that ended before ``today``: what the scheduled quarterly report covers."""
    today = today or timezone.localdate()
    end = quarter_start(today) - datetime.timedelta(days=1)
    return quarter_start(end), end


@dataclass(frozen=True)
class SuggestedPeriod:
    """The period the report form offers: ``after`` is the end of the latest report's period, if any."""

    start: datetime.date
    end: datetime.date
    after: datetime.date | None


def suggested_period(
    *, kind: str, county: County, municipality: Municipality | None, today: datetime.date | None = None
) -> SuggestedPeriod:
    """What has happened since the latest report of this kind and scope, up to today.

    From the day after the latest produced report's period ended; with no report yet, or one whose
    period already reaches today, from the first day of the current quarter. (The scheduled report
    keeps covering the quarter that ended: ``previous_quarter``.)
    """
    today = today or timezone.localdate()
    after = (
        Report.objects.filter(kind=kind, county=county, municipality=municipality, status=ReportStatus.DONE)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if after is not None and after < today:
        return SuggestedPeriod(after + datetime.timedelta(days=1), today, after)
    return SuggestedPeriod(quarter_start(today), today, None)


def request_report(
    *,
    kind: str,
    county: County,
    municipality: Municipality | None,
    period_start: datetime.date,
    period_end: datetime.date,
    user: User | None,
    round_: FollowUpRound | None = None,
) -> Report:
    """Create the row and start the job once the row is committed."""
    with transaction.atomic():
        report = Report.objects.create(
            kind=kind,
            county=county,
            municipality=municipality,
            period_start=period_start,
            period_end=period_end,
            requested_by=user,
            round=round_,
        )
        enqueue(BUILD_REPORT, report.pk)
    return report


def request_round_report(round_: FollowUpRound, *, user: User | None) -> Report:
    """The county report of a follow-up round: the round's period and plan (``gather.round_account``)."""
    return request_report(
        kind=ReportKind.COUNTY,
        county=round_.plan.county,
        municipality=None,
        period_start=round_.period_start,
        period_end=round_.period_end,
        user=user,
        round_=round_,
    )


def retry_report(report: Report) -> Report:
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, error="", finished_at=None)
        enqueue(BUILD_REPORT, report.pk)
    report.refresh_from_db()
    return report


@dataclass(frozen=True)
class BuildTimes:
    gather_seconds: float
    gather_queries: int
    html_seconds: float
    pdf_seconds: float
    pages: int
    size: int


class _QueryCount:
    """A ``connection.execute_wrapper`` that counts the queries it lets through."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def build_context(report: Report) -> dict:
    return gather.county_context(report) if report.kind == ReportKind.COUNTY else gather.municipality_context(report)


def _store_atomically(content: bytes) -> str:
    """Write the PDF under a new name through the site's storage, which no reader sees half-written."""
    return default_storage.save(f"reports/{uuid.uuid4().hex}.pdf", ContentFile(content))


def build_report(report_id: int) -> BuildTimes | None:
    """Produce the report's PDF; safe to run again for the same report (see the module docstring)."""
    try:
        # Claiming the row and counting the attempt is one statement: a kill cannot split them.
        updated = (
            Report.objects.filter(pk=report_id)
            .exclude(status=ReportStatus.DONE)
            .update(status=ReportStatus.RUNNING, started_at=timezone.now(), error="", attempts=F("attempts") + 1)
        )
        if not updated:
            return None  # already done (a re-delivered message after success) or deleted
        report = Report.objects.select_related("county", "municipality").get(pk=report_id)
    except DatabaseError as error:
        raise TransientReportError(str(error)) from error
    if report.attempts > MAX_ATTEMPTS:
        # The job has killed its worker again and again (memory, a crash): stop re-delivering it.
        _fail(report_id, gettext("The report stopped the background worker several times. Contact the administrators."))
        return None

    try:
        started = time.perf_counter()
        # Counted with DEBUG off too, and without keeping the SQL: a wrapper sees every query.
        gathering = _QueryCount()
        with connection.execute_wrapper(gathering):
            context = build_context(report)
        gathered = time.perf_counter()
        queries = gathering.count
        rendered = render.render_pdf(TEMPLATES[report.kind], context)
        name = _store_atomically(rendered.content)
    except DatabaseError as error:
        raise TransientReportError(str(error)) from error
    except SoftTimeLimitExceeded:
        raise  # the task turns it into "took too long"
    except Exception as error:
        logger.exception("Report %s failed", report_id)
        _fail(report_id, gettext("The report could not be produced: %(reason)s") % {"reason": _reason(error)})
        return None

    old = report.file.name
    try:
        _mark_done(report, name, old, rendered)
    except DatabaseError as error:
        default_storage.delete(name)  # the row does not point to it: no orphan
        raise TransientReportError(str(error)) from error
    return BuildTimes(
        gathered - started, queries, rendered.html_seconds, rendered.pdf_seconds, rendered.pages, len(rendered.content)
    )


def _mark_done(report: Report, name: str, old: str, rendered) -> None:
    report_id = report.pk
    with transaction.atomic():
        # Two messages for one report (a resend while the first was still waiting) may both build it:
        # only the first to finish marks it done and tells the steering group; the other's file goes.
        finished = (
            Report.objects.filter(pk=report_id)
            .exclude(status=ReportStatus.DONE)
            .update(
                status=ReportStatus.DONE,
                finished_at=timezone.now(),
                file=name,
                page_count=rendered.pages,
                size=len(rendered.content),
                error="",
            )
        )
        if not finished:
            transaction.on_commit(lambda: default_storage.delete(name))
            return
        if old and old != name:
            transaction.on_commit(lambda: default_storage.delete(old))
        if report.requested_by_id is None:
            # Scheduled reports go to the steering group by e-mail.
            enqueue(EMAIL_REPORT_READY, report_id)


def _reason(error: Exception) -> str:
    if isinstance(error, StoreUnavailableError):
        return gettext("the report could not be saved: the file store did not answer. Try again later.")
    if isinstance(error, OSError):
        return gettext("the report could not be saved (the disk may be full). Try again later.")
    if isinstance(error, render.RefusedURLError):
        return gettext("the report referred to a file outside the portal.")
    return gettext("an unexpected error in the report. The administrators have been told.")


def _fail(report_id: int, message: str) -> None:
    Report.objects.filter(pk=report_id).update(status=ReportStatus.FAILED, finished_at=timezone.now(), error=message)


def give_up(report_id: int) -> None:
    """Called when the task has run out of retries or time."""
    _fail(report_id, gettext("The report took too long or the system was busy. Try again in a while."))


def sweep_stuck_reports(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS)
    return Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=limit).update(
        status=ReportStatus.FAILED,
        finished_at=now,
        error=gettext("The report was interrupted (the background worker stopped). Try again."),
    )


def resend_queued_reports(now: datetime.datetime | None = None) -> int:
    """Send the job again for reports queued longer than REPORT_RESEND_AFTER_SECONDS.

    Their message was lost (the broker was down when the report was requested, or lost its
    data); a report whose message was only waiting in a long queue is built once and the
    second message finds it done.
    """
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.REPORT_RESEND_AFTER_SECONDS)
    ids = list(Report.objects.filter(status=ReportStatus.QUEUED, created_at__lt=limit).values_list("pk", flat=True))
    for report_id in ids:
        enqueue(BUILD_REPORT, report_id)
    return len(ids)


def produce_quarterly_county_reports(today: datetime.date | None = None) -> list[Report]:
    """One county report per county with a steering group, for the quarter just ended.

    Where a follow-up round of the county closed in that quarter, the report is that of the round that
    closed last; otherwise the county's report of the quarter. Once per county: a second run (two beat
    processes, a job sent again) finds the first one's report and adds none. Returns the reports added.
    """
    start, end = previous_quarter(today)
    counties = County.objects.filter(pk__in=Grant.objects.filter(role=Role.STEERING_GROUP).values("county_id"))
    produced = (_quarterly_report(county, start, end) for county in counties.order_by("pk"))
    return [report for report in produced if report is not None]


def round_closed_last(county: County, start: datetime.date, end: datetime.date) -> FollowUpRound | None:
    """The county's follow-up round that closed last between ``start`` and ``end`` (local dates), if any."""
    return (
        FollowUpRound.objects.filter(
            plan__county=county,
            status=RoundStatus.CLOSED,
            closed_at__date__gte=start,
            closed_at__date__lte=end,
        )
        .select_related("plan__county")
        .order_by("-closed_at", "-pk")
        .first()
    )


@transaction.atomic
def _quarterly_report(county: County, start: datetime.date, end: datetime.date) -> Report | None:
    # Runs for the same county wait for each other here, so the second sees the first one's report.
    list(County.objects.select_for_update().filter(pk=county.pk).values_list("pk", flat=True))
    round_ = round_closed_last(county, start, end)
    scheduled = Report.objects.filter(kind=ReportKind.COUNTY, county=county, requested_by__isnull=True)
    if round_ is not None:
        if scheduled.filter(round=round_).exists():
            return None
        return request_round_report(round_, user=None)
    if scheduled.filter(round__isnull=True, period_start=start, period_end=end).exists():
        return None
    return request_report(
        kind=ReportKind.COUNTY, county=county, municipality=None, period_start=start, period_end=end, user=None
    )


def email_steering_group(report_id: int) -> int:
    """Tell the county's steering group members that a report is ready, with a link."""
    report = Report.objects.select_related("county").get(pk=report_id)
    if report.status != ReportStatus.DONE:
        return 0
    members = User.objects.filter(
        grants__role=Role.STEERING_GROUP, grants__county_id=report.county_id, is_active=True
    ).exclude(email="")
    context = {
        "county": str(report.county),
        "start": report.period_start.isoformat(),
        "end": report.period_end.isoformat(),
    }
    day = timezone.localdate(report.finished_at) if report.finished_at else timezone.localdate()
    sent = 0
    for member in members.distinct():
        sent += notify(
            member,
            kind=REPORT_READY,
            template="portal/email/report_ready",
            context=context,
            link=site_url() + report.get_absolute_url(),
            object_id=report.pk,
            due_date=day,
            stage=Reminder.Stage.POSTED,
        )
    return sent
