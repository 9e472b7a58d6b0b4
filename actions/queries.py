"""What the pages, dashboards and reports read of action plans, measures, actors and indicators.

Reads only: every write is in ``services.py``.

Plan progress is the weighted mean of its measures' progress:

    progress(plan) = Σ weightᵢ · progressᵢ / Σ weightᵢ   over the measures that are not cancelled

where a measure's progress is 100 when its latest update's status means done, otherwise
the latest update's percent, and 0 for a measure with no update yet. Weights are any
positive numbers (they need not sum to 1): equal weights give the plain mean. A plan
with no measures, or only cancelled ones, has no progress (``None``), shown as "no
measures yet" rather than as 0 %.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from actions.models import (
    ActionPlan,
    Actor,
    ActorRole,
    Comment,
    FollowUpRound,
    Indicator,
    Measure,
    MeasureActor,
    MeasureFollow,
    Milestone,
    ProgressStatus,
    ProgressUpdate,
    RequestState,
    RoundRequest,
    RoundStatus,
    Tone,
    WorkingGroupMember,
)
from core import charts
from core.collation import swedish_key
from core.formatting import indicator_decimals
from core.history import change_log
from core.people import grant_model, reachable_grants
from core.roles import Role
from core.rounds import RoundCounts


def plan_progress(measures: Iterable[Measure]) -> Decimal | None:
    """The weighted mean progress of ``measures`` in percent (see the module docstring).

    Unrounded: it is rounded once, where it is written (core.formatting.percent), so that 17,45
    is 17 % and not 17,5 and then 18 %.
    """
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for measure in measures:
        if measure.is_cancelled:
            continue
        total_weight += measure.weight
        weighted += measure.weight * measure.progress
    if not total_weight:
        return None
    return weighted / total_weight


@dataclass
class PlanSummary:
    plan: ActionPlan
    measures: list[Measure]
    progress: Decimal | None
    by_status: list[tuple[str, str, int]]  # (status name, tone, count), "no update yet" included
    overdue: int
    stale: int


def progress_by_plan(plan_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """``plan_progress`` of each plan's measures, summed in the database: one query, no measure read.

    The same rule as ``plan_progress``: cancelled measures do not count, a measure whose status says
    done counts 100, else its latest update's percent, else 0; each by its weight.
    """
    cancelled = Q(latest_update__status__is_cancelled=True)
    weight = Case(When(cancelled, then=Value(Decimal(0))), default=F("weight"))
    progress = Case(
        When(latest_update__status__is_done=True, then=Value(100)),
        default=Coalesce(F("latest_update__percent"), Value(0)),
        output_field=IntegerField(),
    )
    rows = (
        Measure.objects.filter(plan_id__in=list(plan_ids))
        .order_by()
        .values("plan_id")
        .annotate(total=Sum(weight), weighted=Sum(ExpressionWrapper(weight * progress, output_field=DecimalField())))
    )
    return {row["plan_id"]: (row["weighted"] / row["total"] if row["total"] else None) for row in rows}


def measure_rows_by_plan(plan_ids: Iterable[int]) -> dict[int, list[dict]]:
    """Each plan's measures by number as the API nests them, read as values in one query.

    The same fields as ``Measure``'s: ``lead_actor`` is the name of the first lead (in
    ``MeasureActor``'s order), ``status`` the latest update's status as shown, ``progress``
    100 when that status says done, else the update's percent, else 0.
    """
    lead = (
        MeasureActor.objects.filter(measure=OuterRef("pk"), role=ActorRole.LEAD)
        .order_by(*MeasureActor._meta.ordering)
        .values("actor__name")[:1]
    )
    rows = (
        Measure.objects.filter(plan_id__in=list(plan_ids))
        .order_by("plan_id", "number")
        .annotate(lead_actor=Subquery(lead))
        .values(
            "plan_id",
            "number",
            "title",
            "lead_actor",
            "start_date",
            "target_date",
            "latest_update__percent",
            "latest_update__status__name",
            "latest_update__status__county_id",
            "latest_update__status__code",
            "latest_update__status__is_done",
        )
    )
    by_plan: dict[int, list[dict]] = {}
    for row in rows:
        code = row["latest_update__status__code"]
        by_plan.setdefault(row["plan_id"], []).append(
            {
                "number": row["number"],
                "title": row["title"],
                "lead_actor": row["lead_actor"],
                "status": (
                    None
                    if code is None
                    else ProgressStatus.label(
                        row["latest_update__status__name"], row["latest_update__status__county_id"]
                    )
                ),
                "status_code": code,
                "progress": 100 if row["latest_update__status__is_done"] else (row["latest_update__percent"] or 0),
                "start_date": row["start_date"],
                "target_date": row["target_date"],
            }
        )
    return by_plan


def plan_measures(plan: ActionPlan) -> list[Measure]:
    return list(plan.measures.with_state().order_by("number"))


def summarise_plan(plan: ActionPlan, measures: list[Measure], today: datetime.date | None = None) -> PlanSummary:
    today = today or timezone.localdate()
    counts: dict[tuple[str, str], int] = {}
    for measure in measures:
        status = measure.status
        key = (str(status), status.tone) if status else (gettext("No update yet"), Tone.NEUTRAL)
        counts[key] = counts.get(key, 0) + 1
    return PlanSummary(
        plan=plan,
        measures=measures,
        progress=plan_progress(measures),
        by_status=[(name, tone, count) for (name, tone), count in counts.items()],
        overdue=sum(m.is_overdue(today) for m in measures),
        stale=sum(m.is_stale(today) for m in measures),
    )


FLAGS = ("overdue", "stale")


def filter_measures(
    measures: list[Measure], *, status: str = "", actor: Actor | None = None, flag: str = "", today=None
) -> list[Measure]:
    """The plan page's filters. Flags are derived from dates, so this runs on the plan's rows."""
    today = today or timezone.localdate()
    if status == "none":
        measures = [m for m in measures if m.latest_update is None]
    elif status:
        measures = [m for m in measures if m.status and m.status.code == status]
    if actor is not None:
        measures = [m for m in measures if any(p.actor_id == actor.pk for p in m.participants.all())]
    if flag == "overdue":
        measures = [m for m in measures if m.is_overdue(today)]
    elif flag == "stale":
        measures = [m for m in measures if m.is_stale(today)]
    return measures


def next_measure_number(plan: ActionPlan) -> int:
    last = plan.measures.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def statuses_for(plan: ActionPlan):
    return ProgressStatus.objects.for_county(plan.county_id)


def measure_history(measure: Measure, limit: int = 20):
    return change_log(
        Measure.history.filter(id=measure.pk),
        MeasureActor.history.filter(measure_id=measure.pk),
        WorkingGroupMember.history.filter(measure_id=measure.pk),
        Milestone.history.filter(measure_id=measure.pk),
        Indicator.history.filter(measure_id=measure.pk),
        # What the update was on its way (drafts, submissions) is its authors' and reviewers'; the
        # measure's history shows the updates once they count.
        ProgressUpdate.history.filter(measure_id=measure.pk, state="approved"),
        limit=limit,
    )


def plan_history(plan: ActionPlan, limit: int = 20):
    return change_log(ActionPlan.history.filter(id=plan.pk), Measure.history.filter(plan_id=plan.pk), limit=limit)


def indicator_chart(indicator) -> str:
    """The indicator's values over time with its target: the same chart on pages and in reports."""
    values = list(indicator.values.all())
    points = [(value.date.isoformat(), float(value.value)) for value in values]
    return charts.line_chart(
        [charts.Series(indicator.name, points)],
        chart_id=f"indicator-{indicator.pk}",
        title=indicator.name,
        unit=indicator.unit,
        decimals=indicator_decimals(indicator),
        target=float(indicator.target) if indicator.target is not None else None,
        target_label=gettext("Target"),
    )


SIMILAR_RATIO = 0.85  # difflib's ratio above which two names are taken for the same actor's


SIMILAR_MIN_LENGTH = 4  # a shorter name is not looked for inside others ("Ab" is in too many)


def normalised_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _alike(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= SIMILAR_MIN_LENGTH and short in long:
        return True
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR_RATIO


def similar_actors(name: str, county, *, exclude: int | None = None) -> list[Actor]:
    """The actors a county chooses from (national and its own) whose names are like ``name``:
    the same but for case and spaces, one inside the other ("Polisen" and "Polisen Region Mitt"),
    or nearly the same letters. One query; a county has tens of actors, not thousands."""
    wanted = normalised_name(name)
    candidates = Actor.objects.for_county(county.pk).exclude(pk=exclude).order_by("name")
    return [actor for actor in candidates if _alike(wanted, normalised_name(actor.name))]


def county_actors_page(county):
    """The county's own actors and the national ones, for the county's list of actors."""
    actors = sorted(Actor.objects.for_county(county.pk), key=lambda actor: swedish_key(actor.name))
    return [a for a in actors if a.county_id == county.pk], [a for a in actors if a.county_id is None]


def actor_history(actor: Actor, limit: int = 20):
    return change_log(Actor.history.filter(id=actor.pk), limit=limit)


def actor_measures(actor: Actor, user) -> list[Measure]:
    """Every measure the actor leads or joins, in the plans the user may see."""
    return list(
        Measure.objects.visible_to(user)
        .filter(Q(participants__actor=actor))
        .with_state()
        .select_related("plan__county")
        .order_by("-plan__period_start", "plan__title", "number")
        .distinct()
    )


# --- Follow-up rounds ---------------------------------------------------------------------------


def round_candidates(plan: ActionPlan) -> list[Measure]:
    """The plan's measures a new round asks about by default: every one neither done nor cancelled."""
    measures = Measure.objects.filter(plan=plan).select_related("latest_update__status").order_by("number")
    return [measure for measure in measures if not (measure.is_done or measure.is_cancelled)]


@dataclass
class Responsible:
    """Who can be asked about one measure: the lead actor's contacts, the participating actors' and
    the participating municipalities' officers."""

    lead: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    municipalities: list = field(default_factory=list)

    def asked(self, *, participants: bool, municipalities: bool) -> list:
        people = list(self.lead)
        if participants:
            people += self.participants
        if municipalities:
            people += self.municipalities
        unique = {person.pk: person for person in people}
        return sorted(unique.values(), key=lambda person: swedish_key(str(person)))


def responsible_people(plan: ActionPlan, measures: Iterable[Measure]) -> dict[int, Responsible]:
    """Per measure, the people responsible for it who can be e-mailed (four queries, however many measures)."""
    measures = list(measures)
    ids = [measure.pk for measure in measures]
    roles = list(MeasureActor.objects.filter(measure_id__in=ids).values_list("measure_id", "actor_id", "role"))
    contacts: dict[int, list] = {}
    for grant in reachable_grants(
        Role.ACTOR_CONTACT, actor_id__in={actor for _m, actor, _r in roles}, county_id=plan.county_id
    ):
        contacts.setdefault(grant.actor_id, []).append(grant.user)
    officers: dict[int, list] = {}
    links = list(
        Measure.municipalities.through.objects.filter(measure_id__in=ids).values_list("measure_id", "municipality_id")
    )
    for grant in reachable_grants(Role.MUNICIPAL_OFFICER, municipality_id__in={m for _x, m in links}):
        officers.setdefault(grant.municipality_id, []).append(grant.user)
    found = {pk: Responsible() for pk in ids}
    for measure_id, actor_id, role in roles:
        target = found[measure_id].lead if role == ActorRole.LEAD else found[measure_id].participants
        target.extend(contacts.get(actor_id, []))
    for measure_id, municipality_id in links:
        found[measure_id].municipalities.extend(officers.get(municipality_id, []))
    return found


def colleagues_for(request: RoundRequest, user) -> list:
    """The people ``user`` may hand the request to: those who share one of the user's organisations in
    the round's county (the same actor, or the same municipality), not already asked."""
    county_id = request.round.plan.county_id
    actor_ids = set(user.grants.filter(role=Role.ACTOR_CONTACT, county_id=county_id).values_list("actor_id", flat=True))
    municipality_ids = set(
        user.grants.filter(role=Role.MUNICIPAL_OFFICER, municipality__county_id=county_id).values_list(
            "municipality_id", flat=True
        )
    )
    grants = list(reachable_grants(Role.ACTOR_CONTACT, actor_id__in=actor_ids, county_id=county_id)) + list(
        reachable_grants(Role.MUNICIPAL_OFFICER, municipality_id__in=municipality_ids)
    )
    asked = set(request.addressees.values_list("pk", flat=True))
    people = {grant.user.pk: grant.user for grant in grants if grant.user.pk != user.pk and grant.user.pk not in asked}
    return sorted(people.values(), key=lambda person: swedish_key(str(person)))


class RoundProgress(RoundCounts):
    """How far a plan's round has come: requests per state, and the days to the deadline."""

    def by_state(self, choices=RequestState.choices) -> list[tuple[str, str, int]]:
        """(state value, label, count) for every state, in the order a request goes through them."""
        return super().by_state(choices)


def round_progress(rounds: Iterable[FollowUpRound], today: datetime.date | None = None) -> list[RoundProgress]:
    """The progress of each round, counted in the database (one query for all of them)."""
    rounds = list(rounds)
    today = today or timezone.localdate()
    counts: dict[int, dict[str, int]] = {round_.pk: {} for round_ in rounds}
    rows = (
        RoundRequest.objects.filter(round__in=[round_.pk for round_ in rounds])
        .with_state()
        .values("round_id", "state_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["round_id"]][row["state_code"]] = row["n"]
    return [RoundProgress(round_, counts[round_.pk], today) for round_ in rounds]


def county_rounds(county, today: datetime.date | None = None) -> list[RoundProgress]:
    """The county's open rounds with their progress, earliest deadline first (two queries)."""
    rounds = FollowUpRound.objects.filter(plan__county=county, status=RoundStatus.OPEN).select_related("plan")
    return round_progress(rounds.order_by("deadline", "pk"), today)


def round_requests(round_: FollowUpRound):
    """The round's requests with what the round page shows of each, in measure order."""
    return (
        round_.requests.with_state()
        .select_related("measure", "update__status", "update__reviewed_by")
        .prefetch_related("addressees")
        .order_by("measure__number")
    )


def requests_for(user) -> list[RoundRequest]:
    """The open rounds' requests addressed to ``user`` that are still outstanding: their to-do list."""
    return list(
        RoundRequest.objects.filter(addressees=user, round__status=RoundStatus.OPEN)
        .outstanding()
        .select_related("round__plan", "measure", "update")
        .order_by("round__deadline", "measure__number")
    )


def round_history(round_: FollowUpRound, limit: int = 20):
    """What changed in the round: opened, the deadline moved, closed and reopened, requests handed over."""
    return change_log(
        FollowUpRound.history.filter(id=round_.pk),
        RoundRequest.history.filter(round_id=round_.pk),
        limit=limit,
    )


# --- Talking about a measure --------------------------------------------------------------------

COMMENTS_PER_PAGE = 50


def thread(measure: Measure, user, *, update: ProgressUpdate | None = None):
    """The comments of the measure's own thread (``update`` None) or of one update's, as ``user`` reads
    them, oldest first, with their mentions (two queries)."""
    people = Prefetch("mentions", queryset=get_user_model().objects.order_by("first_name", "last_name"))
    comments = Comment.objects.visible_to(user).filter(measure=measure).prefetch_related(people)
    comments = comments.filter(update=update) if update is not None else comments.filter(update__isnull=True)
    return comments.order_by("created_at", "pk")


def latest_comments(measure: Measure, user, count: int = 3) -> list[Comment]:
    """The newest ``count`` comments of the measure's own thread, oldest of them first (one query)."""
    newest = Comment.objects.visible_to(user).filter(measure=measure, update__isnull=True)
    newest = newest.order_by("-created_at", "-pk")
    return list(reversed(newest[:count]))


def county_people(county_id: int, *, coordinators_only: bool = False):
    """The active people with a role in the county (coordinators, steering group, its municipalities'
    officers, its actors' contacts): whom a comment can mention. Only the coordinators while the
    plan is a draft, since nobody else reads it."""
    grants = grant_model().objects.filter(Q(county_id=county_id) | Q(municipality__county_id=county_id))
    if coordinators_only:
        grants = grants.filter(role=Role.COUNTY_COORDINATOR)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=grants.values("user_id"))
        .order_by("first_name", "last_name", "username")
    )


def follower_candidates(measure: Measure, *, reachable_only: bool = True):
    """Who follows the measure: those who chose to, and by default its county's coordinators, the
    contacts of its lead actor and everyone who wrote an update or a comment on it, less those who
    chose to stop. ``reachable_only``: active people with an address, whom an e-mail reaches; whether
    each may read a notice is the sender's check."""
    county_id = measure.plan.county_id
    lead_actors = MeasureActor.objects.filter(measure=measure, role=ActorRole.LEAD).values("actor_id")
    grants = grant_model().objects.filter(
        Q(role=Role.COUNTY_COORDINATOR, county_id=county_id)
        | Q(role=Role.ACTOR_CONTACT, county_id=county_id, actor_id__in=lead_actors)
    )
    chosen = MeasureFollow.objects.filter(measure=measure)
    by_default = (
        Q(pk__in=grants.values("user_id"))
        | Q(pk__in=ProgressUpdate.objects.filter(measure=measure).values("author_id"))
        | Q(pk__in=Comment.objects.filter(measure=measure).values("author_id"))
    )
    followers = (
        get_user_model()
        .objects.filter(by_default | Q(pk__in=chosen.filter(following=True).values("user_id")))
        .exclude(pk__in=chosen.filter(following=False).values("user_id"))
    )
    if reachable_only:
        followers = followers.filter(is_active=True).exclude(email="")
    return followers.order_by("pk")


def is_following(measure: Measure, user) -> bool:
    """Whether ``user`` follows the measure, by choice or by default, address or not (one query)."""
    if not user.is_authenticated:
        return False
    return follower_candidates(measure, reachable_only=False).filter(pk=user.pk).exists()
