"""The foundation's background jobs: the daily digest of notices, pruning old data versions. Thin: one call each."""

from celery import shared_task

from core import caching, notices


@shared_task(name="core.send_daily_digests", acks_late=True)
def send_daily_digests() -> int:
    """Each person's digest of the notices they chose to get once a day, sent once a day."""
    return notices.send_digests()


@shared_task(name="core.prune_data_changes", acks_late=True)
def prune_data_changes() -> int:
    """Each scope keeps its newest data change only (its version): the table stays small."""
    return caching.prune_changes()
