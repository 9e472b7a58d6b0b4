"""The password check of the sign-in forms: a role whose password sign-in is turned off is refused."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from .queries import password_sign_in_allowed

PASSWORD_OFF_MESSAGE = _(
    "Your account signs in through your organisation's identity provider, not with a password: "
    "use the button for your organisation below."
)


ADMIN_PASSWORD_OFF_MESSAGE = _(
    "Your account signs in through your organisation's identity provider, not with a password: "
    "sign in on the portal's sign-in page with the button for your organisation, then open the administration."
)


def refuse_password_when_off(user, message=PASSWORD_OFF_MESSAGE) -> None:
    """Raise the form error when one of the person's roles has password sign-in turned off. Called by a
    form's ``confirm_login_allowed``, after the password was checked: it tells nothing about an account
    to whoever does not know its password."""
    if not password_sign_in_allowed(user):
        raise forms.ValidationError(message, code="password_sign_in_off")


class AdminSignInForm(AdminAuthenticationForm):
    """The admin site's sign-in form, with the same refusal as the portal's (``portal.forms.SignInForm``)."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        refuse_password_when_off(user, ADMIN_PASSWORD_OFF_MESSAGE)
