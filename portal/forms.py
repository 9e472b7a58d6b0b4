from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from core.notices import Delivery, delivery_for, notice_kinds
from portal import services
from portal.sso.forms import refuse_password_when_off


class SignInForm(AuthenticationForm):
    """Django's sign-in form; a role whose password sign-in is turned off (``portal.sso``) is refused."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        refuse_password_when_off(user)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail is built and sent by the worker."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs) -> None:
        services.request_password_reset(
            self.cleaned_data["email"],
            domain=domain_override or (request.get_host() if request else "localhost"),
            use_https=use_https,
            language=translation.get_language() or "sv",
        )


class ProfileSettingsForm(forms.Form):
    """The person's language and, per kind of notice, how they get it (a field ``notice_<kind>`` each)."""

    language = forms.ChoiceField(
        label=_("Language of the portal and your e-mails"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language in its own name, as the language switch writes it.
        self.fields["language"].choices = [
            (code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES
        ]
        self.fields["language"].initial = user.language
        self.kinds = notice_kinds()
        labels = dict(Delivery.choices)
        for kind in self.kinds:
            self.fields[f"notice_{kind.code}"] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.help_text,
                choices=[(choice, labels[choice]) for choice in kind.choices],
                initial=delivery_for(user, kind.code),
                widget=forms.RadioSelect,
            )

    def notice_choices(self) -> dict[str, str]:
        return {kind.code: self.cleaned_data[f"notice_{kind.code}"] for kind in self.kinds}
