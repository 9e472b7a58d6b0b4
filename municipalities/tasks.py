"""The key-figure jobs. Tasks are thin: ids in, one service call."""

from celery import shared_task

from municipalities import services


@shared_task(name="municipalities.tasks.fetch_key_figures", acks_late=True, reject_on_worker_lost=True)
def fetch_key_figures(import_id: int) -> None:
    services.fetch_import(import_id)


@shared_task(name="municipalities.tasks.fetch_followed_key_figures")
def fetch_followed_key_figures() -> None:
    services.request_yearly_imports()
