"""The filters of the plan page's measures and a round's requests: one FilterSet each for a page and its exports."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from actions import queries
from actions.models import OUTSTANDING_STATES, ActionPlan, Actor, Measure, ProgressStatus, RequestState, RoundRequest
from municipalities.filters import PeriodFilterSet


class MeasureFilterSet(django_filters.FilterSet):
    """Filters a plan's measures by status, actor and flag.

    Flags are derived from dates, so the filtering runs on the plan's rows (``queries.filter_measures``),
    not in SQL: ``measures`` is the plan's list of measures (``queries.plan_measures``). An invalid
    query shows every measure.
    """

    FLAG_CHOICES = [("", _("Any")), ("overdue", _("Overdue")), ("stale", _("No recent update"))]

    status = django_filters.ChoiceFilter(label=_("Status"), empty_label=None)
    actor = django_filters.ModelChoiceFilter(
        label=_("Actor"), queryset=Actor.objects.none(), empty_label=_("Any actor")
    )
    flag = django_filters.ChoiceFilter(label=_("Flag"), choices=FLAG_CHOICES, empty_label=None)

    def __init__(self, data=None, *, measures: list[Measure], plan: ActionPlan, **kwargs):
        super().__init__(data, queryset=Measure.objects.none(), **kwargs)
        self.measures = measures
        statuses = ProgressStatus.objects.for_county(plan.county_id)
        self.filters["status"].extra["choices"] = [
            ("", _("Any status")),
            ("none", _("No update yet")),
            *((s.code, str(s)) for s in statuses),
        ]
        self.filters["actor"].queryset = Actor.objects.filter(measure_roles__measure__plan=plan).distinct()

    @property
    def qs(self):
        if not self.is_bound or not self.is_valid():
            return self.measures
        data = self.form.cleaned_data
        return queries.filter_measures(self.measures, status=data["status"], actor=data["actor"], flag=data["flag"])


class PlanFilterSet(PeriodFilterSet):
    """The API's action plans: by county and period."""


class RoundRequestFilterSet(django_filters.FilterSet):
    """A round's requests by state, for its page and its CSV and Excel exports (the state is annotated
    by ``RoundRequestQuerySet.with_state``, so the filter runs in the database)."""

    state = django_filters.ChoiceFilter(
        label=_("State"),
        field_name="state_code",
        choices=[
            ("outstanding", _("Not answered yet")),
            ("answered", _("Submitted or approved")),
            *RequestState.choices,
        ],
        empty_label=_("Any state"),
        method="filter_state",
    )

    class Meta:
        model = RoundRequest
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        if value == "outstanding":
            return queryset.filter(state_code__in=OUTSTANDING_STATES)
        if value == "answered":
            return queryset.filter(state_code__in=(RequestState.SUBMITTED, RequestState.APPROVED))
        return queryset.filter(state_code=value)
