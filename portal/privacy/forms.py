from django import forms
from django.utils.translation import gettext_lazy as _


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, e-mail address or user name"),
        max_length=150,
        required=False,
        help_text=_("Finds accounts, and people named in the portal without an account."),
    )


class RemovalForm(forms.Form):
    """The rows naming the person as text only, to choose among: one set of checkboxes per place."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = []
        for place, rows in choices:
            self.fields[place.key] = forms.TypedMultipleChoiceField(
                label=place.verbose_name,
                choices=rows,
                coerce=int,
                required=False,
                initial=[pk for pk, _label in rows],
                widget=forms.CheckboxSelectMultiple,
            )
            self.places.append(place)

    def chosen(self) -> dict[str, set[int]]:
        return {place.key: set(self.cleaned_data.get(place.key, ())) for place in self.places}
