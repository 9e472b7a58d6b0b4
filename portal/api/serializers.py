"""Serializers of the read-only API: what each resource shows (the query parameters are FilterSets)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions.queries import plan_progress
from core.formatting import round_half_up
from municipalities.models import Obligation, compliance_state


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="What is wrong, in English.")
    field = serializers.CharField(allow_null=True, help_text="The query parameter at fault, if any.")


# --- Resources -------------------------------------------------------------------------------


class CountySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class KeyFigureSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    population = serializers.IntegerField()
    reported_crimes = serializers.IntegerField()
    crimes_per_100k = serializers.FloatField(help_text="Reported crimes per 100 000 inhabitants.")
    population_rank = serializers.IntegerField(help_text="1 = the largest population in the county that year.")
    crime_rank = serializers.IntegerField(help_text="1 = the most reported crimes in the county that year.")


class ComplianceSerializer(serializers.Serializer):
    obligation = serializers.ChoiceField(choices=Obligation.values)
    state = serializers.ChoiceField(choices=["missing", "in_progress", "in_place", "outdated"])
    date = serializers.DateField(allow_null=True)


class MunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    county = serializers.CharField(source="county.code")
    police_area = serializers.CharField()
    compliance = serializers.SerializerMethodField()
    latest_key_figures = serializers.SerializerMethodField()

    @extend_schema_field(ComplianceSerializer(many=True))
    def get_compliance(self, municipality):
        items = {item.obligation: item for item in municipality.compliance_items.all()}
        today = self.context["today"]
        return [
            {
                "obligation": obligation,
                "state": str(compliance_state(items.get(obligation), today)),
                "date": items[obligation].date if obligation in items else None,
            }
            for obligation in Obligation.values
        ]

    @extend_schema_field(KeyFigureSerializer(allow_null=True))
    def get_latest_key_figures(self, municipality):
        figure = self.context["latest"].get(municipality.pk)
        return KeyFigureSerializer(figure).data if figure else None


def _without_nested(fields: dict, name: str, context: dict) -> dict:
    """``fields`` less the nested list ``name`` when the caller asked ``nested=false``."""
    if context.get("nested", True) is False:
        fields.pop(name)
    return fields


class _ReadRows(serializers.Field):
    """A nested list read beforehand for the whole page, as dicts by the parent's id
    (``actions.queries.measure_rows_by_plan``, ``agreements.queries.commitment_rows_by_pledge``): the
    values ``MeasureSerializer`` and ``CommitmentSerializer`` give, without a model object and a
    serializer a row."""

    def __init__(self, *, rows: dict[int, list[dict]]):
        super().__init__(source="pk", read_only=True)
        self.rows = rows

    def to_representation(self, value):
        return self.rows.get(value, [])


class MeasureSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    lead_actor = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(help_text="The status of the latest progress update, if any.")
    status_code = serializers.SerializerMethodField()
    progress = serializers.IntegerField(help_text="Percent done.")
    start_date = serializers.DateField(allow_null=True)
    target_date = serializers.DateField(allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_lead_actor(self, measure) -> str | None:
        lead = measure.lead()
        return lead.actor.name if lead else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status(self, measure):
        return str(measure.status) if measure.status else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_code(self, measure):
        return measure.status.code if measure.status else None


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    county = serializers.CharField(source="county.code")
    status = serializers.CharField()
    adopted_on = serializers.DateField(allow_null=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    description = serializers.CharField()
    progress = serializers.SerializerMethodField(help_text="Weighted mean progress of the measures, in percent.")
    measures = MeasureSerializer(
        many=True, source="measures.all", required=False, help_text="The plan's measures; left out with nested=false."
    )

    def get_fields(self):
        fields = _without_nested(super().get_fields(), "measures", self.context)
        if "measures" in fields and "measure_rows" in self.context:
            fields["measures"] = _ReadRows(rows=self.context["measure_rows"])
        return fields

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_progress(self, plan):
        if "progress" in self.context:  # summed in the database when the measures are not read
            progress = self.context["progress"].get(plan.pk)
        else:
            progress = plan_progress(plan.measures.all())
        return None if progress is None else float(round_half_up(progress, 1))


class CommitmentSerializer(serializers.Serializer):
    commitment = serializers.CharField()
    carried_out_by = serializers.CharField()
    status = serializers.CharField()


class PledgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    municipality = serializers.CharField(source="municipality.code")
    county = serializers.CharField(source="municipality.county.code")
    police_area = serializers.CharField()
    status = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    published_on = serializers.DateField(allow_null=True)
    background = serializers.CharField()
    commitments = CommitmentSerializer(
        many=True,
        source="commitments.all",
        required=False,
        help_text="The pledge's commitments; left out with nested=false.",
    )

    def get_fields(self):
        fields = _without_nested(super().get_fields(), "commitments", self.context)
        if "commitments" in fields and "commitment_rows" in self.context:
            fields["commitments"] = _ReadRows(rows=self.context["commitment_rows"])
        return fields


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    municipality = serializers.CharField(source="municipality.code")
    county = serializers.CharField(source="municipality.county.code")
    police_area = serializers.CharField()
    other_parties = serializers.CharField()
    status = serializers.CharField()
    step = serializers.CharField()
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()
    signed_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    focus_areas = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_focus_areas(self, agreement):
        return [str(area) for area in agreement.focus_areas.all()]
