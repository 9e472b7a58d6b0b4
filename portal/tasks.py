"""Background jobs of the portal. Tasks are thin: ids in, one service call.

``enqueue`` is the one way to start a job: after the current transaction commits, so
that the worker never looks for a row that is not there yet.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from kombu.exceptions import OperationalError

from portal import services
from portal.models import User
from portal.reports import services as report_services
from portal.reports.services import TransientReportError

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    """Send ``task`` with ``args`` (ids and plain values) once the transaction commits.

    The broker being down does not undo or fail what was committed: the error is logged and the
    job is not sent. Jobs whose rows record that they are still to do are sent again by their
    sweep (reports: ``sweep_stuck_reports`` re-sends reports left queued).
    """
    transaction.on_commit(lambda: _send(task, args))


def _send(task, args: tuple) -> None:
    try:
        task.delay(*args)
    except OperationalError:
        logger.exception("The broker is unavailable: %s%s was not sent", task.name, args)


@shared_task(
    name="portal.tasks.send_password_reset_email",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_password_reset_email(user_id: int, domain: str, use_https: bool, language: str) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.send_password_reset_email(user, domain=domain, use_https=use_https, language=language)


# --- Reports -------------------------------------------------------------------------------------


@shared_task(name="portal.tasks.build_report", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def build_report(self, report_id: int) -> None:
    try:
        report_services.build_report(report_id)
    except SoftTimeLimitExceeded:
        report_services.give_up(report_id)
    except TransientReportError as error:
        if self.request.retries >= self.max_retries:
            report_services.give_up(report_id)
        else:
            raise self.retry(exc=error, countdown=min(5 * 2**self.request.retries, 120)) from error


@shared_task(name="portal.tasks.email_report_ready", acks_late=True)
def email_report_ready(report_id: int) -> None:
    report_services.email_steering_group(report_id)


@shared_task(name="portal.tasks.sweep_stuck_reports")
def sweep_stuck_reports() -> None:
    report_services.sweep_stuck_reports()
    report_services.resend_queued_reports()


@shared_task(name="portal.tasks.produce_quarterly_county_reports")
def produce_quarterly_county_reports() -> None:
    report_services.produce_quarterly_county_reports()
