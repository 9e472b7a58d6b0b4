"""A request to change an account's e-mail address, confirmed from the new address."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EmailChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(confirmed_at__isnull=True, cancelled_at__isnull=True)


class EmailChange(models.Model):
    """The person asked to use ``new_email``; it becomes their address once they follow the link
    sent to it (``confirmed_at``). A newer request, or the address becoming another account's,
    cancels it (``cancelled_at``). Each is used once: the link names the request."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_changes", verbose_name=_("user")
    )
    old_email = models.EmailField(_("previous e-mail address"), blank=True)
    new_email = models.EmailField(_("new e-mail address"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    history = HistoricalRecords()

    objects = EmailChangeQuerySet.as_manager()

    history_label = ("new_email",)

    class Meta:
        verbose_name = _("change of e-mail address")
        verbose_name_plural = _("changes of e-mail address")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.old_email or '–'} → {self.new_email}"
