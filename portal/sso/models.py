"""Who signed in through which identity provider, and which roles may still use a password."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.roles import Role


class IdentityLink(models.Model):
    """A person at an identity provider (issuer + subject) bound to one account.

    Made at the first sign-in, when the provider's verified e-mail address matched the account (or an
    invitation); every later sign-in is matched by issuer and subject alone, so an address changed at
    the provider never leads to another account. An account has at most one identity per issuer.
    """

    provider = models.CharField(_("identity provider"), max_length=40)
    issuer = models.URLField(_("issuer"), max_length=300)
    subject = models.CharField(_("identity at the provider"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_links", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # The time of each sign-in is not a change to the link: it is left out of the history.
    history = HistoricalRecords(excluded_fields=["last_used_at"])
    history_label = ("provider", "user__username")

    class Meta:
        verbose_name = _("identity link")
        verbose_name_plural = _("identity links")
        ordering = ["user", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identitylink_unique_identity"),
            models.UniqueConstraint(fields=["issuer", "user"], name="identitylink_one_per_issuer_and_user"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.user}"


class SignInPolicy(models.Model):
    """Whether the holders of a role may sign in with the portal's own password.

    A role without a row may. Turned off, an account holding the role signs in only through an
    identity provider (``portal.sso.queries.password_sign_in_allowed``).
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, unique=True)
    password_allowed = models.BooleanField(
        _("password sign-in allowed"),
        default=True,
        help_text=_("Turned off, people with this role sign in only through their organisation's identity provider."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")
        ordering = ["role"]

    def __str__(self) -> str:
        return str(self.get_role_display())


class UsedNonce(models.Model):
    """The nonce of every ID token accepted: a token is accepted once, even by two racing requests."""

    nonce = models.CharField(max_length=255, unique=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("used nonce")
        verbose_name_plural = _("used nonces")

    def __str__(self) -> str:
        return self.nonce
