"""Generated national data for load and scale testing (``manage.py generate_scale_data``).

Everything is derived from the seed: each parent (county, municipality, measure …) draws
from its own ``random.Random`` seeded with the seed and the parent's SCB code or position,
so the content never depends on the global random state, on the clock or on which other
counties were generated. Dates count back from ``REFERENCE_DATE``.

Rows are inserted with plain ``bulk_create``: no history records are written for
generated data. Generated rows are marked so they can be told from real data:

- titles of action plans, agreements, pledges and support activities start with ``[gen]``;
- usernames start with ``gen-``;
- generated actors are named "Generated actor 3, Skåne";
- compliance items carry ``[gen]`` in their notes.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from actions.models import (
    ActionPlan,
    Actor,
    ActorKind,
    ActorRole,
    Indicator,
    IndicatorDirection,
    IndicatorValue,
    Measure,
    MeasureActor,
    Milestone,
    PlanStatus,
    ProgressStatus,
    ProgressUpdate,
    SupportActivity,
    SupportKind,
)
from actions.services import ensure_national_statuses
from agreements.models import (
    CRITERIA,
    SCORE_MAX,
    AgreementStatus,
    Assessment,
    BraStep,
    CitizenPledge,
    CommitmentStatus,
    CooperationAgreement,
    FocusArea,
    FollowUp,
    FollowUpItem,
    Party,
    PledgeCommitment,
    PledgeStatus,
    QualityReview,
)
from agreements.services import ensure_national_focus_areas
from core.roles import Role
from municipalities.models import ComplianceItem, ComplianceState, County, KeyFigure, Municipality, Obligation
from municipalities.services import base_kinds, load_reference_data, year_rows
from portal.models import Grant, User

MARK = "[gen]"
USER_PREFIX = "gen-"
ACTOR_PREFIX = "Generated actor "
REFERENCE_DATE = datetime.date(2026, 1, 1)
BATCH_SIZE = 2000

# Counts per parent at scale 1.
BASE = {
    "actors_per_county": 5,
    "measures_per_plan": 10,
    "updates_per_measure": 40,
    "milestones_per_measure": 6,
    "indicators_per_measure": 2,
    "values_per_indicator": 8,
    "key_figure_years": 10,
    "pledges_per_municipality": 4,
    "commitments_per_pledge": 5,
    "follow_ups_per_pledge": 1,
    "reviews_per_municipality": 3,
    "support_activities_per_county": 5,
}
# Fixed whatever the scale: lead + participants of a measure, the law's obligations, the
# national focus areas of an agreement.
PARTICIPANTS_PER_MEASURE = 2
FOCUS_AREAS_PER_AGREEMENT = 5

MEASURE_TOPICS = [
    "Förebygga rekrytering till kriminella nätverk",
    "Trygghetsvandringar i centrum",
    "Stöd till avhoppare",
    "Samverkan kring unga i riskzon",
    "Minska våld i nära relationer",
    "Skydd mot bedrägerier riktade mot äldre",
    "Platssamverkan i bostadsområden",
    "Föräldrastöd och fältarbete",
    "Motverka narkotikahandel",
    "Lägesbild för organiserad brottslighet",
    "Brottsförebyggande arbete i skolan",
    "Belysning och trygga stråk",
]
MILESTONE_TOPICS = ["Kartläggning klar", "Pilotseminarium", "Utbildning genomförd", "Delrapport", "Utvärdering"]
INDICATOR_TOPICS = [
    ("Personer som fått stöd", "personer", IndicatorDirection.HIGHER),
    ("Andel trygga invånare", "%", IndicatorDirection.HIGHER),
    ("Anmälda brott i området", "brott", IndicatorDirection.LOWER),
    ("Genomförda aktiviteter", "st", IndicatorDirection.HIGHER),
]
COMMITMENT_TOPICS = [
    "Öka närvaron i centrum kvällstid",
    "Genomföra trygghetsvandringar",
    "Informera om bedrägerier på träffpunkter för äldre",
    "Arbeta med föräldrar till unga i riskzon",
    "Förbättra belysningen i parken",
    "Genomföra medborgardialog",
]
UPDATE_TEXTS = [
    "Arbetet fortsätter enligt plan.",
    "Möten med samverkansparterna har hållits.",
    "Rekrytering av projektledare pågår.",
    "Workshop genomförd med kommunerna.",
    "Underlag sammanställt för styrgruppen.",
]
SUPPORT_TOPICS = ["Länsträff om lägesbilder", "Utbildning i ANDTS-förebyggande", "Konferens om trygghet", "Hearing"]
ACTOR_KINDS = [ActorKind.REGION, ActorKind.MUNICIPAL_ASSOCIATION, ActorKind.BUSINESS, ActorKind.CIVIL_SOCIETY]
NORMAL_STATUSES = ["on_track", "on_track", "on_track", "at_risk", "delayed"]


class ScaleDataError(Exception):
    """The database is not one the generator may write to."""


@dataclass(frozen=True)
class Counts:
    """Per-parent counts at a scale; every count is at least one."""

    scale: float

    def __getattr__(self, name: str) -> int:
        if name in BASE:
            return max(1, round(BASE[name] * self.scale))
        raise AttributeError(name)


def rng_for(seed: int, *key: object) -> random.Random:
    """A random generator of its own for one parent (string seeds are hashed with SHA-512)."""
    return random.Random(":".join(str(part) for part in (seed, *key)))  # noqa: S311 - test data, not secrets


def days_ago(days: int) -> datetime.date:
    return REFERENCE_DATE - datetime.timedelta(days=days)


# --- Checks ---------------------------------------------------------------------------------------


def real_data() -> list[str]:
    """What real (not generated) data the database holds, as phrases; empty when none."""
    found = []
    if ActionPlan.objects.exclude(title__startswith=MARK).exists():
        found.append("action plans")
    if CitizenPledge.objects.exclude(title__startswith=MARK).exists():
        found.append("citizen pledges")
    if CooperationAgreement.objects.exclude(title__startswith=MARK).exists():
        found.append("cooperation agreements")
    if User.objects.exclude(username__startswith=USER_PREFIX).exists():
        found.append("users")
    return found


def generated_data_exists() -> bool:
    return (
        ActionPlan.objects.filter(title__startswith=MARK).exists()
        or User.objects.filter(username__startswith=USER_PREFIX).exists()
        or Actor.objects.filter(name__startswith=ACTOR_PREFIX).exists()
    )


def check_database(*, force: bool = False) -> None:
    """Refuse a database with generated data (always) or with real data (unless ``force``)."""
    if generated_data_exists():
        raise ScaleDataError("Generated data already exists in this database; generate into a fresh database instead.")
    found = real_data()
    if found and not force:
        raise ScaleDataError(
            f"The database holds real data ({', '.join(found)}); refusing to add generated data. "
            "Use --force to generate anyway."
        )


# --- Generation -----------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, scale: float = 1.0, seed: int = 1, counties: list[str] | None = None) -> None:
        if scale <= 0:
            raise ScaleDataError("The scale must be greater than zero.")
        self.n = Counts(scale)
        self.seed = seed
        self.county_codes = counties
        self.created: Counter[str] = Counter()

    def bulk(self, model, objs: list, **kwargs) -> list:
        created = model.objects.bulk_create(objs, batch_size=BATCH_SIZE, **kwargs)
        self.created[model.__name__] += len(objs)
        return created

    def bulk_through(self, field, rows: list[tuple[int, int]], source: str, target: str) -> None:
        through = field.through
        self.bulk(through, [through(**{f"{source}_id": a, f"{target}_id": b}) for a, b in rows])

    @transaction.atomic
    def run(self) -> Counter[str]:
        if not County.objects.exists():
            load_reference_data()
        ensure_national_statuses()
        ensure_national_focus_areas()
        self.statuses = {s.code: s for s in ProgressStatus.objects.filter(county__isnull=True)}
        self.focus_areas = list(FocusArea.objects.filter(county__isnull=True).order_by("position", "name"))
        counties = County.objects.order_by("code")
        if self.county_codes is not None:
            counties = counties.filter(code__in=self.county_codes)
        self.counties = list(counties)
        municipalities = Municipality.objects.filter(county__in=self.counties).select_related("county")
        municipalities = municipalities.order_by("code")
        self.municipalities = list(municipalities)
        self.by_county: dict[int, list[Municipality]] = {c.pk: [] for c in self.counties}
        for municipality in self.municipalities:
            self.by_county[municipality.county_id].append(municipality)

        actors = self.make_actors()
        users = self.make_users(actors)
        measures = self.make_plans(actors)
        self.make_support_activities(measures)
        self.make_key_figures()
        self.make_compliance_items()
        self.make_agreements_and_pledges(users)
        return self.created

    # Actors and users ---------------------------------------------------------------------------

    def make_actors(self) -> dict[int, list[Actor]]:
        objs = []
        for county in self.counties:
            rng = rng_for(self.seed, "actors", county.code)
            for i in range(1, max(self.n.actors_per_county, PARTICIPANTS_PER_MEASURE + 1) + 1):
                name = f"{ACTOR_PREFIX}{i}, {county.short_name}"
                objs.append(Actor(name=name, kind=rng.choice(ACTOR_KINDS), county=county))
        actors: dict[int, list[Actor]] = {c.pk: [] for c in self.counties}
        for actor in self.bulk(Actor, objs):
            actors[actor.county_id].append(actor)
        return actors

    def make_users(self, actors: dict[int, list[Actor]]) -> dict[str, User]:
        specs = []  # (username, first, last, grant fields)
        for county in self.counties:
            short = county.short_name
            specs += [
                (
                    f"gen-coordinator-{county.code}",
                    "Samordnare",
                    short,
                    {"role": Role.COUNTY_COORDINATOR, "county": county},
                ),
                (f"gen-steering-{county.code}", "Styrgrupp", short, {"role": Role.STEERING_GROUP, "county": county}),
                (
                    f"gen-actor-{county.code}",
                    "Aktörskontakt",
                    short,
                    {"role": Role.ACTOR_CONTACT, "county": county, "actor": actors[county.pk][0]},
                ),
            ]
        for municipality in self.municipalities:
            specs.append(
                (
                    f"gen-officer-{municipality.code}",
                    "Tjänsteperson",
                    municipality.name,
                    {"role": Role.MUNICIPAL_OFFICER, "municipality": municipality},
                )
            )
        unusable = make_password(None)
        users = self.bulk(
            User,
            [
                User(username=u, first_name=f, last_name=last, email=f"{u}@example.invalid", password=unusable)
                for u, f, last, _grant in specs
            ],
        )
        self.bulk(Grant, [Grant(user=user, **spec[3]) for user, spec in zip(users, specs, strict=True)])
        return {user.username: user for user in users}

    # Action plans -------------------------------------------------------------------------------

    def make_plans(self, actors: dict[int, list[Actor]]) -> list[Measure]:
        n = self.n
        plans = self.bulk(
            ActionPlan,
            [
                ActionPlan(
                    county=county,
                    title=f"{MARK} {county.short_name} tillsammans mot brott 2025–2027",
                    adopted_on=datetime.date(2024, 12, 1),
                    period_start=datetime.date(2025, 1, 1),
                    period_end=datetime.date(2027, 12, 31),
                    status=PlanStatus.ACTIVE,
                    description=f"Regional handlingsplan för {county.name} (genererad).",
                )
                for county in self.counties
            ],
        )
        self.bulk_through(
            ActionPlan.adopting_actors,
            [(plan.pk, actor.pk) for plan in plans for actor in actors[plan.county_id][:2]],
            "actionplan",
            "actor",
        )

        measures, plan_of = [], []
        for plan in plans:
            rng = rng_for(self.seed, "plan", plan.county.code)
            for number in range(1, n.measures_per_plan + 1):
                start = days_ago(7 * n.updates_per_measure + rng.randint(0, 60))
                measures.append(
                    Measure(
                        plan=plan,
                        number=number,
                        title=f"{rng.choice(MEASURE_TOPICS)} ({number})",
                        description="Genererad insats för skalprov.",
                        purpose="Minska brottsligheten och öka tryggheten.",
                        start_date=start,
                        target_date=start + datetime.timedelta(days=rng.randint(365, 1100)),
                        weight=Decimal(rng.choice([1, 1, 1, 2])),
                    )
                )
                plan_of.append(plan)
        measures = self.bulk(Measure, measures)

        roles, m2m, milestones, updates, indicators = [], [], [], [], []
        for measure, plan in zip(measures, plan_of, strict=True):
            rng = rng_for(self.seed, "measure", plan.county.code, measure.number)
            chosen = rng.sample(actors[plan.county_id], PARTICIPANTS_PER_MEASURE + 1)
            roles.append(MeasureActor(measure=measure, actor=chosen[0], role=ActorRole.LEAD, part="Leder arbetet"))
            roles += [
                MeasureActor(measure=measure, actor=a, role=ActorRole.PARTICIPANT, part="Deltar") for a in chosen[1:]
            ]
            county_municipalities = self.by_county[plan.county_id]
            for municipality in rng.sample(county_municipalities, min(2, len(county_municipalities))):
                m2m.append((measure.pk, municipality.pk))
            for i in range(n.milestones_per_measure):
                due = measure.start_date + datetime.timedelta(days=60 * (i + 1))
                done = due if due < REFERENCE_DATE and rng.random() < 0.7 else None
                milestones.append(
                    Milestone(
                        measure=measure, title=f"{rng.choice(MILESTONE_TOPICS)} {i + 1}", due_date=due, done_on=done
                    )
                )
            updates += self.updates_for(measure, rng, plan.county.short_name)
            for i in range(n.indicators_per_measure):
                name, unit, direction = INDICATOR_TOPICS[(measure.number + i) % len(INDICATOR_TOPICS)]
                baseline = rng.randint(10, 200)
                target = baseline + rng.randint(5, 100) if direction == IndicatorDirection.HIGHER else baseline // 2
                indicators.append(
                    Indicator(
                        measure=measure,
                        name=f"{name} {i + 1}",
                        unit=unit,
                        baseline=Decimal(baseline),
                        target=Decimal(target),
                        direction=direction,
                    )
                )
        self.bulk(MeasureActor, roles)
        self.bulk_through(Measure.municipalities, m2m, "measure", "municipality")
        self.bulk(Milestone, milestones)
        updates = self.bulk(ProgressUpdate, updates)
        indicators = self.bulk(Indicator, indicators)

        values = []
        for indicator in indicators:
            rng = rng_for(
                self.seed, "indicator", indicator.measure.plan.county.code, indicator.measure.number, indicator.name
            )
            level = float(indicator.baseline)
            for i in range(n.values_per_indicator, 0, -1):
                level = max(0.0, level + rng.uniform(-5, 10))
                values.append(IndicatorValue(indicator=indicator, date=days_ago(91 * i), value=Decimal(f"{level:.2f}")))
        self.bulk(IndicatorValue, values)

        # The newest update of each measure is its latest (dates within a measure are distinct).
        newest: dict[int, ProgressUpdate] = {}
        for update in updates:
            current = newest.get(update.measure_id)
            if current is None or update.date > current.date:
                newest[update.measure_id] = update
        for measure in measures:
            measure.latest_update = newest[measure.pk]
        Measure.objects.bulk_update(measures, ["latest_update"], batch_size=BATCH_SIZE)
        return measures

    def updates_for(self, measure: Measure, rng: random.Random, county_name: str) -> list[ProgressUpdate]:
        count = self.n.updates_per_measure
        finishes = rng.random() < 0.2
        percent, objs = 0, []
        for i in range(count):  # oldest first, one a week
            last = i == count - 1
            percent = min(100, percent + rng.randint(0, max(1, 200 // count)))
            code = rng.choice(NORMAL_STATUSES) if i else "not_started"
            if last and finishes:
                code, percent = "done", 100
            objs.append(
                ProgressUpdate(
                    measure=measure,
                    date=days_ago(7 * (count - 1 - i)),
                    author_name=f"Samordnare {county_name}",
                    status=self.statuses[code],
                    percent=percent,
                    done_text=rng.choice(UPDATE_TEXTS),
                    next_steps="Fortsätta enligt plan.",
                    risks="" if code == "on_track" else "Resursbrist kan försena arbetet.",
                )
            )
        return objs

    def make_support_activities(self, measures: list[Measure]) -> None:
        measures_by_county: dict[int, list[Measure]] = {}
        for measure in measures:
            measures_by_county.setdefault(measure.plan.county_id, []).append(measure)
        objs, municipality_rows = [], []
        for county in self.counties:
            rng = rng_for(self.seed, "support", county.code)
            for i in range(1, self.n.support_activities_per_county + 1):
                chosen = rng.sample(self.by_county[county.pk], min(3, len(self.by_county[county.pk])))
                objs.append(
                    SupportActivity(
                        county=county,
                        title=f"{MARK} {rng.choice(SUPPORT_TOPICS)} {i}, {county.short_name}",
                        kind=rng.choice(SupportKind.values),
                        date=days_ago(rng.randint(0, 700)),
                        place=chosen[0].name if chosen else "",
                        organiser=f"Länsstyrelsen i {county.name}",
                        participants=rng.randint(10, 150),
                        measure=rng.choice(measures_by_county.get(county.pk, [None])),
                        description="Genererad stödinsats.",
                    )
                )
                municipality_rows.append(chosen)
        activities = self.bulk(SupportActivity, objs)
        self.bulk_through(
            SupportActivity.municipalities,
            [(a.pk, m.pk) for a, chosen in zip(activities, municipality_rows, strict=True) for m in chosen],
            "supportactivity",
            "municipality",
        )

    # Municipalities -----------------------------------------------------------------------------

    def make_key_figures(self) -> None:
        objs = []
        kinds = base_kinds()
        for municipality in self.municipalities:
            rng = rng_for(self.seed, "key_figures", municipality.code)
            population = max(2500, int(rng.lognormvariate(10.1, 0.9)))
            rate = rng.uniform(6000, 15000)  # reported crimes per 100 000
            for i in range(self.n.key_figure_years):  # newest year first, going back
                year = REFERENCE_DATE.year - 1 - i
                objs += year_rows(kinds, municipality, year, population, int(population * rate / 100000))
                population = max(2000, int(population / (1 + rng.uniform(-0.005, 0.015))))
                rate *= 1 + rng.uniform(-0.05, 0.05)
        # Key figures are statistics keyed by (municipality, kind, year): an existing value is kept.
        self.bulk(KeyFigure, objs, ignore_conflicts=True)

    def make_compliance_items(self) -> None:
        objs = []
        states = [ComplianceState.MISSING, ComplianceState.IN_PROGRESS, ComplianceState.IN_PLACE]
        for municipality in self.municipalities:
            rng = rng_for(self.seed, "compliance", municipality.code)
            for obligation in Obligation.values:
                status = rng.choices(states, weights=[1, 2, 4])[0]
                in_place = status == ComplianceState.IN_PLACE
                # Some items in place are old enough to show as outdated.
                date = days_ago(rng.randint(30, 6 * 365)) if status != ComplianceState.MISSING else None
                objs.append(
                    ComplianceItem(
                        municipality=municipality,
                        obligation=obligation,
                        status=status,
                        date=date,
                        covers_mapping=in_place,
                        covers_consequences=in_place and rng.random() < 0.8,
                        covers_analysis=in_place and rng.random() < 0.6,
                        decided_by="Kommunfullmäktige" if in_place else "",
                        period_start=2024 if obligation == Obligation.ACTION_PROGRAMME else None,
                        period_end=2027 if obligation == Obligation.ACTION_PROGRAMME else None,
                        responsible="Säkerhetssamordnaren" if obligation == Obligation.COORDINATING_FUNCTION else "",
                        notes=f"{MARK} Genererad.",
                    )
                )
        self.bulk(ComplianceItem, objs, ignore_conflicts=True)

    def make_agreements_and_pledges(self, users: dict[str, User]) -> None:
        n = self.n
        agreements = self.bulk(
            CooperationAgreement,
            [
                CooperationAgreement(
                    municipality=m,
                    title=f"{MARK} Samverkansöverenskommelse {m.name} 2024–2027",
                    police_area=m.police_area or f"Lokalpolisområde {m.name}",
                    start_year=2024,
                    end_year=2027,
                    signed_on=datetime.date(2024, 3, 1),
                    step=BraStep.IMPLEMENTATION,
                    status=AgreementStatus.ACTIVE,
                    summary="Genererad överenskommelse.",
                )
                for m in self.municipalities
            ],
        )
        self.bulk_through(
            CooperationAgreement.focus_areas,
            [(a.pk, f.pk) for a in agreements for f in self.focus_areas[:FOCUS_AREAS_PER_AGREEMENT]],
            "cooperationagreement",
            "focusarea",
        )

        pledges = []
        for municipality, agreement in zip(self.municipalities, agreements, strict=True):
            for i in range(n.pledges_per_municipality):  # oldest period first, a year each
                start = datetime.date(REFERENCE_DATE.year - n.pledges_per_municipality + 1 + i, 1, 1)
                draft = i == n.pledges_per_municipality - 1 and municipality.code.endswith(("1", "3"))
                pledges.append(
                    CitizenPledge(
                        municipality=municipality,
                        agreement=agreement,
                        police_area=agreement.police_area,
                        title=f"{MARK} Medborgarlöfte {municipality.name} {start.year}",
                        period_start=start,
                        period_end=start.replace(month=12, day=31),
                        background="Lägesbilden visar otrygghet i centrum kvällstid.",
                        status=PledgeStatus.DRAFT if draft else PledgeStatus.PUBLISHED,
                        published_on=None if draft else start,
                    )
                )
        pledges = self.bulk(CitizenPledge, pledges)

        commitments: dict[int, list[PledgeCommitment]] = {}
        objs = []
        for pledge in pledges:
            rng = rng_for(self.seed, "pledge", pledge.municipality.code, pledge.period_start.year)
            for i in range(n.commitments_per_pledge):
                party = rng.choice(Party.values)
                objs.append(
                    PledgeCommitment(
                        pledge=pledge,
                        commitment=f"{rng.choice(COMMITMENT_TOPICS)} ({i + 1})",
                        party=party,
                        other_party="Bostadsbolaget" if party == Party.OTHER else "",
                        activities="Planerade aktiviteter enligt lägesbilden.",
                        status=rng.choice(CommitmentStatus.values),
                    )
                )
        for commitment in self.bulk(PledgeCommitment, objs):
            commitments.setdefault(commitment.pledge_id, []).append(commitment)

        follow_ups, follow_up_pledges = [], []
        for pledge in pledges:
            if pledge.status != PledgeStatus.PUBLISHED:
                continue
            rng = rng_for(self.seed, "follow_up", pledge.municipality.code, pledge.period_start.year)
            officer = users[f"gen-officer-{pledge.municipality.code}"]
            for i in range(n.follow_ups_per_pledge):
                follow_ups.append(
                    FollowUp(
                        municipality=pledge.municipality,
                        pledge=pledge,
                        date=pledge.period_start + datetime.timedelta(days=180 + 30 * i),
                        author=officer,
                        author_name=officer.get_full_name(),
                        assessment=rng.choice(Assessment.values),
                        summary="Arbetet följer i stort sett planen.",
                    )
                )
                follow_up_pledges.append(rng)
        follow_ups = self.bulk(FollowUp, follow_ups)
        items = [
            FollowUpItem(follow_up=f, commitment=c, status=rng.choice(CommitmentStatus.values), comment="Genererad.")
            for f, rng in zip(follow_ups, follow_up_pledges, strict=True)
            for c in commitments[f.pledge_id]
        ]
        self.bulk(FollowUpItem, items)

        reviews = []
        pledges_by_municipality: dict[int, list[CitizenPledge]] = {}
        for pledge in pledges:
            pledges_by_municipality.setdefault(pledge.municipality_id, []).append(pledge)
        for municipality, agreement in zip(self.municipalities, agreements, strict=True):
            rng = rng_for(self.seed, "reviews", municipality.code)
            reviewer = users[f"gen-coordinator-{municipality.county.code}"]
            targets = pledges_by_municipality[municipality.pk]
            for i in range(n.reviews_per_municipality):
                pledge = targets[i % len(targets)] if i % 3 else None
                reviews.append(
                    QualityReview(
                        municipality=municipality,
                        pledge=pledge,
                        agreement=None if pledge else agreement,
                        date=days_ago(60 + 90 * i),
                        reviewer=reviewer,
                        reviewer_name=reviewer.get_full_name(),
                        comments="Genererad granskning.",
                        **{name: rng.randint(0, SCORE_MAX) for name, _label in CRITERIA},
                    )
                )
        self.bulk(QualityReview, reviews)


def generate(*, scale: float = 1.0, seed: int = 1, counties: list[str] | None = None) -> Counter[str]:
    """Generate the data (see the module docstring); returns the number of rows made per model.

    ``counties`` limits the generation to those SCB county codes (tests use it to stay fast).
    The caller checks the database first with ``check_database``.
    """
    return Generator(scale=scale, seed=seed, counties=counties).run()
