"""What the pages and dashboards read of agreements, pledges, follow-ups and reviews.

Reads only: every write is in ``services.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from actions.models import RoundStatus
from agreements.models import (
    AgreementStatus,
    CitizenPledge,
    CooperationAgreement,
    Deliverable,
    FollowUp,
    MunicipalRequest,
    MunicipalRound,
    Party,
    PledgeCommitment,
    PledgeStatus,
    Problem,
    QualityReview,
    Signatory,
)
from agreements.reminders import deadlines
from core.collation import swedish_key
from core.history import change_log
from core.people import reachable_grants
from core.roles import Role
from core.rounds import RoundCounts
from municipalities.models import County, Municipality


def follow_up_items(target: CitizenPledge | CooperationAgreement) -> list[tuple[int, str]]:
    """What a follow-up of ``target`` asks about: its commitments, or its deliverables."""
    if isinstance(target, CitizenPledge):
        return [(c.pk, str(c)) for c in target.commitments.all()]
    return [(d.pk, d.title) for d in target.deliverables.all()]


def pledge_follow_up_missing(pledge: CitizenPledge, today: datetime.date | None = None) -> bool:
    """A published pledge whose period has ended with no follow-up.

    Reads the ``has_follow_up`` annotation when the queryset has it (``county_agreements``),
    else the pledge's follow-ups (prefetch them for a list).
    """
    today = today or timezone.localdate()
    if pledge.status != PledgeStatus.PUBLISHED or pledge.period_end >= today:
        return False
    has_follow_up = getattr(pledge, "has_follow_up", None)
    return not (pledge.follow_ups.all() if has_follow_up is None else has_follow_up)


def history(target: CitizenPledge | CooperationAgreement, limit: int = 20):
    if isinstance(target, CitizenPledge):
        return change_log(
            CitizenPledge.history.filter(id=target.pk),
            PledgeCommitment.history.filter(pledge_id=target.pk),
            QualityReview.history.filter(pledge_id=target.pk),
            limit=limit,
        )
    return change_log(
        CooperationAgreement.history.filter(id=target.pk),
        Signatory.history.filter(agreement_id=target.pk),
        Problem.history.filter(agreement_id=target.pk),
        Deliverable.history.filter(agreement_id=target.pk),
        QualityReview.history.filter(agreement_id=target.pk),
        limit=limit,
    )


@dataclass
class MunicipalityAgreements:
    municipality: Municipality
    agreement: CooperationAgreement | None
    current_pledges: list[CitizenPledge]
    follow_up_missing: list[CitizenPledge]
    latest_review: QualityReview | None
    next_deadline: object | None
    overdue: bool
    review_trend: list[int] = field(default_factory=list)
    has_pledges: bool = False
    # The open deadlines that are overdue or due within a year, by due date.
    deadlines: list = field(default_factory=list)


def _readable(model, user):
    manager = model.objects
    return manager.visible_to(user) if user is not None else manager.filter(manager.all().public_q)


def county_agreements(county: County, user, *, q: str = "", state: str = "", today=None, municipalities=None):
    """Every municipality of the county with its agreement, pledges, follow-up state, latest
    review and deadlines, in a fixed number of queries, as ``user`` may see them.

    ``municipalities``: the county's municipalities when the caller has read them already.
    """
    today = today or timezone.localdate()
    municipalities = list(county.municipalities.all()) if municipalities is None else list(municipalities)
    # Without a user (reports for the steering group), only what is published in the county.
    agreements = _readable(CooperationAgreement, user).filter(municipality__county=county)
    # Whether each pledge has a follow-up, not the follow-ups: a county has thousands of them.
    # Only what the rows show of a pledge: a county has thousands, and each field read costs.
    pledges = (
        _readable(CitizenPledge, user)
        .filter(municipality__county=county)
        .only("id", "municipality_id", "title", "status", "period_start", "period_end")
        .annotate(has_follow_up=Exists(FollowUp.objects.approved().filter(pledge=OuterRef("pk"))))
    )
    reviews = QualityReview.objects.all() if user is None else QualityReview.objects.visible_to(user)
    reviews = reviews.filter(municipality__county=county).defer("comments").order_by("date", "pk")
    pledges = list(pledges.order_by("period_start"))
    # Published pledges are readable by everyone who reads the county: ``pledges`` holds them all.
    upcoming = deadlines(
        municipality_ids=[m.pk for m in municipalities],
        today=today,
        horizon_days=366,
        pledges=pledges,
        agreements=agreements,
    )

    by_municipality: dict[int, MunicipalityAgreements] = {
        m.pk: MunicipalityAgreements(m, None, [], [], None, None, False) for m in municipalities
    }
    for agreement in agreements.order_by("start_year"):
        row = by_municipality[agreement.municipality_id]
        if row.agreement is None or agreement.status == AgreementStatus.ACTIVE:
            row.agreement = agreement
    for pledge in pledges:
        row = by_municipality[pledge.municipality_id]
        row.has_pledges = True
        if pledge.is_current(today):
            row.current_pledges.append(pledge)
        if pledge_follow_up_missing(pledge, today):
            row.follow_up_missing.append(pledge)
    for review in reviews:
        row = by_municipality[review.municipality_id]
        row.latest_review = review
        row.review_trend.append(review.percent)
    for deadline in upcoming:
        row = by_municipality[deadline.municipality_id]
        if row.next_deadline is None:
            row.next_deadline = deadline
        row.deadlines.append(deadline)
        row.overdue = row.overdue or deadline.due_date < today

    rows = sorted(by_municipality.values(), key=lambda r: swedish_key(r.municipality.name))
    return _filter_rows(rows, q=q, state=state)


def _filter_rows(rows: list[MunicipalityAgreements], *, q: str, state: str) -> list[MunicipalityAgreements]:
    if q:
        rows = [r for r in rows if q.casefold() in r.municipality.name.casefold()]
    keep = {
        "no_agreement": lambda r: not (r.agreement and r.agreement.status == AgreementStatus.ACTIVE),
        "no_pledge": lambda r: not r.current_pledges,
        "follow_up_missing": lambda r: bool(r.follow_up_missing),
        "overdue": lambda r: r.overdue,
    }.get(state)
    return [r for r in rows if keep(r)] if keep else rows


# --- Municipal follow-up rounds ------------------------------------------------------------------------


def round_candidates(county: County, today: datetime.date | None = None) -> list[CitizenPledge | CooperationAgreement]:
    """What a new municipal round asks about by default: each municipality's current published pledge
    (the latest begun of those whose period covers today) and current agreement (the latest begun of
    the active ones whose years cover this year), in Swedish order of the municipalities (two queries)."""
    today = today or timezone.localdate()
    pledges: dict[int, CitizenPledge] = {}
    current_pledges = CitizenPledge.objects.filter(
        municipality__county=county,
        status=PledgeStatus.PUBLISHED,
        period_start__lte=today,
        period_end__gte=today,
    ).select_related("municipality")
    for pledge in current_pledges.order_by("period_start", "pk"):
        pledges[pledge.municipality_id] = pledge
    agreements: dict[int, CooperationAgreement] = {}
    current_agreements = CooperationAgreement.objects.filter(
        municipality__county=county,
        status=AgreementStatus.ACTIVE,
        start_year__lte=today.year,
        end_year__gte=today.year,
    ).select_related("municipality")
    for agreement in current_agreements.order_by("start_year", "pk"):
        agreements[agreement.municipality_id] = agreement
    items = [*pledges.values(), *agreements.values()]
    return sorted(items, key=lambda item: (swedish_key(item.municipality.name), isinstance(item, CitizenPledge)))


def item_key(item: CitizenPledge | CooperationAgreement) -> str:
    """How a round's form names a pledge or an agreement: ``pledge-12``, ``agreement-3``."""
    return f"{'pledge' if isinstance(item, CitizenPledge) else 'agreement'}-{item.pk}"


def municipal_officers(municipality_ids) -> dict[int, list]:
    """The officers of each municipality an e-mail can reach, in Swedish order (one query)."""
    found: dict[int, list] = {}
    for grant in reachable_grants(Role.MUNICIPAL_OFFICER, municipality_id__in=set(municipality_ids)):
        found.setdefault(grant.municipality_id, []).append(grant.user)
    return {pk: sorted(people, key=lambda person: swedish_key(str(person))) for pk, people in found.items()}


def round_progress(rounds, today: datetime.date | None = None) -> list[RoundCounts]:
    """The progress of each round, counted in the database (one query for all of them)."""
    rounds = list(rounds)
    today = today or timezone.localdate()
    counts: dict[int, dict[str, int]] = {round_.pk: {} for round_ in rounds}
    rows = (
        MunicipalRequest.objects.filter(round__in=[round_.pk for round_ in rounds])
        .with_state()
        .values("round_id", "state_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["round_id"]][row["state_code"]] = row["n"]
    return [RoundCounts(round_, counts[round_.pk], today) for round_ in rounds]


def open_round_of(county: County, today: datetime.date | None = None) -> RoundCounts | None:
    """The county's open municipal round with its progress, or None (two queries)."""
    round_ = MunicipalRound.objects.filter(county=county, status=RoundStatus.OPEN).first()
    return round_progress([round_], today)[0] if round_ is not None else None


def round_requests(round_: MunicipalRound):
    """The round's requests with what the round page shows of each, by municipality."""
    return (
        round_.requests.with_state()
        .select_related("municipality", "pledge", "agreement", "follow_up__reviewed_by")
        .prefetch_related("addressees")
        .order_by("municipality__name", "agreement_id", "pk")
    )


def requests_for(user) -> list[MunicipalRequest]:
    """The open municipal rounds' requests addressed to ``user`` that are still outstanding: their to-do list."""
    return list(
        MunicipalRequest.objects.filter(addressees=user, round__status=RoundStatus.OPEN)
        .outstanding()
        .select_related("round", "municipality", "pledge", "agreement", "follow_up")
        .order_by("round__deadline", "municipality__name", "pk")
    )


def round_history(round_: MunicipalRound, limit: int = 20):
    """What changed in the round: opened, the deadline moved, closed and reopened, requests handed over."""
    return change_log(
        MunicipalRound.history.filter(id=round_.pk),
        MunicipalRequest.history.filter(round_id=round_.pk),
        limit=limit,
    )


def colleagues_for(request: MunicipalRequest, user) -> list:
    """The officers of the request's municipality ``user`` may hand it to: reachable, not already asked."""
    asked = set(request.addressees.values_list("pk", flat=True))
    people = municipal_officers([request.municipality_id]).get(request.municipality_id, [])
    return [person for person in people if person.pk != user.pk and person.pk not in asked]


def commitment_rows_by_pledge(pledge_ids) -> dict[int, list[dict]]:
    """Each pledge's commitments in their order as the API nests them, read as values in one query:
    ``commitment``, ``carried_out_by`` (as ``PledgeCommitment.carried_out_by`` says it) and ``status``."""
    parties = {value: str(label) for value, label in Party.choices}
    rows = (
        PledgeCommitment.objects.filter(pledge_id__in=list(pledge_ids))
        .order_by("pledge_id", "pk")
        .values_list("pledge_id", "commitment", "party", "other_party", "status")
    )
    by_pledge: dict[int, list[dict]] = {}
    for pledge_id, commitment, party, other_party, status in rows:
        by_pledge.setdefault(pledge_id, []).append(
            {
                "commitment": commitment,
                "carried_out_by": other_party if party == Party.OTHER else parties.get(party, party),
                "status": status,
            }
        )
    return by_pledge
