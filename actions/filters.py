"""The plan page's measure filters: one FilterSet for the page and its CSV and Excel exports."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from actions import queries
from actions.models import ActionPlan, Actor, Measure, ProgressStatus
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
