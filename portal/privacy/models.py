import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import ReportStatus


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


def export_upload_to(instance, filename: str) -> str:
    return f"personuppgifter/{uuid.uuid4().hex}.pdf"


class PersonExport(models.Model):
    """A person's export as a PDF, produced in the background (``portal.tasks.build_personal_export``).

    ``person`` is the account it is about, or empty with ``name`` and ``email`` for someone without
    one. The file holds personal data: it is kept ``PERSONAL_EXPORT_KEEP_DAYS`` and deleted with the
    row (by the nightly job, or when the person is removed).
    """

    # Its pages are named by this random key, not by the row's id.
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True, max_length=200)

    class Meta:
        verbose_name = _("export of personal data")
        verbose_name_plural = _("exports of personal data")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name or self.email} ({self.created_at:%Y-%m-%d})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)
