"""The one way to start a background job: ``enqueue(task_name, *ids)``, once the transaction commits.

A job is named by its Celery task name (every task has an explicit, stable ``name=``), so a
service starts the job without importing the task module that calls it back: services sit
beneath tasks, and no import runs in a circle. The worker never looks for a row that is not
there yet, because nothing is sent before the transaction that wrote the row commits.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: object) -> None:
    """Send the job ``task_name`` with ``args`` (ids and plain values) once the transaction commits.

    The broker being down does not undo or fail what was committed: the error is logged and the
    job is not sent. Jobs whose rows record that they are still to do are sent again by their
    sweep (reports: ``sweep_stuck_reports`` re-sends reports left queued).
    """
    transaction.on_commit(lambda: send(task_name, args))


def send(task_name: str, args: tuple) -> None:
    """Send the job now (``enqueue`` calls this after the commit)."""
    try:
        current_app.signature(task_name, args=args).apply_async()
    except OperationalError:
        logger.exception("The broker is unavailable: %s%s was not sent", task_name, args)
