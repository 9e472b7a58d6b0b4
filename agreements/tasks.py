"""Background jobs of agreements and citizen pledges. Tasks are thin: one service call."""

from celery import shared_task

from agreements import reminders


@shared_task(name="agreements.tasks.send_deadline_reminders", acks_late=True)
def send_deadline_reminders() -> int:
    """The daily deadline reminders (Celery beat, ``CELERY_BEAT_SCHEDULE``): each e-mail once, however often it runs."""
    return reminders.send_due_reminders()
