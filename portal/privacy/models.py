from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RemovalReason(models.TextChoices):
    LEFT = "left", _("Removed by an administrator")
    RETENTION = "retention", _("Retention time passed after deactivation")


class PersonRemoval(models.Model):
    """The record that a person's personal data was removed: whose, by whom (none: the retention job),
    when, and how many rows each place changed ({place key: count}).

    ``person`` is the anonymised account (empty for someone who had none); the row is also in the
    change history, with ``removed_by`` as the one who made the change.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(_("removed"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=16, choices=RemovalReason.choices)
    changed = models.JSONField(_("rows changed"), default=dict, blank=True)
    history = HistoricalRecords()
    history_label = ("reason",)

    class Meta:
        verbose_name = _("removal of personal data")
        verbose_name_plural = _("removals of personal data")
        ordering = ["-removed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.removed_at:%Y-%m-%d})"
