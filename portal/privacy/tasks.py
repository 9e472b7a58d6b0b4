"""The personal-data job: thin, calling the service.

Named under ``portal.tasks`` like the site's other jobs (beat's schedule stores the name).
"""

from celery import shared_task

from portal.privacy import services


@shared_task(name="portal.tasks.anonymise_expired_accounts")
def anonymise_expired_accounts() -> int:
    return services.anonymise_expired_accounts()
