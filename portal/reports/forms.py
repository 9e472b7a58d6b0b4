"""The form that asks for a report's period."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import DateInput
from portal.reports import services

DATE = DateInput()


class ReportRequestForm(forms.Form):
    period_start = forms.DateField(label=gettext_lazy("Period from"), widget=DATE)
    period_end = forms.DateField(label=gettext_lazy("Period to"), widget=DATE)

    def __init__(self, *args, suggestion: services.SuggestedPeriod, **kwargs):
        super().__init__(*args, initial={"period_start": suggestion.start, "period_end": suggestion.end}, **kwargs)
        if suggestion.after:
            self.fields["period_start"].help_text = _(
                "Suggested: the day after the period of the latest report, which ended %(date)s."
            ) % {"date": suggestion.after.isoformat()}
        else:
            self.fields["period_start"].help_text = _("Suggested: the first day of this quarter.")
        self.fields["period_end"].help_text = _("Suggested: today.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned
