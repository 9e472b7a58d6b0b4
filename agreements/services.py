"""Domain operations on cooperation agreements, citizen pledges, follow-ups and quality reviews."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from agreements.models import (
    AgreementDocument,
    AgreementStatus,
    CitizenPledge,
    CooperationAgreement,
    Deliverable,
    FocusArea,
    FollowUp,
    FollowUpItem,
    PledgeCommitment,
    PledgeStatus,
    Problem,
    QualityReview,
    Signatory,
)
from agreements.reminders import deadlines
from core.collation import swedish_key
from core.concurrency import save_versioned
from core.editing import save_values
from core.files.models import fill_document
from core.history import change_log
from municipalities.models import County, Municipality

# Lund's five focus areas (2024–2027), common to most agreements: the national vocabulary.
NATIONAL_FOCUS_AREAS = [
    gettext_noop("Safety-creating measures in public places"),
    gettext_noop("Children and young people"),
    gettext_noop("Alcohol, narcotics, doping, tobacco and gambling"),
    gettext_noop("Violence in close relationships, including honour-related violence and human trafficking"),
    gettext_noop("Crimes against older people"),
]


def ensure_national_focus_areas() -> None:
    for position, name in enumerate(NATIONAL_FOCUS_AREAS, start=1):
        FocusArea.objects.get_or_create(county=None, name=name, defaults={"position": position * 10})


# --- Saving ---------------------------------------------------------------------------------------


@transaction.atomic
def save_agreement(
    agreement: CooperationAgreement | None,
    values: dict,
    *,
    municipality: Municipality,
    seen_version: int | None = None,
    document=None,
    user=None,
) -> CooperationAgreement:
    """Create an agreement of ``municipality`` (``agreement`` None) or save changes to one (refusing to
    overwrite a newer version), with a newly uploaded document: all of it, or nothing."""
    if agreement is None:
        agreement = CooperationAgreement(municipality=municipality)
    save_versioned(agreement, values, seen_version=seen_version)
    if document:
        fill_document(AgreementDocument(agreement=agreement), document, user).save()
    return agreement


def save_pledge(
    pledge: CitizenPledge | None, values: dict, *, municipality: Municipality, seen_version: int | None = None
) -> CitizenPledge:
    """Create a pledge of ``municipality`` (``pledge`` None) or save changes to one; publishing it
    records the day it was published."""
    if pledge is None:
        pledge = CitizenPledge(municipality=municipality)
    published_on = pledge.published_on
    if values.get("status", pledge.status) == PledgeStatus.PUBLISHED and published_on is None:
        published_on = timezone.localdate()
    return save_versioned(pledge, values, seen_version=seen_version, published_on=published_on)


def add_focus_area(county: County, values: dict) -> FocusArea:
    """A focus area of the county's own, beside the national ones."""
    return save_values(FocusArea(county=county), values)


@transaction.atomic
def record_follow_up(
    target: CitizenPledge | CooperationAgreement,
    *,
    date: datetime.date,
    assessment: str,
    summary: str,
    answers: dict[int, tuple[str, str]],
    user,
) -> FollowUp:
    """Record a follow-up of a published pledge or an active agreement, item by item.

    The answers also become the commitments' (or deliverables') current status, so the
    pledge page shows what the latest follow-up said. ``answers`` maps each item's id (a
    commitment's or a deliverable's) to its (status, comment).
    """
    is_pledge = isinstance(target, CitizenPledge)
    if is_pledge and target.status != PledgeStatus.PUBLISHED:
        raise ValidationError(gettext("Only a published pledge can be followed up; this one is a draft."))
    if not is_pledge and target.status == AgreementStatus.DRAFT:
        raise ValidationError(gettext("Only an active or ended agreement can be followed up; this one is a draft."))
    follow_up = FollowUp.objects.create(
        municipality_id=target.municipality_id,
        pledge=target if is_pledge else None,
        agreement=None if is_pledge else target,
        date=date,
        author=user,
        author_name=user.get_full_name() or user.get_username(),
        assessment=assessment,
        summary=summary,
    )
    if is_pledge:
        commitments = {c.pk: c for c in target.commitments.all()}
        for pk, (status, comment) in answers.items():
            FollowUpItem.objects.create(follow_up=follow_up, commitment=commitments[pk], status=status, comment=comment)
            commitments[pk].status = status
            commitments[pk].save(update_fields=["status"])
    else:
        deliverables = {d.pk: d for d in target.deliverables.all()}
        for pk, (status, comment) in answers.items():
            FollowUpItem.objects.create(
                follow_up=follow_up, deliverable=deliverables[pk], status=status, comment=comment
            )
    return follow_up


def follow_up_items(target: CitizenPledge | CooperationAgreement) -> list[tuple[int, str]]:
    """What a follow-up of ``target`` asks about: its commitments, or its deliverables."""
    if isinstance(target, CitizenPledge):
        return [(c.pk, str(c)) for c in target.commitments.all()]
    return [(d.pk, d.title) for d in target.deliverables.all()]


def record_review(target: CitizenPledge | CooperationAgreement, values: dict, user) -> QualityReview:
    """The county's quality review of a pledge or an agreement, signed by the reviewer."""
    is_pledge = isinstance(target, CitizenPledge)
    review = QualityReview(
        municipality_id=target.municipality_id,
        pledge=target if is_pledge else None,
        agreement=None if is_pledge else target,
        reviewer=user,
        reviewer_name=user.get_full_name() or user.get_username(),
    )
    return save_values(review, values)


# --- Derived state -----------------------------------------------------------------------------


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


# --- The county's picture ---------------------------------------------------------------------------


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
