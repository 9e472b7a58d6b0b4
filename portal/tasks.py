"""Background jobs of the portal. Tasks are thin: ids in, one service call.

``enqueue`` is the one way to start a job: after the current transaction commits, so
that the worker never looks for a row that is not there yet.
"""

from celery import shared_task
from django.db import transaction

from portal import services
from portal.models import User


def enqueue(task, *args) -> None:
    """Send ``task`` with ``args`` (ids and plain values) once the transaction commits."""
    transaction.on_commit(lambda: task.delay(*args))


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_password_reset_email(user_id: int, domain: str, use_https: bool, language: str) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.send_password_reset_email(user, domain=domain, use_https=use_https, language=language)
