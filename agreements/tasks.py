"""Background jobs of agreements and citizen pledges. Tasks are thin: one service call."""

import datetime

from celery import shared_task

from agreements import reminders, round_notices


@shared_task(name="agreements.tasks.send_deadline_reminders", acks_late=True)
def send_deadline_reminders() -> int:
    """The daily deadline reminders (Celery beat, ``CELERY_BEAT_SCHEDULE``): each e-mail once, however often it runs."""
    return reminders.send_due_reminders()


@shared_task(name="agreements.tasks.send_round_notices", acks_late=True)
def send_round_notices(round_id: int, extra_on: str | None = None) -> int:
    """A municipal round's invitations and reminders (and the extra reminder of ``extra_on``), each once."""
    day = datetime.date.fromisoformat(extra_on) if extra_on else None
    return round_notices.send_round_notices(round_id, extra_on=day)


@shared_task(name="agreements.tasks.send_open_rounds_notices", acks_late=True)
def send_open_rounds_notices() -> int:
    """The daily sweep of every open municipal round (Celery beat): what is due today, each e-mail once."""
    return round_notices.send_open_rounds_notices()


@shared_task(name="agreements.tasks.send_handover_notice", acks_late=True)
def send_handover_notice(request_id: int, colleague_id: int, sender_id: int) -> int:
    return round_notices.send_handover_notice(request_id, colleague_id, sender_id)


@shared_task(name="agreements.tasks.send_review_notice", acks_late=True)
def send_review_notice(follow_up_id: int, history_id: int) -> int:
    return round_notices.send_review_notice(follow_up_id, history_id)
