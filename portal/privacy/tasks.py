"""The personal-data job: thin, calling the service.

Named under ``portal.tasks`` like the site's other jobs (beat's schedule stores the name).
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from portal.privacy import services


@shared_task(name="portal.tasks.anonymise_expired_accounts")
def anonymise_expired_accounts() -> int:
    return services.anonymise_expired_accounts()


@shared_task(name="portal.tasks.build_personal_export", acks_late=True, reject_on_worker_lost=True)
def build_personal_export(export_id: int) -> None:
    try:
        services.build_export(export_id)
    except SoftTimeLimitExceeded:
        services.fail_export(export_id)
