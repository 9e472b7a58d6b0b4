"""The form of the page where a user makes personal API keys."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=100,
        help_text=_("What you will use the key for, so you recognise it later."),
    )
