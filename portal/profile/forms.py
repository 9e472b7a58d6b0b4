"""The forms of the profile page besides the settings (``portal.forms.ProfileSettingsForm``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.profile.queries import email_taken


class NameForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        help_text=_("We send a link to the new address; your address changes when you follow it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError(_("This is already your e-mail address."))
        if email_taken(email, self.user):
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email
