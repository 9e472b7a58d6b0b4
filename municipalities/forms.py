from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.editing import ParentAwareFormSet
from core.files.fields import DocumentField
from core.files.validation import megabytes
from core.forms import DateInput
from municipalities.models import (
    POPULATION,
    REPORTED_CRIMES,
    ComplianceItem,
    ComplianceState,
    Coordinator,
    CouncilMember,
    DocumentVisibility,
    KeyFigure,
    KeyFigureKind,
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
        fields = ["kind", "year", "value"]
        localized_fields = ["value"]  # "14,5" in Swedish

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # 128000, not 128000,0000
            self.initial["value"] = format(self.instance.value.normalize(), "f")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1968 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Give a year between 1968 and this year."))
        return year

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value is not None:
            if value < 0:
                self.add_error("value", _("The value cannot be below zero."))
            elif kind.code == POPULATION and value == 0:
                self.add_error("value", _("The population must be above zero."))
            elif kind.code in (POPULATION, REPORTED_CRIMES) and value != value.to_integral_value():
                self.add_error("value", _("Give a whole number."))
        return cleaned


class BaseKeyFigureFormSet(ParentAwareFormSet):
    """The figures typed in by hand: population and reported crimes in total, one row per kind and year."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "queryset", KeyFigure.objects.base_kinds().select_related("kind").order_by("-year", "kind__name")
        )
        super().__init__(*args, **kwargs)
        self.limit_choices("kind", KeyFigureKind.objects.filter(code__in=[POPULATION, REPORTED_CRIMES]))

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            key = (form.cleaned_data.get("kind"), form.cleaned_data.get("year"))
            if None in key:
                continue
            if key in seen:
                form.add_error("year", _("This kind already has a value for the year."))
            seen.add(key)


KeyFigureFormSet = inlineformset_factory(
    Municipality,
    KeyFigure,
    form=KeyFigureForm,
    formset=BaseKeyFigureFormSet,
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


class FollowKoladaForm(forms.Form):
    kpi = forms.RegexField(
        label=_("Kolada key figure (KPI id)"),
        regex=r"^[A-Za-z]\d{5}$",
        max_length=6,
        help_text=_("For example N07403. The id is shown on each key figure's page at kolada.se."),
        error_messages={"invalid": _("A KPI id is a letter and five digits, for example N07403.")},
    )

    def clean_kpi(self) -> str:
        return self.cleaned_data["kpi"].upper()


class FetchKeyFiguresForm(forms.Form):
    first_year = forms.IntegerField(label=_("From year"), min_value=1968)
    last_year = forms.IntegerField(label=_("To year"), min_value=1968)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = timezone.localdate().year - 1
        self.fields["first_year"].initial = last - 4
        self.fields["last_year"].initial = last
        self.fields["last_year"].max_value = last + 1

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last:
            if last < first:
                self.add_error("last_year", _("The last year cannot be before the first."))
            elif last - first > 20:
                self.add_error("first_year", _("Fetch at most 21 years at a time."))
            elif last > timezone.localdate().year:
                self.add_error("last_year", _("Give a year up to this year."))
        return cleaned


class FollowBraForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Brå crime category"), queryset=KeyFigureKind.objects.none())

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds.exclude(code=REPORTED_CRIMES).order_by("name")


class BraFileForm(forms.Form):
    file = forms.FileField(
        label=_("File exported from Brå's statistics database"),
        help_text=_(
            "CSV or Excel, with the columns Region (e.g. 1281 Lund), Brottskategori, År and Antal. "
            "Nothing is saved until you have reviewed the values."
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


class ScbFileForm(BraFileForm):
    file = forms.FileField(
        label=_("Population from SCB's statistics API (JSON-stat 2)"),
        help_text=_(
            "Table BE0101N1 with the regions and years you want, saved as json-stat2. "
            "Nothing is saved until you have reviewed the values."
        ),
    )
