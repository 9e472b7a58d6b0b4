"""Domain operations on cooperation agreements, citizen pledges, follow-ups and quality reviews."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from actions.models import RequestState, RoundStatus, UpdateState
from actions.services import Decision
from agreements.models import (
    AgreementDocument,
    AgreementStatus,
    CitizenPledge,
    CooperationAgreement,
    FocusArea,
    FollowUp,
    FollowUpItem,
    MunicipalRequest,
    MunicipalRound,
    PledgeStatus,
    QualityReview,
)
from agreements.queries import colleagues_for
from core.concurrency import save_versioned
from core.editing import save_values
from core.files.models import Publicity, fill_document
from core.jobs import enqueue
from core.rounds import OUTSTANDING, round_date_errors
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
    document_visibility: str = Publicity.INTERNAL,
    user=None,
) -> CooperationAgreement:
    """Create an agreement of ``municipality`` (``agreement`` None) or save changes to one (refusing to
    overwrite a newer version), with a newly uploaded document (internal unless ``document_visibility``
    says public): all of it, or nothing."""
    if agreement is None:
        agreement = CooperationAgreement(municipality=municipality)
    save_versioned(agreement, values, seen_version=seen_version)
    if document:
        new_document = AgreementDocument(agreement=agreement, visibility=document_visibility or Publicity.INTERNAL)
        fill_document(new_document, document, user).save()
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
    publish: bool = False,
) -> FollowUp:
    """Record a follow-up of a published pledge or an active agreement, item by item.

    The answers also become the commitments' (or deliverables') current status, so the
    pledge page shows what the latest follow-up said. ``answers`` maps each item's id (a
    commitment's or a deliverable's) to its (status, comment). With ``publish`` the officer
    publishes it on the public site at once.
    """
    _check_followable(target)
    follow_up = FollowUp.objects.create(
        municipality_id=target.municipality_id,
        pledge=target if isinstance(target, CitizenPledge) else None,
        agreement=target if isinstance(target, CooperationAgreement) else None,
        date=date,
        author=user,
        author_name=user.get_full_name() or user.get_username(),
        assessment=assessment,
        summary=summary,
        published_at=timezone.now() if publish else None,
    )
    _save_items(follow_up, target, answers)
    _apply_answers(follow_up)
    return follow_up


@transaction.atomic
def set_follow_up_published(follow_up: FollowUp, publish: bool, *, user) -> FollowUp:
    """Publish an approved follow-up on the public site, or withdraw it from there.

    A follow-up waiting for review cannot be published: the coordinator's approval publishes it.
    """
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if publish and follow_up.state != UpdateState.APPROVED:
        raise ValidationError(gettext("Only an approved follow-up can be published."))
    if publish == follow_up.is_published:
        return follow_up
    follow_up.published_at = timezone.now() if publish else None
    follow_up._history_user = user
    follow_up.save(update_fields=["published_at"])
    return follow_up


def _check_followable(target: CitizenPledge | CooperationAgreement) -> None:
    if isinstance(target, CitizenPledge) and target.status != PledgeStatus.PUBLISHED:
        raise ValidationError(gettext("Only a published pledge can be followed up; this one is a draft."))
    if isinstance(target, CooperationAgreement) and target.status == AgreementStatus.DRAFT:
        raise ValidationError(gettext("Only an active or ended agreement can be followed up; this one is a draft."))


def _save_items(follow_up: FollowUp, target, answers: dict[int, tuple[str, str]]) -> None:
    """The follow-up's items, one per answered commitment (or deliverable), replacing any it had."""
    follow_up.items.all().delete()
    if isinstance(target, CitizenPledge):
        known = {c.pk for c in target.commitments.all()}
        field = "commitment_id"
    else:
        known = {d.pk for d in target.deliverables.all()}
        field = "deliverable_id"
    unknown = set(answers) - known
    if unknown:
        raise ValidationError(gettext("An item answered is not one of this pledge's or agreement's."))
    FollowUpItem.objects.bulk_create(
        FollowUpItem(follow_up=follow_up, status=status, comment=comment, **{field: pk})
        for pk, (status, comment) in answers.items()
    )


def _apply_answers(follow_up: FollowUp) -> None:
    """A follow-up that counts sets its commitments' current status, so the pledge page shows what it said."""
    for item in follow_up.items.filter(commitment__isnull=False).select_related("commitment"):
        if item.commitment.status != item.status:
            item.commitment.status = item.status
            item.commitment.save(update_fields=["status"])


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


# --- Municipal follow-up rounds ------------------------------------------------------------------------


@transaction.atomic
def open_round(
    county: County,
    values: dict,
    *,
    items: list[CitizenPledge | CooperationAgreement],
    asked: dict[int, list],
    user,
) -> MunicipalRound:
    """Open a municipal follow-up round in ``county`` with one request per pledge or agreement of
    ``items``, addressed to its municipality's officers (``asked``: {municipality id: people}).

    A county has one open municipal round at a time; the invitations go out from the background
    job once the round is committed.
    """
    County.objects.select_for_update().get(pk=county.pk)
    if not items:
        raise ValidationError(gettext("Choose at least one pledge or agreement for the round."))
    if MunicipalRound.objects.filter(county=county, status=RoundStatus.OPEN).exists():
        raise ValidationError(gettext("The county already has an open municipal follow-up round: close it first."))
    errors = round_date_errors(values.get("period_start"), values.get("period_end"), values.get("deadline"))
    if errors:
        raise ValidationError(errors)
    for item in items:
        if item.municipality.county_id != county.pk:
            raise ValidationError(gettext("A pledge or agreement chosen is not of the county's municipalities."))
        _check_followable(item)
    round_ = save_values(MunicipalRound(county=county, opened_by=user), values)
    for item in items:
        is_pledge = isinstance(item, CitizenPledge)
        request = MunicipalRequest.objects.create(
            round=round_,
            municipality_id=item.municipality_id,
            pledge=item if is_pledge else None,
            agreement=None if is_pledge else item,
        )
        request.addressees.set(asked.get(item.municipality_id, []))
    enqueue("agreements.tasks.send_round_notices", round_.pk)
    return round_


def _locked_round(round_: MunicipalRound) -> MunicipalRound:
    return MunicipalRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def extend_deadline(round_: MunicipalRound, deadline: datetime.date, *, seen_version: int | None) -> MunicipalRound:
    """Move the deadline later; the reminders follow the new date (each stage once per date)."""
    current = _locked_round(round_)
    if not current.is_open:
        raise ValidationError(gettext("The round is closed: reopen it to change its deadline."))
    if deadline <= current.deadline:
        raise ValidationError({"deadline": gettext("The new deadline must be later than the current one.")})
    return save_versioned(round_, {"deadline": deadline}, seen_version=seen_version)


@transaction.atomic
def close_round(round_: MunicipalRound) -> MunicipalRound:
    """Close the round: its follow-ups can no longer be changed (reopening is an explicit act)."""
    round_ = _locked_round(round_)
    if not round_.is_open:
        raise ValidationError(gettext("The round is closed already."))
    round_.status, round_.closed_at = RoundStatus.CLOSED, timezone.now()
    round_.save()
    return round_


@transaction.atomic
def reopen_round(round_: MunicipalRound) -> MunicipalRound:
    round_ = _locked_round(round_)
    if round_.is_open:
        raise ValidationError(gettext("The round is open already."))
    if MunicipalRound.objects.filter(county_id=round_.county_id, status=RoundStatus.OPEN).exists():
        raise ValidationError(gettext("The county has another open municipal follow-up round: close it first."))
    round_.status, round_.closed_at = RoundStatus.OPEN, None
    round_.save()
    return round_


@transaction.atomic
def remind_outstanding(round_: MunicipalRound, today: datetime.date | None = None) -> MunicipalRound:
    """One more reminder to everyone whose request is outstanding: at most once a day."""
    today = today or timezone.localdate()
    round_ = _locked_round(round_)
    if not round_.is_open:
        raise ValidationError(gettext("The round is closed: it sends no reminders."))
    if round_.last_nudged_on == today:
        raise ValidationError(gettext("An extra reminder was sent today already; the next one can be sent tomorrow."))
    if not round_.requests.outstanding().exists():
        raise ValidationError(gettext("Nobody is outstanding: every request has been answered."))
    MunicipalRound.objects.filter(pk=round_.pk).update(last_nudged_on=today)
    round_.last_nudged_on = today
    enqueue("agreements.tasks.send_round_notices", round_.pk, today.isoformat())
    return round_


def _locked_request(request: MunicipalRequest) -> MunicipalRequest:
    return (
        MunicipalRequest.objects.select_for_update(of=("self",))
        .select_related("round", "follow_up", "pledge", "agreement")
        .get(pk=request.pk)
    )


def _check_open(request: MunicipalRequest) -> None:
    if not request.round.is_open:
        raise ValidationError(gettext("The round is closed: its follow-ups can no longer be changed."))


@transaction.atomic
def hand_over(request: MunicipalRequest, colleague, *, user) -> MunicipalRequest:
    """Give the request to a colleague of the same municipality; the colleague is told."""
    request = _locked_request(request)
    _check_open(request)
    if not request.addressees.filter(pk=user.pk).exists():
        raise ValidationError(gettext("Only one of the officers asked can hand the request over."))
    if colleague.pk not in {person.pk for person in colleagues_for(request, user)}:
        raise ValidationError({"colleague": gettext("Choose a colleague of your own municipality.")})
    request.addressees.remove(user)
    request.addressees.add(colleague)
    enqueue("agreements.tasks.send_handover_notice", request.pk, colleague.pk, user.pk)
    return request


def mark_opened(request: MunicipalRequest, user) -> None:
    """Record the first time one of the officers asked opens the form."""
    if request.opened_at is None and request.addressees.filter(pk=user.pk).exists():
        MunicipalRequest.objects.filter(pk=request.pk, opened_at__isnull=True).update(opened_at=timezone.now())


@transaction.atomic
def save_round_follow_up(
    request: MunicipalRequest,
    *,
    date: datetime.date,
    assessment: str,
    summary: str,
    answers: dict[int, tuple[str, str]],
    user,
    submit: bool,
) -> FollowUp:
    """Save the request's follow-up as a draft, or submit it for review, with its items: all or nothing.

    The request row is locked, so two officers saving at once are ordered and one follow-up is kept.
    """
    request = _locked_request(request)
    _check_open(request)
    if request.state not in OUTSTANDING:
        if request.state == RequestState.APPROVED:
            raise ValidationError(gettext("The follow-up has been approved and can no longer be changed."))
        raise ValidationError(gettext("The follow-up has been submitted and is waiting for review."))
    target = request.target
    _check_followable(target)
    follow_up = request.follow_up or FollowUp(
        municipality_id=request.municipality_id,
        pledge=request.pledge,
        agreement=request.agreement,
        author=user,
        author_name=user.get_full_name() or user.get_username(),
    )
    extra = {"state": UpdateState.SUBMITTED if submit else UpdateState.DRAFT}
    if submit:
        extra["submitted_at"] = timezone.now()
    follow_up = save_values(follow_up, {"date": date, "assessment": assessment, "summary": summary}, **extra)
    _save_items(follow_up, target, answers)
    if request.follow_up_id is None:
        MunicipalRequest.objects.filter(pk=request.pk).update(follow_up=follow_up)
    return follow_up


@transaction.atomic
def review_follow_up(follow_up: FollowUp, decision: str, *, comment: str, user) -> FollowUp:
    """Approve a submitted follow-up, or return it to its authors with a comment.

    The row is locked, so of two reviewers deciding at once the second finds it decided and is told
    who decided. An approved follow-up sets its commitments' current status.
    """
    # Not joined to the reviewer: a row that waited for the lock is read again, but a joined row of
    # another table may come back empty, and the second reviewer would not be told who decided.
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    request = MunicipalRequest.objects.select_related("round").filter(follow_up=follow_up).first()
    if request is not None:
        _check_open(request)
    if follow_up.state != UpdateState.SUBMITTED:
        who = str(follow_up.reviewed_by) if follow_up.reviewed_by else gettext("someone else")
        if follow_up.state == UpdateState.APPROVED:
            raise ValidationError(gettext("The follow-up was approved already, by %(who)s.") % {"who": who})
        if follow_up.state == UpdateState.RETURNED:
            raise ValidationError(gettext("The follow-up was returned already, by %(who)s.") % {"who": who})
        raise ValidationError(gettext("The follow-up has not been submitted for review."))
    if decision not in (Decision.APPROVE, Decision.RETURN):
        raise ValidationError(gettext("Choose to approve or to return the follow-up."))
    if decision == Decision.RETURN and not comment.strip():
        raise ValidationError({"comment": gettext("Say what should be revised: the comment goes to the authors.")})
    follow_up.state = UpdateState.APPROVED if decision == Decision.APPROVE else UpdateState.RETURNED
    follow_up.review_comment = comment.strip()
    follow_up.reviewed_by, follow_up.reviewed_at = user, timezone.now()
    if decision == Decision.APPROVE and follow_up.published_at is None:
        # The coordinator's approval of a follow-up asked for in a round publishes it.
        follow_up.published_at = follow_up.reviewed_at
    follow_up._history_user = user
    follow_up.save()
    if decision == Decision.APPROVE:
        _apply_answers(follow_up)
    enqueue("agreements.tasks.send_review_notice", follow_up.pk, follow_up.history.latest().history_id)
    return follow_up
