"""What the public pages read: public material only, in a fixed number of queries per page.

Every row comes through ``Model.objects.public()`` (the one definition of public that the open-data
API reads too, ``portal/api/public.py``). Nothing here reads a person's e-mail address or telephone
number: people appear only as the agreement prints them (a signatory's name and title).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from actions.models import ActionPlan, Measure, MeasureActor, PlanDocument, SupportActivity
from agreements.models import (
    AgreementDocument,
    CitizenPledge,
    CooperationAgreement,
    FollowUp,
    FollowUpItem,
    PledgeCommitment,
    Problem,
)
from core.collation import swedish_key
from municipalities.models import ComplianceItem, ComplianceState, County, Municipality, Obligation, compliance_state
from portal.models import PublicContact


def slug_of(name: str) -> str:
    """The name as it stands in a public URL: "Hässleholm" → "hassleholm", "Skåne län" → "skane-lan"."""
    return slugify(name)


def _by_slug(queryset, slug: str):
    """The one row of ``queryset`` whose name has this slug, or None (one query over names and ids)."""
    for pk, name in queryset.values_list("pk", "name"):
        if slug_of(name) == slug:
            return queryset.get(pk=pk)
    return None


def municipality_by_slug(slug: str) -> Municipality | None:
    return _by_slug(Municipality.objects.select_related("county"), slug)


def county_by_slug(slug: str) -> County | None:
    return _by_slug(County.objects.all(), slug)


# --- The parts of a municipality's page --------------------------------------------------------------


def _public_follow_ups() -> Prefetch:
    items = FollowUpItem.objects.select_related("commitment", "deliverable")
    return Prefetch(
        "follow_ups",
        queryset=FollowUp.objects.public().prefetch_related(Prefetch("items", queryset=items)),
        to_attr="public_follow_ups",
    )


def pledges_with_follow_ups(queryset):
    """Public pledges with their commitments and published follow-ups (three queries more)."""
    return queryset.public().prefetch_related(
        Prefetch("commitments", queryset=PledgeCommitment.objects.order_by("pk")), _public_follow_ups()
    )


def agreements_in_full(queryset, *, follow_ups: bool = True):
    """Public agreements with what their public page shows: focus areas, the problem → cause → goal
    chain, signatories, public documents and, with ``follow_ups`` (the agreement's own page), the
    deliverables and the published follow-ups."""
    parts = [
        "focus_areas",
        Prefetch("problems", queryset=Problem.objects.select_related("focus_area")),
        "signatories",
        Prefetch("documents", queryset=AgreementDocument.objects.public(), to_attr="public_documents"),
    ]
    if follow_ups:
        parts += ["deliverables", _public_follow_ups()]
    return queryset.public().select_related("municipality").prefetch_related(*parts)


@dataclass
class MunicipalityPage:
    municipality: Municipality
    current_pledges: list[CitizenPledge]
    earlier_pledges: list[CitizenPledge]
    agreement: CooperationAgreement | None
    earlier_agreements: list[CooperationAgreement]
    duties: list[tuple[str, str, ComplianceItem | None]]  # (obligation label, state, item)
    contact: PublicContact | None = None


def _is_current(start: datetime.date | int, end: datetime.date | int, today: datetime.date) -> bool:
    if isinstance(start, int):
        return start <= today.year <= end
    return start <= today <= end


def municipality_page(municipality: Municipality, today: datetime.date | None = None) -> MunicipalityPage:
    today = today or timezone.localdate()
    pledges = list(pledges_with_follow_ups(CitizenPledge.objects.filter(municipality=municipality)))
    agreements = list(
        agreements_in_full(CooperationAgreement.objects.filter(municipality=municipality), follow_ups=False)
    )
    in_force = [a for a in agreements if a.status == "active" and _is_current(a.start_year, a.end_year, today)]
    agreement = in_force[0] if in_force else None
    items = {item.obligation: item for item in ComplianceItem.objects.filter(municipality=municipality)}
    return MunicipalityPage(
        municipality=municipality,
        current_pledges=[p for p in pledges if _is_current(p.period_start, p.period_end, today)],
        earlier_pledges=[p for p in pledges if not _is_current(p.period_start, p.period_end, today)],
        agreement=agreement,
        earlier_agreements=[a for a in agreements if a is not agreement],
        duties=[
            (label, compliance_state(items.get(value), today), items.get(value)) for value, label in Obligation.choices
        ],
        contact=PublicContact.objects.filter(municipality=municipality).first(),
    )


def public_pledge(municipality: Municipality, pk: int) -> CitizenPledge | None:
    queryset = CitizenPledge.objects.filter(municipality=municipality, pk=pk).select_related("agreement")
    return pledges_with_follow_ups(queryset).first()


def public_agreement(municipality: Municipality, pk: int) -> CooperationAgreement | None:
    return agreements_in_full(CooperationAgreement.objects.filter(municipality=municipality, pk=pk)).first()


# --- A county's page -----------------------------------------------------------------------------------


@dataclass
class MunicipalityRow:
    municipality: Municipality
    current_pledges: list[CitizenPledge]
    states: list[tuple[str, str]]  # (obligation label, state)

    @property
    def slug(self) -> str:
        return slug_of(self.municipality.name)


@dataclass
class CountyPage:
    county: County
    rows: list[MunicipalityRow]
    plans: list[ActionPlan]
    support_activities: list[SupportActivity]
    # (obligation label, {state: count}) over the county's municipalities
    compliance: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    contact: PublicContact | None = None


def county_page(county: County, today: datetime.date | None = None) -> CountyPage:
    today = today or timezone.localdate()
    municipalities = sorted(county.municipalities.all(), key=lambda m: swedish_key(m.name))
    current = CitizenPledge.objects.public().filter(
        municipality__county=county, period_start__lte=today, period_end__gte=today
    )
    pledges: dict[int, list[CitizenPledge]] = {}
    for pledge in current.order_by("period_start", "pk"):
        pledges.setdefault(pledge.municipality_id, []).append(pledge)
    items: dict[int, dict[str, ComplianceItem]] = {}
    for item in ComplianceItem.objects.filter(municipality__county=county):
        items.setdefault(item.municipality_id, {})[item.obligation] = item
    rows = []
    counts = {value: dict.fromkeys(ComplianceState.values, 0) for value in Obligation.values}
    for municipality in municipalities:
        own = items.get(municipality.pk, {})
        states = []
        for value, label in Obligation.choices:
            state = compliance_state(own.get(value), today)
            counts[value][state] += 1
            states.append((label, state))
        rows.append(MunicipalityRow(municipality, pledges.get(municipality.pk, []), states))
    participants = MeasureActor.objects.select_related("actor").order_by("role", "actor__name")
    measures = Measure.objects.select_related("latest_update__status").prefetch_related(
        Prefetch("participants", queryset=participants)
    )
    plans = list(
        ActionPlan.objects.public()
        .filter(county=county, status="active")
        .prefetch_related(
            Prefetch("measures", queryset=measures),
            "adopting_actors",
            Prefetch("documents", queryset=PlanDocument.objects.public(), to_attr="public_documents"),
        )
    )
    activities = list(SupportActivity.objects.public().filter(county=county).prefetch_related("municipalities"))
    return CountyPage(
        county=county,
        rows=rows,
        plans=plans,
        support_activities=activities,
        compliance=[(label, counts[value]) for value, label in Obligation.choices],
        contact=PublicContact.objects.filter(county=county, municipality__isnull=True).first(),
    )


# --- Sweden: the counties side by side ---------------------------------------------------------------------


@dataclass
class CountyRow:
    county: County
    municipalities: int
    with_pledge: int
    with_agreement: int
    all_duties_in_place: int

    @property
    def slug(self) -> str:
        return slug_of(self.county.name)


def sweden_page(today: datetime.date | None = None) -> list[CountyRow]:
    today = today or timezone.localdate()
    counties = list(County.objects.order_by("code"))
    municipality_county = dict(Municipality.objects.values_list("pk", "county_id"))
    with_pledge = set(
        CitizenPledge.objects.public()
        .filter(period_start__lte=today, period_end__gte=today)
        .values_list("municipality_id", flat=True)
    )
    with_agreement = set(
        CooperationAgreement.objects.public()
        .filter(status="active", start_year__lte=today.year, end_year__gte=today.year)
        .values_list("municipality_id", flat=True)
    )
    in_place: dict[int, int] = {}
    for item in ComplianceItem.objects.filter(status=ComplianceState.IN_PLACE):
        if compliance_state(item, today) == ComplianceState.IN_PLACE:
            in_place[item.municipality_id] = in_place.get(item.municipality_id, 0) + 1
    rows = {county.pk: CountyRow(county, 0, 0, 0, 0) for county in counties}
    for municipality_id, county_id in municipality_county.items():
        row = rows[county_id]
        row.municipalities += 1
        row.with_pledge += municipality_id in with_pledge
        row.with_agreement += municipality_id in with_agreement
        row.all_duties_in_place += in_place.get(municipality_id, 0) == len(Obligation.values)
    return list(rows.values())
