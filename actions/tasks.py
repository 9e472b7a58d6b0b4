"""Background jobs of follow-up rounds. Tasks are thin: one call each."""

import datetime

from celery import shared_task

from actions import notices, round_notices


@shared_task(name="actions.send_round_notices", acks_late=True)
def send_round_notices(round_id: int, extra_on: str | None = None) -> int:
    """A round's invitations and reminders (and the coordinator's extra reminder of ``extra_on``), each once."""
    day = datetime.date.fromisoformat(extra_on) if extra_on else None
    return round_notices.send_round_notices(round_id, extra_on=day)


@shared_task(name="actions.send_open_rounds_notices", acks_late=True)
def send_open_rounds_notices() -> int:
    """The daily sweep of every open round (Celery beat): what is due today, each e-mail once."""
    return round_notices.send_open_rounds_notices()


@shared_task(name="actions.send_handover_notice", acks_late=True)
def send_handover_notice(request_id: int, colleague_id: int, sender_id: int) -> int:
    return round_notices.send_handover_notice(request_id, colleague_id, sender_id)


@shared_task(name="actions.send_review_notice", acks_late=True)
def send_review_notice(update_id: int, history_id: int) -> int:
    return round_notices.send_review_notice(update_id, history_id)


@shared_task(name="actions.send_comment_notices", acks_late=True)
def send_comment_notices(comment_id: int) -> int:
    return notices.send_comment_notices(comment_id)


@shared_task(name="actions.send_follower_notices", acks_late=True)
def send_follower_notices(update_id: int, history_id: int) -> int:
    return notices.send_follower_notices(update_id, history_id)
