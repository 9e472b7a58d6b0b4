"""The columns of the county overview when it is exported (CSV or Excel), as shown on the page."""

from django.utils.translation import gettext

from core.exports import Column
from municipalities.models import ComplianceState, Obligation


def overview_columns() -> list[Column]:
    state_columns = [
        Column(str(label), lambda row, value=value: str(ComplianceState(row.states[value]).label))
        for value, label in Obligation.choices
    ]
    return [
        Column(gettext("Municipality code"), lambda row: row.municipality.code),
        Column(gettext("Municipality"), lambda row: row.municipality.name),
        Column(gettext("Year"), lambda row: row.latest.year if row.latest else None),
        Column(gettext("Population"), lambda row: row.latest.population if row.latest else None),
        Column(gettext("Reported crimes"), lambda row: row.latest.reported_crimes if row.latest else None),
        Column(
            gettext("Reported crimes per 100 000"),
            lambda row: round(row.latest.crimes_per_100k, 1) if row.latest else None,
        ),
        *state_columns,
        Column(gettext("Coordinator"), lambda row: ", ".join(c.name for c in row.coordinators)),
        Column(gettext("Support activities"), lambda row: row.support_activities),
    ]
