from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.editing import ParentAwareFormSet
from core.files.fields import DocumentField
from core.files.validation import megabytes
from core.forms import DateInput
from municipalities.models import (
    ComplianceItem,
    ComplianceState,
    Coordinator,
    CouncilMember,
    DocumentVisibility,
    KeyFigure,
    Municipality,
    Obligation,
)
from municipalities.services import MAX_IMPORT_BYTES


class MunicipalityProfileForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["police_area", "description", "council_name", "council_description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "council_description": forms.Textarea(attrs={"rows": 3}),
        }


CouncilMemberFormSet = inlineformset_factory(
    Municipality,
    CouncilMember,
    formset=ParentAwareFormSet,
    fields=["name", "organisation", "kind", "role"],
    extra=1,
    can_delete=True,
)

CoordinatorFormSet = inlineformset_factory(
    Municipality,
    Coordinator,
    formset=ParentAwareFormSet,
    fields=["name", "title", "email", "phone"],
    extra=1,
    can_delete=True,
)


class KeyFigureForm(forms.ModelForm):
    class Meta:
        model = KeyFigure
        fields = ["year", "population", "reported_crimes"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1968 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Give a year between 1968 and this year."))
        return year


KeyFigureFormSet = inlineformset_factory(
    Municipality,
    KeyFigure,
    form=KeyFigureForm,
    formset=ParentAwareFormSet,
    extra=1,
    can_delete=True,
)

# Which facts each obligation records, beyond status, date and notes.
OBLIGATION_FIELDS = {
    Obligation.SITUATION_ANALYSIS: ["covers_mapping", "covers_consequences", "covers_analysis"],
    Obligation.ACTION_PROGRAMME: ["decided_by", "period_start", "period_end"],
    Obligation.COORDINATING_FUNCTION: ["responsible"],
    Obligation.FOLLOW_UP: [],
}


class ComplianceItemForm(forms.ModelForm):
    document = DocumentField(label=_("Add a document"), required=False)
    document_visibility = forms.ChoiceField(
        label=_("Who may open the document"),
        choices=DocumentVisibility.choices,
        initial=DocumentVisibility.MUNICIPALITY,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Applies to the document you add now. A situation analysis can hold what is not for every "
            "actor: share it with the county only when everything in it may be read there."
        ),
    )

    class Meta:
        model = ComplianceItem
        fields = [
            "status",
            "date",
            "covers_mapping",
            "covers_consequences",
            "covers_analysis",
            "decided_by",
            "period_start",
            "period_end",
            "responsible",
            "notes",
        ]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, obligation: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"status", "date", "notes", "document", "document_visibility", *OBLIGATION_FIELDS[obligation]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def clean_document_visibility(self) -> str:
        # Not chosen (a form sent without the question): the document stays with the municipality.
        return self.cleaned_data.get("document_visibility") or DocumentVisibility.MUNICIPALITY

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if cleaned.get("status") == ComplianceState.IN_PLACE and not cleaned.get("date") and "date" in self.fields:
            self.add_error("date", _("Give the date of the document or decision when the item is in place."))
        return cleaned


class KeyFigureImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: kommunkod, år, folkmängd, anmälda brott (a header row first). "
            "Separated by semicolon or comma; numbers such as 1 234 are fine."
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB."),
                code="too_large",
                params={"size": megabytes(uploaded.size), "limit": megabytes(MAX_IMPORT_BYTES)},
            )
        return uploaded
