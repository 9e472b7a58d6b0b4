"""The foundation's tables: the record of reminders and notices sent, so each goes out once, and the
notices waiting for a person's daily digest."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """One e-mail about one occasion (a deadline, a request) to one person, recorded so it is sent once.

    ``kind`` names what the e-mail is about, as the app that sends it defines it (agreements:
    ``deliverable`` and ``pledge_follow_up``; actions: ``round_request`` and ``update_review``);
    ``object_id`` is that object's id. A new due date is a new occasion and gets its own reminders.
    ``core.notices.send_once`` is the only writer (the demo data records its e-mails as sent).
    """

    class Stage(models.TextChoices):
        ASKED = "asked", _("When asked")
        HANDED_OVER = "handover", _("When handed over")
        BEFORE = "before", _("Before the due date")
        OVERDUE = "overdue", _("After the due date")
        EXTRA = "extra", _("Extra reminder")
        DECIDED = "decided", _("When decided")
        POSTED = "posted", _("When posted")
        CHANGED = "changed", _("When changed")
        DIGEST = "digest", _("Daily digest")

    kind = models.CharField(_("about"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object"))
    due_date = models.DateField(_("due date"))
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_date", "stage", "recipient"], name="one_reminder_per_occasion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.due_date} ({self.get_stage_display()})"


class DigestEntry(models.Model):
    """A notice kept for its recipient's daily digest instead of being sent at once.

    Its occasion is the ``Reminder`` it belongs to (one entry per occasion, so two runs queue it
    once); the reminder's ``sent_at`` is set when the digest that lists it has been sent.
    ``subject`` is the notice's subject in the recipient's language; ``link`` its absolute address.
    """

    reminder = models.OneToOneField(Reminder, on_delete=models.CASCADE, related_name="digest_entry")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_entries", verbose_name=_("recipient")
    )
    subject = models.CharField(_("subject"), max_length=300)
    link = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest entry")
        verbose_name_plural = _("digest entries")
        ordering = ["recipient", "created_at", "pk"]

    def __str__(self) -> str:
        return self.subject


class DataChange(models.Model):
    """A committed write to a scope's data: a county's (``county:<id>``) or the national rows' (``national``).

    The newest row of a scope is that scope's data version (``core.caching``): computed sections cached
    under an older version are never read again. Rows are written inside the writing transaction, so a
    version becomes visible exactly when the data it stands for does; the nightly job keeps the newest
    row of each scope only (``core.caching.prune_changes``).
    """

    scope = models.CharField(_("scope"), max_length=40)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("data change")
        verbose_name_plural = _("data changes")
        indexes = [models.Index(fields=["scope", "id"], name="core_datachange_scope_id")]

    def __str__(self) -> str:
        return f"{self.scope} #{self.pk}"
