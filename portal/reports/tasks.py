"""The report jobs. Tasks are thin: ids in, one service call.

Their names are kept from when they lived in ``portal/tasks.py``: django-celery-beat stores them
in its schedules, and the services start them by name (``core.jobs.enqueue``).
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from portal.reports import services
from portal.reports.services import TransientReportError


@shared_task(name="portal.tasks.build_report", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def build_report(self, report_id: int) -> None:
    try:
        services.build_report(report_id)
    except SoftTimeLimitExceeded:
        services.give_up(report_id)
    except TransientReportError as error:
        if self.request.retries >= self.max_retries:
            services.give_up(report_id)
        else:
            raise self.retry(exc=error, countdown=min(5 * 2**self.request.retries, 120)) from error


@shared_task(name="portal.tasks.email_report_ready", acks_late=True)
def email_report_ready(report_id: int) -> None:
    services.email_steering_group(report_id)


@shared_task(name="portal.tasks.sweep_stuck_reports")
def sweep_stuck_reports() -> None:
    services.sweep_stuck_reports()
    services.resend_queued_reports()


@shared_task(name="portal.tasks.produce_quarterly_county_reports")
def produce_quarterly_county_reports() -> None:
    services.produce_quarterly_county_reports()
