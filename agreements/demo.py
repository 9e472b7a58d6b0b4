"""Demo facts for the agreements app.

Lund's cooperation agreement with the Police for 2024–2027, its five focus areas, its
signatories and its deliverables come from the municipality's announcement in March 2024.
The pledges of other Skåne municipalities, their follow-ups and the county's reviews are
illustrative: one draft, one whose follow-up is overdue, one reviewed well and one weakly,
and reviews that show a trend. The county's municipal follow-up round is in progress, with dates
relative to the day the demo is loaded: one follow-up approved, one returned with a comment, one
submitted and waiting for review, and Lund's agreement still being drafted after a reminder.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actions.models import UpdateState
from agreements.models import (
    AgreementStatus,
    Assessment,
    BraStep,
    CitizenPledge,
    CommitmentStatus,
    CooperationAgreement,
    Deliverable,
    FocusArea,
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
from agreements.queries import municipal_officers
from agreements.services import NATIONAL_FOCUS_AREAS, ensure_national_focus_areas
from core.models import Reminder
from municipalities.models import County, Municipality

D = datetime.date


def _lund(municipalities: dict[str, Municipality]) -> None:
    lund = municipalities["1281"]
    if CooperationAgreement.objects.filter(municipality=lund).exists():
        return
    agreement = CooperationAgreement.objects.create(
        municipality=lund,
        title="Samverkansöverenskommelse mellan Lunds kommun och Polisen 2024–2027",
        police_area="Lokalpolisområde Lund",
        start_year=2024,
        end_year=2027,
        signed_on=D(2024, 3, 11),
        step=BraStep.IMPLEMENTATION,
        status=AgreementStatus.ACTIVE,
        summary="Långsiktiga, systematiska och kunskapsbaserade insatser med vetenskapligt beprövade metoder, "
        "för att minska brottsligheten och öka den upplevda tryggheten i Lunds kommun.",
    )
    agreement.focus_areas.set(FocusArea.objects.filter(county__isnull=True, name__in=NATIONAL_FOCUS_AREAS))
    Signatory.objects.create(
        agreement=agreement, name="Anders Almgren", title="Kommunstyrelsens ordförande", organisation="Lunds kommun"
    )
    Signatory.objects.create(
        agreement=agreement,
        name="Ulrika Olsson",
        title="Tillförordnad chef för lokalpolisområde Lund",
        organisation="Polisen",
    )
    areas = {a.name: a for a in agreement.focus_areas.all()}
    Problem.objects.create(
        agreement=agreement,
        focus_area=areas[NATIONAL_FOCUS_AREAS[4]],
        problem="Bedrägerier mot äldre ökar.",
        causes="Nya bedrägeriupplägg via telefon och nätet; många äldre bor ensamma och känner inte till dem.",
        goal="Färre anmälda bedrägerier mot personer över 70 år 2027 än 2023.",
    )
    Problem.objects.create(
        agreement=agreement,
        focus_area=areas[NATIONAL_FOCUS_AREAS[1]],
        problem="Unga rekryteras till kriminella miljöer.",
        causes="Brist på meningsfull fritid och vuxna i vissa områden; skolfrånvaro.",
        goal="Alla unga i de utpekade områdena erbjuds fritidsaktiviteter; minskad skolfrånvaro läsåret 2026/27.",
    )
    Deliverable.objects.create(
        agreement=agreement,
        title="Nulägesanalys baserad på de senaste fem årens utveckling",
        due_date=D(2024, 8, 31),
        done_on=D(2024, 8, 26),
    )
    Deliverable.objects.create(
        agreement=agreement,
        title="Åtgärdsplan presenterad för kommunstyrelsen",
        due_date=D(2024, 12, 31),
        done_on=D(2024, 12, 11),
    )
    Deliverable.objects.create(
        agreement=agreement, title="Årlig uppföljning till kommunstyrelsen", due_date=D(2026, 12, 15)
    )
    CitizenPledge.objects.create(
        municipality=lund,
        agreement=agreement,
        police_area="Lokalpolisområde Lund",
        title="Medborgarlöfte Lund 2027",
        period_start=D(2027, 1, 1),
        period_end=D(2027, 12, 31),
        background="Utkast: trygghetsmätningen 2026 visar otrygghet kring stationsområdet kvällstid.",
        status=PledgeStatus.DRAFT,
    )


# municipality code, title, period, status, commitments, reviews (date, scores), follow-up
PLEDGES = [
    (
        "1293",
        "Medborgarlöfte Hässleholm 2025",
        (D(2025, 1, 1), D(2025, 12, 31)),
        [
            ("Polisen och kommunen genomför trygghetsvandringar i centrum varje kvartal.", Party.BOTH),
            ("Kommunen förbättrar belysningen vid resecentrum.", Party.MUNICIPALITY),
        ],
        [(D(2025, 3, 1), (2, 1, 1, 3, 2, 2, 2, 1))],
        (D(2025, 12, 15), Assessment.GOOD, "Trygghetsvandringarna genomfördes; belysningen är utbytt."),
    ),
    (
        "1293",
        "Medborgarlöfte Hässleholm 2026",
        (D(2026, 1, 1), D(2026, 12, 31)),
        [
            ("Polisen är synlig vid skolor och fritidsgårdar två kvällar i veckan.", Party.POLICE),
            ("Kommunen erbjuder sommarjobb till alla ungdomar i utsatta områden.", Party.MUNICIPALITY),
            ("Gemensamma medborgardialoger i tre kommundelar.", Party.BOTH),
        ],
        [(D(2026, 3, 2), (3, 3, 2, 3, 3, 3, 3, 2))],
        None,
    ),
    (
        "1282",
        "Medborgarlöfte Landskrona 2025",
        (D(2025, 1, 1), D(2025, 6, 30)),
        [("Ökad närvaro av polis och ordningsvakter på Rådhustorget.", Party.BOTH)],
        [],
        None,  # the period has ended without a follow-up
    ),
    (
        "1290",
        "Medborgarlöfte Kristianstad 2026",
        (D(2026, 1, 1), D(2026, 12, 31)),
        [("Fler trygghetsåtgärder.", Party.BOTH)],
        [(D(2026, 4, 10), (1, 0, 1, 1, 0, 2, 3, 1))],
        None,
    ),
]


def _pledges(municipalities: dict[str, Municipality]) -> None:
    for code, title, (start, end), commitments, reviews, follow_up in PLEDGES:
        municipality = municipalities[code]
        if CitizenPledge.objects.filter(municipality=municipality, title=title).exists():
            continue
        pledge = CitizenPledge.objects.create(
            municipality=municipality,
            police_area=municipality.police_area or f"Lokalpolisområde {municipality.name}",
            title=title,
            period_start=start,
            period_end=end,
            background="Lägesbilden och medborgardialogerna visar var otryggheten är störst.",
            status=PledgeStatus.PUBLISHED,
            published_on=start,
        )
        created = [
            PledgeCommitment.objects.create(pledge=pledge, commitment=text, party=party) for text, party in commitments
        ]
        for date, scores in reviews:
            QualityReview.objects.create(
                municipality=municipality,
                pledge=pledge,
                date=date,
                reviewer_name="Karin Lindqvist",
                comments="Granskad mot Brås kriterier.",
                **dict(
                    zip(
                        [
                            "based_on_situation_analysis",
                            "cause_analysis",
                            "measurable_goals",
                            "commitments_owned",
                            "citizen_dialogue",
                            "follow_up_planned",
                            "period_stated",
                            "gender_equality",
                        ],
                        scores,
                        strict=True,
                    )
                ),
            )
        if follow_up:
            date, assessment, summary = follow_up
            done = FollowUp.objects.create(
                municipality=municipality,
                pledge=pledge,
                date=date,
                author_name="Annica Nilsson",
                assessment=assessment,
                summary=summary,
                published_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(12))),
            )
            for commitment in created:
                done.items.create(commitment=commitment, status=CommitmentStatus.DONE)
                commitment.status = CommitmentStatus.DONE
                commitment.save()


@transaction.atomic
def load_agreements_demo() -> None:
    """Idempotent: adds what is missing, never overwrites."""
    ensure_national_focus_areas()
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=["1281", "1293", "1282", "1290"])}
    _lund(municipalities)
    _pledges(municipalities)
    load_municipal_round_demo()


ROUND_TITLE = "Uppföljning av medborgarlöften och överenskommelser, hösten"
# What each request of the round has come to: (state, summary, assessment, the coordinator's comment).
ROUND_ANSWERS = {
    "Medborgarlöfte Kristianstad 2026": (
        "approved",
        "Trygghetsåtgärderna är genomförda i två av tre områden.",
        Assessment.GOOD,
        "",
    ),
    "Medborgarlöfte Hässleholm 2026": (
        "returned",
        "Arbetet pågår enligt plan.",
        Assessment.PARTLY,
        "Beskriv vad som har gjorts för varje åtagande, gärna med antal kvällar och deltagare.",
    ),
    "Medborgarlöfte Landskrona 2026": (
        "submitted",
        "Närvaron på Rådhustorget har ökat; mätningen visar färre anmälningar.",
        Assessment.GOOD,
        "",
    ),
    "Samverkansöverenskommelse mellan Lunds kommun och Polisen 2024–2027": (
        "draft",
        "Lägesbilden är uppdaterad; handlingsplanen behandlas i kommunstyrelsen.",
        Assessment.PARTLY,
        "",
    ),
}


@transaction.atomic
def load_municipal_round_demo() -> None:
    """Skåne's municipal follow-up round in progress, with dates relative to today: the deadline in three
    days, so the reminder before it has gone out. Runs once the demo's officers exist (they are the people
    asked); idempotent: nothing is done when the county has a municipal round."""
    skane = County.objects.filter(code="12").first()
    if skane is None or MunicipalRound.objects.filter(county=skane).exists():
        return
    municipalities = {m.code: m for m in Municipality.objects.filter(county=skane)}
    officers = municipal_officers([m.pk for m in municipalities.values()])
    if not officers:
        return
    today, now = timezone.localdate(), timezone.now()
    landskrona = municipalities.get("1282")
    if landskrona is not None and not CitizenPledge.objects.filter(title="Medborgarlöfte Landskrona 2026").exists():
        pledge = CitizenPledge.objects.create(
            municipality=landskrona,
            police_area=landskrona.police_area or "Lokalpolisområde Landskrona",
            title="Medborgarlöfte Landskrona 2026",
            period_start=today - datetime.timedelta(days=120),
            period_end=today + datetime.timedelta(days=245),
            background="Otryggheten kring Rådhustorget består enligt trygghetsmätningen.",
            status=PledgeStatus.PUBLISHED,
            published_on=today - datetime.timedelta(days=120),
        )
        PledgeCommitment.objects.create(
            pledge=pledge, commitment="Polis och ordningsvakter på torget fredagskvällar.", party=Party.BOTH
        )
    coordinator = get_user_model().objects.filter(username="lan.samordnare").first()
    round_ = MunicipalRound.objects.create(
        county=skane,
        title=ROUND_TITLE,
        period_start=today - datetime.timedelta(days=90),
        period_end=today - datetime.timedelta(days=5),
        deadline=today + datetime.timedelta(days=3),
        remind_days_before=5,
        message="Följ upp varje åtagande och leverans kort. Hör av er om något är oklart!",
        opened_by=coordinator,
    )
    opened_at = now - datetime.timedelta(days=12)
    MunicipalRound.objects.filter(pk=round_.pk).update(opened_at=opened_at)
    targets = [
        *CitizenPledge.objects.filter(title__in=ROUND_ANSWERS, municipality__county=skane),
        *CooperationAgreement.objects.filter(title__in=ROUND_ANSWERS, municipality__county=skane),
    ]
    for target in targets:
        is_pledge = isinstance(target, CitizenPledge)
        people = officers.get(target.municipality_id, [])
        request = MunicipalRequest.objects.create(
            round=round_,
            municipality_id=target.municipality_id,
            pledge=target if is_pledge else None,
            agreement=None if is_pledge else target,
        )
        request.addressees.set(people)
        state, summary, assessment, comment = ROUND_ANSWERS[target.title]
        _record_round_mail(request, people, opened_at, round_.deadline if state in ("draft", "returned") else None)
        author = people[0] if people else coordinator
        decided = state in ("approved", "returned")
        follow_up = FollowUp.objects.create(
            municipality_id=target.municipality_id,
            pledge=request.pledge,
            agreement=request.agreement,
            date=today - datetime.timedelta(days=4),
            author=author,
            author_name=str(author) if author else "",
            assessment=assessment,
            summary=summary,
            state=state,
            submitted_at=now - datetime.timedelta(days=4) if state != UpdateState.DRAFT else None,
            reviewed_by=coordinator if decided else None,
            reviewed_at=now - datetime.timedelta(days=2) if decided else None,
            review_comment=comment,
            # The coordinator's approval publishes a round's follow-up.
            published_at=now - datetime.timedelta(days=2) if state == UpdateState.APPROVED else None,
        )
        items = target.commitments.all() if is_pledge else target.deliverables.all()
        for item in items:
            follow_up.items.create(
                status=CommitmentStatus.ONGOING, **({"commitment": item} if is_pledge else {"deliverable": item})
            )
        MunicipalRequest.objects.filter(pk=request.pk).update(
            follow_up=follow_up, opened_at=now - datetime.timedelta(days=11)
        )
        if state == UpdateState.APPROVED and is_pledge:
            target.commitments.update(status=CommitmentStatus.ONGOING)


def _record_round_mail(request, people, opened_at, reminded_for) -> None:
    """The demo records the round's e-mails as sent (nothing is mailed when the demo is loaded)."""
    for person in people:
        Reminder.objects.create(
            kind="municipal_request",
            object_id=request.pk,
            due_date=timezone.localdate(opened_at),
            stage=Reminder.Stage.ASKED,
            recipient=person,
            sent_at=opened_at,
        )
        if reminded_for is not None:
            Reminder.objects.create(
                kind="municipal_request",
                object_id=request.pk,
                due_date=reminded_for,
                stage=Reminder.Stage.BEFORE,
                recipient=person,
                sent_at=timezone.now() - datetime.timedelta(days=2),
            )
