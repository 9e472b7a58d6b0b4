"""Domain operations on cooperation agreements, citizen pledges, follow-ups and quality reviews."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from agreements.models import (
    AgreementDocument,
    AgreementStatus,
    CitizenPledge,
    CooperationAgreement,
    FocusArea,
    FollowUp,
    FollowUpItem,
    PledgeStatus,
    QualityReview,
)
from core.concurrency import save_versioned
from core.editing import save_values
from core.files.models import fill_document
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


# --- The county's picture ---------------------------------------------------------------------------
