"""Demo facts for the actions app: "Skåne tillsammans mot brott" and two support activities.

The plan, its seven measures, its seven actors and the target "done by the end of 2020"
come from the county board's announcement in 2018. Working group members, the timeline
of updates and indicator values are illustrative.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actions.models import (
    ActionPlan,
    Actor,
    ActorRole,
    Comment,
    FollowUpRound,
    Indicator,
    IndicatorDirection,
    IndicatorValue,
    Measure,
    MeasureActor,
    Milestone,
    PlanStatus,
    ProgressStatus,
    ProgressUpdate,
    RoundRequest,
    RoundStatus,
    SupportActivity,
    SupportKind,
    UpdateState,
    WorkingGroupMember,
)
from actions.services import ensure_national_statuses
from core.models import Reminder
from municipalities.models import County, Municipality

D = datetime.date
LST, REGION, POLICE, KFSK, KRIM, TULL, HANDEL = (
    "Länsstyrelsen Skåne",
    "Region Skåne",
    "Polisen",
    "Kommunförbundet Skåne",
    "Kriminalvården",
    "Tullverket",
    "Sydsvenska handelskammaren",
)

# number, title, purpose, lead, participants, municipalities, weight
MEASURES = [
    (
        1,
        "Utvecklad avhopparverksamhet i Skåne",
        "Fler personer ska få stöd att lämna kriminella grupperingar. Arbetsgruppen tar fram en "
        "gemensam struktur för stöd till avhoppare i hela Skåne.",
        POLICE,
        [REGION, KRIM, LST],
        [],
        Decimal(2),
    ),
    (
        2,
        "Samverkan för färre återfall i brott",
        "Ta fram ett förslag på återfallsförebyggande arbete för personer som döms till korta straff "
        "(högst två månader), en grupp som är 35 procent av alla intagna.",
        KRIM,
        [REGION, KFSK, POLICE],
        [],
        Decimal(1),
    ),
    (
        3,
        "Metodstöd för insatser mot otillåten påverkan",
        "Seminarier för att identifiera, förebygga och stödja personer som utsätts för otillåten påverkan.",
        LST,
        [POLICE],
        [],
        Decimal(1),
    ),
    (
        4,
        "Utveckling av brottsförebyggande arbete på lokal nivå",
        "Kommunerna erbjuds gemensamma informationsträffar om utvecklingsstöd enligt Brås metod "
        "EST, Effektiv samordning för trygghet.",
        LST,
        [KFSK, POLICE],
        ["1293", "1281", "1282", "1290", "1286"],
        Decimal(1),
    ),
    (
        5,
        "Ökad kvalitet på överenskommelser och medborgarlöften",
        "Kommunerna erbjuds stöd och utbildning så att samtliga överenskommelser och medborgarlöften "
        "håller hög kvalitet.",
        POLICE,
        [LST, KFSK],
        ["1293", "1281", "1280", "1283"],
        Decimal(1),
    ),
    (
        6,
        "Utvecklad samverkan kring mäns våld mot kvinnor",
        "En satsning på lokal samverkan kring våld i nära relationer, inklusive hedersrelaterat våld och förtryck.",
        LST,
        [REGION, POLICE],
        [],
        Decimal(1),
    ),
    (
        7,
        "Näringslivet – en naturlig aktör i det brottsförebyggande arbetet",
        "Kartlägga näringslivets medverkan i det brottsförebyggande arbetet och föreslå hur samverkan kan "
        "utvecklas, särskilt mot köp av sexuella tjänster, människohandel och våld i nära relationer.",
        HANDEL,
        [POLICE, TULL, LST],
        [],
        Decimal(1),
    ),
]

WORKING_GROUPS = {
    1: [("Johan Berg", POLICE, "sammankallande"), ("Leila Haddad", REGION, ""), ("Per Ekström", KRIM, "")],
    2: [("Maria Nyqvist", KRIM, "sammankallande"), ("Oskar Lind", KFSK, ""), ("Emma Sjöberg", REGION, "")],
    3: [("Karin Lindqvist", LST, "sammankallande"), ("Anders Holm", POLICE, "")],
    4: [("Karin Lindqvist", LST, "sammankallande"), ("Sofia Ek", KFSK, "")],
    5: [("Veronica Gustafsson", POLICE, "sammankallande"), ("Karin Lindqvist", LST, "")],
    6: [("Lina Persson", LST, "sammankallande"), ("Hanna Ström", REGION, ""), ("Erik Blom", POLICE, "")],
    7: [("Mats Ohlsson", HANDEL, "sammankallande"), ("Anna Wall", TULL, ""), ("Erik Blom", POLICE, "")],
}

MILESTONES = {
    1: [
        ("Struktur för avhopparstöd beslutad", D(2019, 6, 30), D(2019, 9, 15)),
        ("Stöd i hela länet", D(2020, 12, 31), None),
    ],
    2: [
        ("Två pilotseminarier enligt Brås program", D(2019, 5, 31), D(2019, 5, 20)),
        ("Förslag till arbetssätt", D(2020, 6, 30), None),
    ],
    3: [("Seminarier om otillåten påverkan", D(2019, 11, 30), D(2019, 11, 12))],
    4: [
        ("Informationsträffar om EST", D(2019, 3, 31), D(2019, 3, 14)),
        ("Utvecklingsstöd till kommunerna", D(2020, 6, 30), D(2020, 6, 2)),
    ],
    5: [
        ("Utbildning för kommuner och lokalpolisområden", D(2019, 10, 31), D(2019, 10, 8)),
        ("Granskning av alla överenskommelser", D(2020, 10, 31), None),
    ],
    6: [("Lokala samverkansnätverk i alla kommuner", D(2020, 9, 30), None)],
    7: [("Kartläggning av näringslivets medverkan", D(2019, 12, 31), D(2020, 2, 28))],
}

# number: [(date, status code, percent, what was done, next steps, risks)]
UPDATES = {
    1: [
        (
            D(2018, 11, 20),
            "on_track",
            10,
            "Arbetsgruppen har bildats och kartlagt dagens stöd till avhoppare.",
            "Förslag till gemensam struktur.",
            "",
        ),
        (
            D(2019, 9, 15),
            "on_track",
            45,
            "Strukturen för avhopparstöd är beslutad av styrgruppen.",
            "Införande i alla lokalpolisområden.",
            "",
        ),
        (
            D(2020, 10, 1),
            "on_track",
            70,
            "Stödet finns i fyra av fem lokalpolisområden.",
            "Det sista området under hösten.",
            "",
        ),
    ],
    2: [
        (
            D(2019, 5, 20),
            "on_track",
            35,
            "De två pilotseminarierna är genomförda.",
            "Förslag till arbetssätt för korta straff.",
            "",
        ),
        (
            D(2020, 9, 10),
            "delayed",
            50,
            "Förslaget är försenat: kommunernas medverkan behöver förankras.",
            "Förankring i Kommunförbundets nätverk.",
            "Brist på resurser i kommunerna.",
        ),
    ],
    3: [(D(2019, 11, 12), "on_track", 60, "Tre seminarier genomförda med 120 deltagare.", "Metodstöd publiceras.", "")],
    4: [
        (
            D(2019, 3, 14),
            "on_track",
            40,
            "Informationsträffar om EST för 20 kommuner.",
            "Utvecklingsstöd till de kommuner som anmält intresse.",
            "",
        ),
        (D(2020, 6, 2), "done", 100, "Utvecklingsstödet är genomfört i fem kommuner.", "", ""),
    ],
    5: [
        (
            D(2020, 3, 1),
            "at_risk",
            40,
            "Utbildning hållen; granskningen har börjat.",
            "Granska alla överenskommelser.",
            "Få kommuner har skickat in sina överenskommelser.",
        )
    ],
    6: [(D(2020, 8, 20), "on_track", 55, "Nätverk finns i 20 av 33 kommuner.", "Nätverk i övriga kommuner.", "")],
    7: [(D(2020, 2, 28), "on_track", 30, "Kartläggningen är klar.", "Förslag på samverkansformer.", "")],
}

INDICATORS = [
    (
        1,
        "Personer som fått stöd att lämna kriminella grupperingar",
        "personer",
        Decimal(0),
        Decimal(40),
        IndicatorDirection.HIGHER,
        [(D(2018, 12, 31), 3), (D(2019, 6, 30), 9), (D(2019, 12, 31), 17), (D(2020, 6, 30), 24), (D(2020, 12, 31), 31)],
    ),
    (
        2,
        "Återfall inom ett år bland dömda till högst två månaders fängelse",
        "%",
        Decimal(42),
        Decimal(35),
        IndicatorDirection.LOWER,
        [(D(2018, 12, 31), 42), (D(2019, 12, 31), 40.5), (D(2020, 12, 31), 39)],
    ),
]


def _actors(county: County) -> dict[str, Actor]:
    names = [LST, REGION, POLICE, KFSK, KRIM, TULL, HANDEL]
    return {a.name: a for a in Actor.objects.filter(Q(county=county) | Q(county__isnull=True), name__in=names)}


def _measure(plan: ActionPlan, actors: dict[str, Actor], spec, municipalities: dict[str, Municipality]) -> None:
    number, title, purpose, lead, participants, municipality_codes, weight = spec
    measure = Measure.objects.create(
        plan=plan,
        number=number,
        title=title,
        purpose=purpose,
        start_date=D(2018, 9, 1),
        target_date=D(2020, 12, 31),
        weight=weight,
    )
    measure.municipalities.set([municipalities[c] for c in municipality_codes])
    MeasureActor.objects.create(measure=measure, actor=actors[lead], role=ActorRole.LEAD)
    for name in participants:
        MeasureActor.objects.create(measure=measure, actor=actors[name], role=ActorRole.PARTICIPANT)
    for name, organisation, role in WORKING_GROUPS[number]:
        WorkingGroupMember.objects.create(measure=measure, name=name, organisation=organisation, role=role)
    for title_, due, done in MILESTONES[number]:
        Milestone.objects.create(measure=measure, title=title_, due_date=due, done_on=done)
    statuses = {s.code: s for s in ProgressStatus.objects.filter(county__isnull=True)}
    latest = None
    for date, code, percent, done_text, next_steps, risks in UPDATES[number]:
        latest = ProgressUpdate.objects.create(
            measure=measure,
            date=date,
            author_name=WORKING_GROUPS[number][0][0],
            status=statuses[code],
            percent=percent,
            done_text=done_text,
            next_steps=next_steps,
            risks=risks,
        )
    Measure.objects.filter(pk=measure.pk).update(latest_update=latest)


def _support_activities(counties: dict[str, County], skane_plan: ActionPlan) -> None:
    if SupportActivity.objects.exists():
        return
    hearing = SupportActivity.objects.create(
        county=counties["21"],
        title="Hearing om Tillsammans mot brott",
        kind=SupportKind.HEARING,
        date=D(2018, 2, 15),
        place="Scandic Bollnäs",
        organiser="Länsstyrelsen Gävleborg",
        participants=40,
        description="Lokala organisationer, samordnare och rollfördelning diskuterades med stöd av Brå; "
        "deltagarna gick hem med tre prioriterade förslag var.",
    )
    hearing.municipalities.set(Municipality.objects.filter(code__in=["2183", "2182", "2184", "2180", "2121"]))
    conference = SupportActivity.objects.create(
        county=counties["13"],
        title="Konferens om kommunernas ansvar för brottsförebyggande arbete",
        kind=SupportKind.CONFERENCE,
        date=D(2023, 6, 7),
        place="Hotell Tylösand, Halmstad",
        organiser="Länsstyrelserna i södra Sverige",
        participants=140,
        description="Åtta länsstyrelser samlade brottsförebyggande aktörer inför den nya lagen (2023:196).",
    )
    conference.municipalities.set(Municipality.objects.filter(county=counties["13"]))
    conference.counties.set([counties[c] for c in ("12", "10", "08", "07", "06", "14", "05")])
    meeting = SupportActivity.objects.create(
        county=counties["12"],
        title="Informationsträff om EST, Effektiv samordning för trygghet",
        kind=SupportKind.INFORMATION_MEETING,
        date=D(2019, 3, 14),
        place="Länsstyrelsen Skåne, Malmö",
        organiser=LST,
        participants=45,
        measure=skane_plan.measures.filter(number=4).first(),
    )
    meeting.municipalities.set(Municipality.objects.filter(code__in=["1293", "1281", "1282", "1290", "1286", "1280"]))


@transaction.atomic
def load_actions_demo() -> None:
    """Idempotent: the plan is created once, with its measures; nothing is overwritten."""
    ensure_national_statuses()
    counties = {c.code: c for c in County.objects.all()}
    skane = counties["12"]
    plan = ActionPlan.objects.filter(county=skane, title="Skåne tillsammans mot brott").first()
    if plan is None:
        actors = _actors(skane)
        plan = ActionPlan.objects.create(
            county=skane,
            title="Skåne tillsammans mot brott",
            adopted_on=D(2018, 6, 14),
            period_start=D(2018, 6, 14),
            period_end=D(2020, 12, 31),
            status=PlanStatus.ACTIVE,
            description="Sju skånska aktörer har antagit en gemensam handlingsplan för att minska brottsligheten "
            "och öka tryggheten i hela länet. Insatserna ska vara genomförda i slutet av 2020.",
        )
        plan.adopting_actors.set(actors.values())
        municipalities = {m.code: m for m in Municipality.objects.filter(county=skane)}
        for spec in MEASURES:
            _measure(plan, actors, spec, municipalities)
        measures = {m.number: m for m in plan.measures.all()}
        for number, name, unit, baseline, target, direction, values in INDICATORS:
            indicator = Indicator.objects.create(
                measure=measures[number], name=name, unit=unit, baseline=baseline, target=target, direction=direction
            )
            for date, value in values:
                IndicatorValue.objects.create(indicator=indicator, date=date, value=Decimal(str(value)))
    _support_activities(counties, plan)


# --- The current plan, in the middle of a follow-up round --------------------------------------------

CURRENT_PLAN = "Ett tryggare Skåne 2025–2027"
REGION_CONTACT, KFSK_CONTACT, KRIM_CONTACT, HANDEL_CONTACT, POLICE_CONTACT = (
    "region.kontakt",
    "kfsk.kontakt",
    "krim.kontakt",
    "handel.kontakt",
    "polis.kontakt",
)

# number, title, purpose, lead, participants, municipalities, weight
CURRENT_MEASURES = [
    (
        1,
        "Förebygga rekrytering av unga till kriminella nätverk",
        "Tidiga och samordnade insatser för unga i riskzonen, med skola, socialtjänst och polis tillsammans.",
        POLICE,
        [REGION, KFSK],
        ["1281", "1293"],
        Decimal(2),
    ),
    (
        2,
        "Stöd till kommunernas lägesbilder och åtgärdsprogram",
        "Länsstyrelsen stöttar kommunerna i arbetet enligt lagen (2023:196) om kommuners ansvar för "
        "brottsförebyggande arbete: lägesbild, åtgärdsprogram och samordningsfunktion.",
        LST,
        [KFSK],
        [],
        Decimal(1),
    ),
    (
        3,
        "Avhopparverksamhet i hela Skåne",
        "Fler personer ska få stöd att lämna kriminella grupperingar, med en gemensam struktur i hela länet.",
        POLICE,
        [REGION, KRIM],
        [],
        Decimal(2),
    ),
    (
        4,
        "Effektiv samordning för trygghet i fler kommuner",
        "Fler kommuner arbetar med EST tillsammans med polisen och fastighetsägare.",
        KFSK,
        [POLICE],
        ["1293"],
        Decimal(1),
    ),
    (
        5,
        "Stöd vid frigivning för färre återfall",
        "Samordnat stöd med bostad, sysselsättning och vård för den som friges från anstalt.",
        KRIM,
        [REGION],
        [],
        Decimal(1),
    ),
    (
        6,
        "Näringslivets medverkan i det brottsförebyggande arbetet",
        "Kartlägga och utveckla hur företag och handel kan bidra till tryggare stadskärnor.",
        HANDEL,
        [POLICE, KFSK],
        [],
        Decimal(1),
    ),
    (
        7,
        "Samordnade insatser mot våld i nära relationer",
        "Gemensamma rutiner mellan region, kommuner och polis för att upptäcka våld och ge stöd.",
        REGION,
        [POLICE],
        ["1281"],
        Decimal(1),
    ),
]

# The round in progress, by measure: its state, who answered, status, percent, what was done, next
# steps, risks, and the coordinator's comment.
ROUND_ANSWERS = {
    1: (
        "approved",
        POLICE_CONTACT,
        "on_track",
        45,
        "Samverkansgrupper med skola och socialtjänst finns nu i Lund och Hässleholm; 32 unga har fått stöd.",
        "Utvärdering av arbetssättet tillsammans med Region Skåne.",
        "",
        "",
    ),
    2: (
        "approved",
        None,
        "on_track",
        60,
        "Workshoppar om lägesbilder har hållits för 24 av 33 kommuner.",
        "Uppföljning av kommunernas åtgärdsprogram.",
        "",
        "",
    ),
    3: (
        "returned",
        POLICE_CONTACT,
        "at_risk",
        30,
        "Arbetet har fortsatt.",
        "",
        "Svårt att rekrytera stödpersoner.",
        "Beskriv vad som har gjorts under perioden och hur många som har fått stöd, så att styrgruppen kan följa "
        "utvecklingen.",
    ),
    4: (
        "submitted",
        KFSK_CONTACT,
        "on_track",
        50,
        "Två nya kommuner har börjat med EST; gemensam utbildning hölls i oktober med 45 deltagare.",
        "Stöd till kommunernas första lägesbilder inom EST.",
        "",
        "",
    ),
    7: (
        "draft",
        REGION_CONTACT,
        "on_track",
        35,
        "Gemensam rutin är framtagen och remitteras till kommunerna.",
        "",
        "",
        "",
    ),
}

CURRENT_CONTACTS = {
    POLICE: POLICE_CONTACT,
    REGION: REGION_CONTACT,
    KFSK: KFSK_CONTACT,
    KRIM: KRIM_CONTACT,
    HANDEL: HANDEL_CONTACT,
}


@transaction.atomic
def load_current_plan_demo() -> None:
    """The county's current plan in the middle of its second follow-up round, with dates relative to today.

    Runs after the demo users exist (they are the people asked). Idempotent: nothing is done when the
    plan exists. The earlier plan, "Skåne tillsammans mot brott" (2018–2020), is then completed.
    """
    skane = County.objects.get(code="12")
    if ActionPlan.objects.filter(county=skane, title=CURRENT_PLAN).exists():
        return
    ActionPlan.objects.filter(county=skane, title="Skåne tillsammans mot brott").update(status=PlanStatus.COMPLETED)
    names = [*CURRENT_CONTACTS.values(), "lan.samordnare"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    plan, measures = _current_plan(skane)

    def asked_for(measure):
        lead = measure.lead()
        username = CURRENT_CONTACTS.get(lead.actor.name) if lead else None
        return [users[username]] if username in users else []

    first_end = _first_round(plan, measures, asked_for, users.get("lan.samordnare"))
    _current_round(plan, measures, asked_for, users, first_end)
    _discussion(measures[3], users)


# A thread on the measure whose update was returned: (days ago, author, text, the usernames mentioned).
DISCUSSION = [
    (
        9,
        POLICE_CONTACT,
        "Vi har svårt att hitta stödpersoner i nordöstra Skåne. Har någon kommun erfarenhet av att rekrytera "
        "via föreningslivet?",
        [],
    ),
    (
        8,
        REGION_CONTACT,
        "Region Skåne har en pool av kontaktpersoner inom öppenvården som kanske kan användas.\n"
        "Jag kollar med verksamhetschefen och återkommer före nästa möte.",
        [POLICE_CONTACT],
    ),
    (
        2,
        "lan.samordnare",
        "Tack båda. Jag har skickat tillbaka lägesrapporten: beskriv gärna hur många som fått stöd under "
        "perioden. Vi tar upp rekryteringen på arbetsgruppens möte.",
        [POLICE_CONTACT, REGION_CONTACT],
    ),
]


def _discussion(measure: Measure, users) -> None:
    """A conversation about the measure in its thread, and a question on its returned update."""
    now = timezone.now()
    for days_ago, username, body, mentioned in DISCUSSION:
        author = users.get(username)
        if author is None:
            continue
        comment = Comment.objects.create(
            measure=measure,
            author=author,
            author_name=str(author),
            body=body,
            created_at=now - datetime.timedelta(days=days_ago),
        )
        comment.mentions.set([users[name] for name in mentioned if name in users])
    update = ProgressUpdate.objects.filter(measure=measure, state="returned").first()
    author = users.get(POLICE_CONTACT)
    if update is not None and author is not None:
        Comment.objects.create(
            measure=measure,
            update=update,
            author=author,
            author_name=str(author),
            body="Ska vi räkna med de unga som fått stöd via Region Skånes mottagning också?",
            created_at=now - datetime.timedelta(days=1),
        )


def _current_plan(skane: County) -> tuple[ActionPlan, dict[int, Measure]]:
    start = timezone.localdate() - datetime.timedelta(days=330)
    actors = _actors(skane)
    plan = ActionPlan.objects.create(
        county=skane,
        title=CURRENT_PLAN,
        adopted_on=start,
        period_start=start,
        period_end=start + datetime.timedelta(days=1095),
        status=PlanStatus.ACTIVE,
        description="Den regionala handlingsplanen efter Skåne tillsammans mot brott: sju insatser som länets "
        "aktörer genomför tillsammans, följda upp varje kvartal.",
    )
    plan.adopting_actors.set(actors.values())
    municipalities = {m.code: m for m in Municipality.objects.filter(county=skane)}
    measures = {}
    for number, title, purpose, lead, participants, codes, weight in CURRENT_MEASURES:
        measure = Measure.objects.create(
            plan=plan,
            number=number,
            title=title,
            purpose=purpose,
            start_date=start,
            target_date=plan.period_end,
            weight=weight,
        )
        measure.municipalities.set([municipalities[c] for c in codes])
        MeasureActor.objects.create(measure=measure, actor=actors[lead], role=ActorRole.LEAD)
        for name in participants:
            MeasureActor.objects.create(measure=measure, actor=actors[name], role=ActorRole.PARTICIPANT)
        Milestone.objects.create(
            measure=measure, title="Arbetsgrupp utsedd", due_date=start + datetime.timedelta(days=60), done_on=start
        )
        measures[number] = measure
    return plan, measures


def _first_round(plan: ActionPlan, measures: dict[int, Measure], asked_for, coordinator) -> datetime.date:
    """The first round, closed: every measure answered and approved. Returns the end of its period."""
    statuses = {s.code: s for s in ProgressStatus.objects.filter(county__isnull=True)}
    first_end = timezone.localdate() - datetime.timedelta(days=95)
    first = FollowUpRound.objects.create(
        plan=plan,
        title="Uppföljning, första kvartalen",
        period_start=plan.period_start,
        period_end=first_end,
        deadline=first_end + datetime.timedelta(days=14),
        status=RoundStatus.CLOSED,
        opened_by=coordinator,
        closed_at=timezone.now() - datetime.timedelta(days=70),
    )
    for measure in measures.values():
        author = (asked_for(measure) or [coordinator])[0]
        update = ProgressUpdate.objects.create(
            measure=measure,
            date=first_end + datetime.timedelta(days=7),
            author=author,
            author_name=str(author or ""),
            status=statuses["on_track" if measure.number != 5 else "delayed"],
            percent=20 if measure.number != 5 else 10,
            done_text="Arbetsgruppen har kommit igång och en plan för genomförandet är klar.",
            state=UpdateState.APPROVED,
            reviewed_by=coordinator,
            reviewed_at=timezone.now() - datetime.timedelta(days=75),
        )
        request = RoundRequest.objects.create(round=first, measure=measure, update=update)
        request.addressees.set(asked_for(measure))
        Measure.objects.filter(pk=measure.pk).update(latest_update=update)
    return first_end


def _current_round(plan, measures, asked_for, users, first_end: datetime.date) -> None:
    """The round in progress: the deadline in three days, so the reminder before it has gone out."""
    today = timezone.localdate()
    coordinator = users.get("lan.samordnare")
    current = FollowUpRound.objects.create(
        plan=plan,
        title="Uppföljning, senaste kvartalet",
        period_start=first_end + datetime.timedelta(days=1),
        period_end=today - datetime.timedelta(days=5),
        deadline=today + datetime.timedelta(days=3),
        remind_days_before=5,
        message="Beskriv kort vad som har gjorts under kvartalet och bifoga gärna underlag. Tack!",
        opened_by=coordinator,
    )
    opened_at = timezone.now() - datetime.timedelta(days=12)
    FollowUpRound.objects.filter(pk=current.pk).update(opened_at=opened_at)
    for number, measure in measures.items():
        people = asked_for(measure)
        request = RoundRequest.objects.create(round=current, measure=measure)
        request.addressees.set(people)
        answer = ROUND_ANSWERS.get(number)
        _record_sent(
            request,
            people,
            opened_at,
            current.deadline if answer is None or answer[0] in ("draft", "returned") else None,
        )
        if answer is None:
            if number == 6:
                RoundRequest.objects.filter(pk=request.pk).update(opened_at=opened_at + datetime.timedelta(days=3))
            continue
        _answer(request, answer, users, coordinator)


def _record_sent(request, people, opened_at, reminded_for: datetime.date | None) -> None:
    """The demo records the round's e-mails as sent (nothing is mailed when the demo is loaded): the
    invitation to everyone asked, and the reminder before the deadline where the request is outstanding."""
    for person in people:
        Reminder.objects.create(
            kind="round_request",
            object_id=request.pk,
            due_date=timezone.localdate(opened_at),
            stage=Reminder.Stage.ASKED,
            recipient=person,
            sent_at=opened_at,
        )
        if reminded_for is not None:
            Reminder.objects.create(
                kind="round_request",
                object_id=request.pk,
                due_date=reminded_for,
                stage=Reminder.Stage.BEFORE,
                recipient=person,
                sent_at=timezone.now() - datetime.timedelta(days=2),
            )


def _answer(request, answer, users, coordinator) -> None:
    state, username, code, percent, done_text, next_steps, risks, comment = answer
    author = users.get(username) if username else coordinator
    decided = state in ("approved", "returned")
    now = timezone.now()
    update = ProgressUpdate.objects.create(
        measure=request.measure,
        date=timezone.localdate() - datetime.timedelta(days=4),
        author=author,
        author_name=str(author or ""),
        status=ProgressStatus.objects.get(county__isnull=True, code=code),
        percent=percent,
        done_text=done_text,
        next_steps=next_steps,
        risks=risks,
        state=state,
        submitted_at=now - datetime.timedelta(days=4) if state != "draft" else None,
        reviewed_by=coordinator if decided else None,
        reviewed_at=now - datetime.timedelta(days=2) if decided else None,
        review_comment=comment,
    )
    RoundRequest.objects.filter(pk=request.pk).update(update=update, opened_at=now - datetime.timedelta(days=11))
    if state == "approved":
        Measure.objects.filter(pk=request.measure_id).update(latest_update=update)
