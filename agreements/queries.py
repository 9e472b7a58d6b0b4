"""What the pages and dashboards read of agreements, pledges, follow-ups and reviews.

Reads only: every write is in ``services.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from agreements.models import (
    AgreementStatus,
    CitizenPledge,
    CooperationAgreement,
    Deliverable,
    FollowUp,
    PledgeCommitment,
    PledgeStatus,
    Problem,
    QualityReview,
    Signatory,
)
from agreements.reminders import deadlines
from core.collation import swedish_key
from core.history import change_log
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
        .annotate(has_follow_up=Exists(FollowUp.objects.filter(pledge=OuterRef("pk"))))
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
