from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from portal import services


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail is built and sent by the worker."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs) -> None:
        services.request_password_reset(
            self.cleaned_data["email"],
            domain=domain_override or (request.get_host() if request else "localhost"),
            use_https=use_https,
            language=translation.get_language() or "sv",
        )
