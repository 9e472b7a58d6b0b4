"""The job that e-mails an invitation's link. Thin: ids in, one service call."""

from celery import shared_task

from portal.people import services


@shared_task(
    name="portal.people.tasks.send_invitation",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation(invitation_id: int, send_count: int) -> bool:
    return services.send_invitation(invitation_id, send_count)


@shared_task(
    name="portal.people.tasks.send_grant_notice",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def send_grant_notice(user_id: int, stage: str, object_id: int, description: str, by_id: int | None) -> bool:
    return services.send_grant_notice(user_id, stage, object_id, description, by_id)
