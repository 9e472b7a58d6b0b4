"""The foundation's background job: the daily digest of notices. Thin: one call."""

from celery import shared_task

from core import notices


@shared_task(name="core.send_daily_digests", acks_late=True)
def send_daily_digests() -> int:
    """Each person's digest of the notices they chose to get once a day, sent once a day."""
    return notices.send_digests()
