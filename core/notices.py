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

Each person chooses, per kind of notice, how they get it (their profile page): at once, in a daily
digest, or not at all. The apps register their kinds (``register_notice_kind`` in ``ready()``) and
send through ``notify``, which reads the choice (``delivery_for``): at once is ``send_once``; a
digest notice is queued as a ``core.DigestEntry`` of its occasion, and ``send_digests`` (a daily
job) sends each person one e-mail listing what was queued, through ``send_once`` too, marking the
listed occasions sent in the same transaction. Nobody inactive or without an address gets e-mail.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.mail import compose
from core.models import DigestEntry, Reminder

logger = logging.getLogger(__name__)

DIGEST = "digest"


class Delivery(models.TextChoices):
    """How a person gets one kind of notice."""

    AT_ONCE = "now", _("At once")
    DAILY = "daily", _("In a daily digest")
    NEVER = "never", _("Not at all")


@dataclass(frozen=True)
class NoticeKind:
    """A kind of e-mail a person can choose how to get: its ``code`` is the ``Reminder.kind`` it is sent as.

    ``choices``: the deliveries a person may choose (a request to report cannot be turned off,
    only gathered in the digest); ``default``: what they get until they choose.
    """

    code: str
    label: Any
    help_text: Any = ""
    default: str = Delivery.AT_ONCE
    choices: tuple[str, ...] = (Delivery.AT_ONCE, Delivery.DAILY, Delivery.NEVER)
    order: int = 0


_KINDS: dict[str, NoticeKind] = {}


def register_notice_kind(kind: NoticeKind) -> None:
    """Make ``kind`` a choice on the profile page (again: replaces the earlier registration)."""
    _KINDS[kind.code] = kind


def notice_kinds() -> list[NoticeKind]:
    """Every registered kind, in their ``order`` (then by code)."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.code))


def delivery_for(user: Any, code: str) -> str:
    """How ``user`` gets notices of kind ``code``: their choice when it is allowed, else the kind's default.

    A kind nobody registered is sent at once: a notice is never lost to a missing registration.
    """
    kind = _KINDS.get(code)
    if kind is None:
        return Delivery.AT_ONCE
    chosen = (getattr(user, "notice_choices", None) or {}).get(code)
    return chosen if chosen in kind.choices else kind.default


def sent_occasions(object_ids: Iterable[int]) -> set[tuple[str, int, datetime.date, str, int]]:
    """The occasions about these objects already sent, as (kind, object id, due date, stage, recipient id).

    A run skips these without a transaction each; ``send_once`` is what guarantees once.
    """
    return set(
        Reminder.objects.filter(sent_at__isnull=False, object_id__in=set(object_ids)).values_list(
            "kind", "object_id", "due_date", "stage", "recipient_id"
        )
    )


def _hold(recipient: Any) -> bool:
    """Lock the recipient's row for the transaction (False when it is gone): a person removed while a
    job was on its way is skipped, and cannot be removed between the e-mail and its record."""
    rows = get_user_model().objects.select_for_update(no_key=True).filter(pk=recipient.pk).values_list("pk")
    return bool(list(rows))


def send_once(
    message: EmailMessage, *, kind: str, object_id: int, due_date: datetime.date, stage: str, recipient: Any
) -> bool:
    """Send ``message`` unless this occasion was sent or is being sent; True when this call sent it.

    A failure to send (the mail server refuses or cannot be reached) propagates and leaves the
    occasion unrecorded, so the next run tries again.
    """
    with transaction.atomic():
        if not _hold(recipient):
            return False
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


def notify(
    recipient: Any,
    *,
    kind: str,
    template: str,
    context: dict[str, Any],
    link: str,
    object_id: int,
    due_date: datetime.date,
    stage: str,
) -> bool:
    """Tell ``recipient`` about one occasion the way they chose for ``kind``; True when it was sent or queued.

    ``template`` and ``context`` are ``core.mail.compose``'s (``link``, the absolute address of what
    the notice is about, is added to the context). At once: sent once (``send_once``). Daily: queued
    once for the digest. Not at all, an inactive recipient or one without an address: nothing.
    A mail server failure is logged and leaves the occasion unrecorded, so the next run tries again.
    """
    if not (recipient.is_active and recipient.email):
        return False
    delivery = delivery_for(recipient, kind)
    if delivery == Delivery.NEVER:
        return False
    message = compose(template, {**context, "link": link}, recipient)
    occasion = {"kind": kind, "object_id": object_id, "due_date": due_date, "stage": stage, "recipient": recipient}
    if delivery == Delivery.DAILY:
        return queue_for_digest(message.subject, link, **occasion)
    try:
        return send_once(message, **occasion)
    except (smtplib.SMTPException, OSError):
        logger.exception(
            "E-mail %s about %s %s to user %s not sent; the next run tries again.", stage, kind, object_id, recipient.pk
        )
        return False


def queue_for_digest(subject: str, link: str, **occasion: Any) -> bool:
    """Keep the occasion for its recipient's next digest; True when this call queued it (once per occasion)."""
    with transaction.atomic():
        if not _hold(occasion["recipient"]):
            return False
        reminder, _created = Reminder.objects.get_or_create(**occasion)
        if reminder.sent_at is not None:
            return False
        _entry, created = DigestEntry.objects.get_or_create(
            reminder=reminder, defaults={"recipient": occasion["recipient"], "subject": subject[:300], "link": link}
        )
    return created


def send_digest(user: Any, today: datetime.date | None = None) -> bool:
    """Send ``user`` the day's digest of what was queued for them; True when this call sent it.

    One digest a day at most (its own occasion, kind ``digest``); what is queued after it waits for
    the next day's. The listed occasions are marked sent in the transaction that records the digest.
    """
    today = today or timezone.localdate()
    if not (user.is_active and user.email):
        return False
    with transaction.atomic():
        entries = list(
            DigestEntry.objects.select_for_update(skip_locked=True)
            .filter(recipient=user, reminder__sent_at__isnull=True)
            .order_by("created_at", "pk")
        )
        if not entries:
            return False
        message = compose("core/email/digest", {"entries": entries, "day": today}, user)
        sent = send_once(
            message, kind=DIGEST, object_id=user.pk, due_date=today, stage=Reminder.Stage.DIGEST, recipient=user
        )
        if sent:
            Reminder.objects.filter(pk__in=[entry.reminder_id for entry in entries]).update(sent_at=timezone.now())
    return sent


def send_digests(today: datetime.date | None = None) -> int:
    """Every active person's digest of the day (the daily job); returns the number sent."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, digest_entries__reminder__sent_at__isnull=True)
        .exclude(email="")
        .distinct()
    )
    sent = 0
    for person in list(people):
        try:
            sent += send_digest(person, today)
        except (smtplib.SMTPException, OSError):
            logger.exception("Digest to user %s not sent; the next run tries again.", person.pk)
    return sent
