"""Sending an e-mail about one occasion to one person exactly once: the one mechanism every app uses.

An occasion is (kind, object id, due date, stage, recipient), recorded as a ``core.Reminder`` row
that is unique in the database. ``send_once`` works in its own short transaction:

1. ``get_or_create`` the row. The unique constraint ``one_reminder_per_occasion`` decides between two
   runs inserting at the same moment: the second one's insert waits for the first one's
   transaction and then finds its row (already sent) and skips it.
2. Lock the row with ``SELECT … FOR UPDATE SKIP LOCKED`` where ``sent_at`` is empty: a run that
   finds it locked (another run is sending it right now) or sent skips it.
3. Send the e-mail while holding the lock, set ``sent_at``, commit.

The window that remains is inherent to e-mail, which cannot take part in a database
transaction: if the process dies, or the commit fails, after the mail server accepted the
message and before the commit, nothing is recorded and the next run sends it again. So it is
exactly once except in that window of a few milliseconds, where it is at least once: a
duplicate is possible there, a lost reminder is not.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from core.models import Reminder


def sent_occasions(object_ids: Iterable[int]) -> set[tuple[str, int, datetime.date, str, int]]:
    """The occasions about these objects already sent, as (kind, object id, due date, stage, recipient id).

    A run skips these without a transaction each; ``send_once`` is what guarantees once.
    """
    return set(
        Reminder.objects.filter(sent_at__isnull=False, object_id__in=set(object_ids)).values_list(
            "kind", "object_id", "due_date", "stage", "recipient_id"
        )
    )


def send_once(
    message: EmailMessage, *, kind: str, object_id: int, due_date: datetime.date, stage: str, recipient: Any
) -> bool:
    """Send ``message`` unless this occasion was sent or is being sent; True when this call sent it.

    A failure to send (the mail server refuses or cannot be reached) propagates and leaves the
    occasion unrecorded, so the next run tries again.
    """
    with transaction.atomic():
        reminder, _created = Reminder.objects.get_or_create(
            kind=kind, object_id=object_id, due_date=due_date, stage=stage, recipient=recipient
        )
        if reminder.sent_at is not None:
            return False
        locked = Reminder.objects.select_for_update(skip_locked=True).filter(pk=reminder.pk, sent_at__isnull=True)
        reminder = locked.first()
        if reminder is None:
            return False
        message.send()
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    return True
