"""Background jobs of the site's accounts. Tasks are thin: ids in, one service call.

Jobs are started with ``core.jobs.enqueue`` by their task name; the report jobs are in
``portal/reports/tasks.py``.
"""

from celery import shared_task

from portal import services
from portal.models import User
from portal.profile import services as profile_services
from portal.profile.models import EmailChange


@shared_task(
    name="portal.tasks.send_password_reset_email",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_password_reset_email(user_id: int, domain: str, use_https: bool, language: str) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.send_password_reset_email(user, domain=domain, use_https=use_https, language=language)


@shared_task(
    name="portal.tasks.send_email_change_mails",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_email_change_mails(change_id: int) -> None:
    change = EmailChange.objects.select_related("user").filter(pk=change_id).first()
    if change is not None:
        profile_services.send_email_change_mails(change)
