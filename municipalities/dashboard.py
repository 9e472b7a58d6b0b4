"""The compliance parts of the dashboards (``portal.dashboard``): the county's matrix, a
municipality's gaps and each county's share of municipalities in compliance.

Each reads what it is given or a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from core import formatting
from core.registry import list_url
from municipalities.models import (
    ComplianceItem,
    ComplianceState,
    County,
    Municipality,
    Obligation,
    compliance_state,
    outdated_before,
)

# --- The county's matrix (coordinators and the steering group) --------------------------------------


@dataclass
class MatrixCell:
    state: str
    label: str
    count: int
    url: str


@dataclass
class MatrixRow:
    obligation: str
    label: str
    cells: list[MatrixCell]


def compliance_matrix(county: County, overview) -> list[MatrixRow]:
    """The rows of ``county_overview``'s matrix, each count linked to the municipalities it counts."""
    rows = []
    for obligation, label, counts in overview.matrix:
        cells = [
            MatrixCell(
                state,
                str(state_label),
                counts[state],
                list_url("municipalities:county_detail", {"obligation": obligation, "state": state}, code=county.code),
            )
            for state, state_label in ComplianceState.choices
        ]
        rows.append(MatrixRow(obligation, str(label), cells))
    return rows


# --- A municipality's gaps (municipal officers) -----------------------------------------------------


@dataclass
class ComplianceGap:
    label: str
    state: str
    url: str


def compliance_gaps(user, municipalities: list[Municipality], today: datetime.date) -> dict[int, list[ComplianceGap]]:
    """Each municipality's obligations that are not in place, with the form that records them (one query)."""
    ids = [m.pk for m in municipalities]
    items: dict[int, dict[str, ComplianceItem]] = defaultdict(dict)
    for item in ComplianceItem.objects.visible_to(user).filter(municipality_id__in=ids):
        items[item.municipality_id][item.obligation] = item
    gaps: dict[int, list[ComplianceGap]] = {}
    for municipality in municipalities:
        gaps[municipality.pk] = []
        for obligation, label in Obligation.choices:
            state = compliance_state(items[municipality.pk].get(obligation), today)
            if state != ComplianceState.IN_PLACE:
                url = list_url("municipalities:compliance_edit", code=municipality.code, obligation=obligation)
                gaps[municipality.pk].append(ComplianceGap(str(label), state, url))
    return gaps


# --- Every county's compliance (national administrators) --------------------------------------------


@dataclass
class ComplianceShare:
    label: str
    count: int
    percent: int | None  # rounded half up, as every percentage (core.formatting)
    url: str


def counties_with_municipality_counts() -> list[County]:
    """Every county, by code, with ``municipality_count`` (one query)."""
    return list(County.objects.annotate(municipality_count=Count("municipalities")).order_by("code"))


def compliance_shares(counties: list[County], today: datetime.date) -> dict[int, list[ComplianceShare]]:
    """For each county (with ``municipality_count``), its municipalities in compliance per obligation (one query)."""
    in_place: dict[tuple[int, str], int] = {
        (county_id, obligation): count
        for county_id, obligation, count in ComplianceItem.objects.filter(status=ComplianceState.IN_PLACE)
        .filter(Q(date__isnull=True) | Q(date__gte=outdated_before(today)))
        .values_list("municipality__county_id", "obligation")
        .annotate(count=Count("id"))
        .values_list("municipality__county_id", "obligation", "count")
        .order_by()
    }
    shares: dict[int, list[ComplianceShare]] = {}
    for county in counties:
        total = county.municipality_count
        shares[county.pk] = []
        for obligation, label in Obligation.choices:
            count = in_place.get((county.pk, obligation), 0)
            shares[county.pk].append(
                ComplianceShare(
                    str(label),
                    count,
                    int(formatting.round_half_up(100 * count / total)) if total else None,
                    list_url(
                        "municipalities:county_detail",
                        {"obligation": obligation, "state": ComplianceState.IN_PLACE},
                        code=county.code,
                    ),
                )
            )
    return shares
