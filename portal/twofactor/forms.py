from django import forms
from django.utils.translation import gettext_lazy as _


class StepForm(forms.Form):
    """The second step at sign-in: a code from the app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class ConfirmAppForm(forms.Form):
    """The first code of a newly added authenticator app, which proves it was set up right."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        help_text=_("Six digits. A code is valid for 30 seconds."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
