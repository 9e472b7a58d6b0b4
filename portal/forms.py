from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from portal import services, tasks


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail is built and sent by the worker."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs) -> None:
        domain = domain_override or (request.get_host() if request else "localhost")
        language = translation.get_language() or "sv"
        for user in services.users_for_password_reset(self.cleaned_data["email"]):
            tasks.enqueue(tasks.send_password_reset_email, user.pk, domain, use_https, language)
