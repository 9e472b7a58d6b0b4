"""The Celery app: configuration comes from Django settings (CELERY_* names)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The report jobs live in the reports package of the site, not in an app's tasks.py.
app.autodiscover_tasks(["portal.reports", "portal.people"])


@app.on_after_configure.connect
def make_embedded_broker_folders(sender: Celery, **kwargs) -> None:
    """Without REDIS_URL the broker is a folder (kombu's filesystem transport): it must exist before the
    first message is written or read, whichever process (web server, worker, beat) comes first."""
    if sender.conf.broker_url.startswith("filesystem:"):
        options = sender.conf.broker_transport_options
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
