"""The agreement lists' filters: one FilterSet per list, for the page and its CSV and Excel exports."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from actions.filters import RoundRequestFilterSet
from agreements import queries
from agreements.models import MunicipalRequest
from municipalities.filters import MunicipalPeriodFilterSet
from municipalities.models import County


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class CountyListFilterSet(django_filters.FilterSet):
    """A county-wide list of pledges, follow-ups or reviews, by municipality name and year.

    ``queryset`` is the county's rows as the user may see them; ``date_field`` the date whose year
    the year filter reads. An invalid query shows every row.
    """

    q = django_filters.CharFilter(
        label=_("Municipality name"), field_name="municipality__name", lookup_expr="icontains", max_length=100
    )
    year = YearFilter(label=_("Year"), method="filter_year", min_value=2000, max_value=2100)

    def __init__(self, data=None, *, queryset, date_field: str, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.date_field = date_field

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__year": value})

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.all()
        return super().qs


class OverviewFilterSet(django_filters.FilterSet):
    """The county's agreement overview, by municipality name and what is missing or late.

    States are derived from dates, so ``queries.county_agreements`` filters the county's rows.
    An invalid query shows every municipality.
    """

    STATES = [
        ("", _("Any")),
        ("no_agreement", _("No active agreement")),
        ("no_pledge", _("No current pledge")),
        ("follow_up_missing", _("Follow-up missing")),
        ("overdue", _("Overdue deadline")),
    ]
    q = django_filters.CharFilter(label=_("Municipality name"), max_length=100)
    state = django_filters.ChoiceFilter(label=_("Show"), choices=STATES, empty_label=None)

    def __init__(self, data=None, *, county: County, request, **kwargs):
        super().__init__(data, queryset=county.municipalities.none(), request=request, **kwargs)
        self.county = county

    @property
    def qs(self):
        params = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        return queries.county_agreements(
            self.county, self.request.user, q=params.get("q", ""), state=params.get("state", "")
        )


class PledgeFilterSet(MunicipalPeriodFilterSet):
    """The API's citizen pledges: by county, municipality and period."""


class AgreementFilterSet(MunicipalPeriodFilterSet):
    """The API's cooperation agreements: by county, municipality and period, which is by year."""

    period_start, period_end, by_year = "start_year", "end_year", True


class MunicipalRequestFilterSet(RoundRequestFilterSet):
    """A municipal round's requests by state, for its page and its exports: the plan rounds' filter
    (the state is annotated by ``MunicipalRequestQuerySet.with_state`` in the same way)."""

    class Meta(RoundRequestFilterSet.Meta):
        model = MunicipalRequest
