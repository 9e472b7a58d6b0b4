"""The county overview's filters and sorting (the page and its CSV and Excel exports), and the API's
query parameters of municipalities and of rows with a period."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from municipalities import queries
from municipalities.models import ComplianceState, County, Obligation


class OverviewFilterSet(django_filters.FilterSet):
    """Filters and sorting of the county overview; every field is optional.

    Compliance states are derived from dates, so ``queries.county_overview`` filters and sorts
    the county's rows; ``qs`` is that overview. An invalid query shows every municipality by name.
    """

    SORTS = [
        ("name", _("Name")),
        ("-population", _("Population, largest first")),
        ("-rate", _("Reported crimes per 100 000, highest first")),
        ("rate", _("Reported crimes per 100 000, lowest first")),
    ]
    q = django_filters.CharFilter(label=_("Municipality name"), max_length=100)
    obligation = django_filters.ChoiceFilter(
        label=_("Obligation"), choices=[("", _("Any obligation")), *Obligation.choices], empty_label=None
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=[("", _("Any state")), *ComplianceState.choices], empty_label=None
    )
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORTS, empty_label=None)

    def __init__(self, data=None, *, county: County, **kwargs):
        super().__init__(data, queryset=county.municipalities.none(), **kwargs)
        self.county = county

    @property
    def qs(self) -> queries.CountyOverview:
        params = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        return queries.county_overview(self.county, **{k: v for k, v in params.items() if v})


# --- The API's query parameters --------------------------------------------------------------
# The API's messages are English, as its documentation says; a present but blank parameter is an
# error (the schema gives codes and dates a minimum length), an absent one no filter.

COUNTY_CODE = r"^[0-9]{2}$"
MUNICIPALITY_CODE = r"^[0-9]{4}$"
BLANK = "This field may not be blank."
WRONG_DATE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."


class CodeField(forms.CharField):
    def to_python(self, value):
        if value is not None and not str(value).strip():
            raise ValidationError(BLANK, code="blank")
        return super().to_python(value)


class IsoDateField(forms.Field):
    def to_python(self, value):
        if value is None:
            return None
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(WRONG_DATE, code="invalid")
        return parsed


class CodeFilter(django_filters.CharFilter):
    """An SCB code; ``pattern`` is both the check and what the OpenAPI schema states."""

    field_class = CodeField

    def __init__(self, *args, pattern: str, message: str, **kwargs):
        self.pattern = pattern
        super().__init__(*args, validators=[RegexValidator(pattern, message)], **kwargs)


class IsoDateFilter(django_filters.Filter):
    field_class = IsoDateField


class MunicipalityFilterSet(django_filters.FilterSet):
    """The API's municipalities, by county."""

    county = CodeFilter(
        field_name="county__code",
        pattern=COUNTY_CODE,
        message="Expected a two-digit county code, e.g. 12.",
        help_text="Two-digit SCB county code, e.g. 12 (Skåne).",
    )


class PeriodForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", "period_to must not be before period_from.")
        return cleaned


class PeriodFilterSet(django_filters.FilterSet):
    """Rows with a period, by county and by overlap with ``period_from``–``period_to``.

    ``county_path`` is the lookup of the row's county code; ``period_start`` and ``period_end``
    its period's fields, years when ``by_year``.
    """

    county_path = "county__code"
    period_start, period_end, by_year = "period_start", "period_end", False

    county = CodeFilter(
        method="filter_county",
        pattern=COUNTY_CODE,
        message="Expected a two-digit county code, e.g. 12.",
        help_text="Two-digit SCB county code, e.g. 12 (Skåne).",
    )
    period_from = IsoDateFilter(method="filter_from", help_text="ISO date: only rows whose period ends on or after it.")
    period_to = IsoDateFilter(method="filter_to", help_text="ISO date: only rows whose period starts on or before it.")

    class Meta:
        form = PeriodForm

    def filter_county(self, queryset, name, value):
        return queryset.filter(**{self.county_path: value})

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.period_end}__gte": value.year if self.by_year else value})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.period_start}__lte": value.year if self.by_year else value})


class MunicipalPeriodFilterSet(PeriodFilterSet):
    """Rows of a municipality with a period: by county, municipality and period."""

    county_path = "municipality__county__code"

    municipality = CodeFilter(
        field_name="municipality__code",
        pattern=MUNICIPALITY_CODE,
        message="Expected a four-digit municipality code, e.g. 1281.",
        help_text="Four-digit SCB municipality code, e.g. 1281 (Lund).",
    )
