from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models import OUTSTANDING_STATES, RequestState, RoundStatus, UpdateState, default_reminder_days
from core.concurrency import Versioned
from core.files.models import Document, Publicity
from core.scoping import NationalOrCountyQuerySet, Scope, ScopedQuerySet, ScopePath

# --- Focus areas (a vocabulary the county can extend) ------------------------------------------


class FocusArea(models.Model):
    county = models.ForeignKey(
        "municipalities.County",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="focus_areas",
        verbose_name=_("county"),
        help_text=_("Empty for the focus areas every county has."),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=100)

    objects = NationalOrCountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="focus_area_unique_per_county")]

    def __str__(self) -> str:
        # National focus areas are stored by their English msgid and translated when shown.
        return gettext(self.name) if self.county_id is None else self.name


# --- Scoping: drafts are seen by the owning municipality and the county coordinators only ---------


class MunicipalDocumentQuerySet(ScopedQuerySet):
    """Agreements and pledges: published ones are read in the whole county, drafts only by their
    municipality's officers and the county's coordinators, who are also the ones who change them."""

    scope_path = ScopePath(municipality="municipality")
    public_q = Q()

    def owner_q(self, scope: Scope) -> Q:
        path = self.scope_path
        return path.in_counties(scope.coordinator_counties) | path.in_municipalities(scope.officer_municipalities)

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.read_counties) & (self.public_q | self.owner_q(scope))

    def editable_q(self, scope: Scope) -> Q:
        return self.owner_q(scope)

    def public(self) -> MunicipalDocumentQuerySet:
        """What everyone reads without signing in (the public site, the open-data API): ``public_q``."""
        return self.filter(self.public_q)


# --- Cooperation agreements ------------------------------------------------------------------------


class BraStep(models.TextChoices):
    """The five steps of Brå's process for the cooperation between municipality and police."""

    INITIATE = "initiate", _("1. Initiate")
    OWN_PREPARATIONS = "own_preparations", _("2. Own preparations")
    JOINT_PREPARATIONS = "joint_preparations", _("3. Joint preparations")
    IMPLEMENTATION = "implementation", _("4. Implementation")
    FOLLOW_UP = "follow_up", _("5. Follow-up")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class AgreementQuerySet(MunicipalDocumentQuerySet):
    public_q = Q(status__in=[AgreementStatus.ACTIVE, AgreementStatus.ENDED])


class CooperationAgreement(Versioned):
    """A cooperation agreement (samverkansöverenskommelse) between a municipality and the Police."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=200)
    police_area = models.CharField(_("local police area"), max_length=150)
    other_parties = models.CharField(
        _("other parties"),
        max_length=300,
        blank=True,
        help_text=_("Further parties, if any, e.g. the housing company."),
    )
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="agreements", verbose_name=_("focus areas")
    )
    step = models.CharField(
        _("step in Brå's process"), max_length=24, choices=BraStep.choices, default=BraStep.INITIATE
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    related_measures = models.ManyToManyField(
        "actions.Measure", blank=True, related_name="agreements", verbose_name=_("related measures of the action plan")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"], m2m_fields=[focus_areas])

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["municipality__name", "-start_year"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="agreement_period_in_order")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement_detail", kwargs={"pk": self.pk})

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class AgreementPartQuerySet(MunicipalDocumentQuerySet):
    scope_path = ScopePath(municipality="agreement__municipality")
    public_q = Q(agreement__status__in=[AgreementStatus.ACTIVE, AgreementStatus.ENDED])


class Signatory(models.Model):
    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("agreement")
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    history = HistoricalRecords()

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"


class Problem(models.Model):
    """A problem in focus, its probable causes and the goal: so a review can see whether
    measures address causes."""

    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="problems", verbose_name=_("agreement")
    )
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("focus area")
    )
    problem = models.TextField(_("problem"), max_length=2000)
    causes = models.TextField(_("probable causes"), max_length=2000)
    goal = models.TextField(_("goal"), max_length=2000, help_text=_("Specific and measurable, with a date."))
    history = HistoricalRecords()

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem, cause and goal")
        verbose_name_plural = _("problems, causes and goals")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.problem[:80]


class Deliverable(models.Model):
    """Something the parties promised to deliver by a date, e.g. a situation analysis."""

    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="deliverables", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=250)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AgreementPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class AgreementDocumentQuerySet(AgreementPartQuerySet):
    """Read with the agreement inside the portal (``public_q``: the agreement is no draft); on the
    public site only when, besides, it was made public."""

    def public(self) -> AgreementDocumentQuerySet:
        return self.filter(self.public_q & Q(visibility=Publicity.PUBLIC))


class AgreementDocument(Document):
    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("agreement")
    )
    visibility = models.CharField(
        _("public or not"), max_length=16, choices=Publicity.choices, default=Publicity.INTERNAL
    )

    objects = AgreementDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["-uploaded_at"]

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement_document", kwargs={"pk": self.pk})


# --- Citizen pledges ---------------------------------------------------------------------------------


class PledgeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PledgeQuerySet(MunicipalDocumentQuerySet):
    public_q = Q(status=PledgeStatus.PUBLISHED)

    def with_counts(self) -> PledgeQuerySet:
        """``commitment_count`` and ``follow_up_count`` of each pledge, counted in the database."""

        def count(model) -> models.Subquery:
            rows = model.objects.filter(pledge=models.OuterRef("pk")).order_by().values("pledge")
            return models.Subquery(rows.annotate(n=models.Count("pk")).values("n"), output_field=models.IntegerField())

        return self.annotate(
            commitment_count=Coalesce(count(PledgeCommitment), 0), follow_up_count=Coalesce(count(FollowUp), 0)
        )


class CitizenPledge(Versioned):
    """A citizen pledge (medborgarlöfte): the public, concrete part of the cooperation, renewed often."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="pledges", verbose_name=_("municipality")
    )
    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pledges",
        verbose_name=_("agreement"),
    )
    police_area = models.CharField(_("local police area"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    background = models.TextField(
        _("background"), max_length=5000, help_text=_("What the situation analysis showed, in a few sentences.")
    )
    status = models.CharField(_("status"), max_length=16, choices=PledgeStatus.choices, default=PledgeStatus.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    related_measures = models.ManyToManyField(
        "actions.Measure", blank=True, related_name="pledges", verbose_name=_("related measures of the action plan")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen pledge")
        verbose_name_plural = _("citizen pledges")
        ordering = ["municipality__name", "-period_start"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="pledge_period_in_order")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:pledge_detail", kwargs={"pk": self.pk})

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.period_start <= today <= self.period_end


class Party(models.TextChoices):
    POLICE = "police", _("The Police")
    MUNICIPALITY = "municipality", _("The municipality")
    BOTH = "both", _("The Police and the municipality")
    OTHER = "other", _("Another actor")


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class PledgePartQuerySet(MunicipalDocumentQuerySet):
    scope_path = ScopePath(municipality="pledge__municipality")
    public_q = Q(pledge__status=PledgeStatus.PUBLISHED)


class PledgeCommitment(models.Model):
    """One commitment of a pledge, owned by the party that carries it out."""

    pledge = models.ForeignKey(
        CitizenPledge, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("citizen pledge")
    )
    commitment = models.TextField(_("commitment"), max_length=1000)
    party = models.CharField(_("carried out by"), max_length=16, choices=Party.choices)
    other_party = models.CharField(
        _("name of the other actor"), max_length=200, blank=True, help_text=_("Only when another actor carries it out.")
    )
    activities = models.TextField(_("activities"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.PLANNED
    )
    history = HistoricalRecords()

    objects = PledgePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(party="other") | ~Q(other_party=""), name="commitment_other_party_named"
            )
        ]

    def __str__(self) -> str:
        return self.commitment[:80]

    def carried_out_by(self) -> str:
        return self.other_party if self.party == Party.OTHER else self.get_party_display()


# --- Follow-ups --------------------------------------------------------------------------------------


class Assessment(models.TextChoices):
    GOOD = "good", _("Going as planned")
    PARTLY = "partly", _("Partly as planned")
    INSUFFICIENT = "insufficient", _("Not as planned")


class FollowUpQuerySet(MunicipalDocumentQuerySet):
    """Follow-ups are read with what they follow up (a pledge or an agreement). One answering a
    municipal follow-up round counts once approved: until then it is read by its author, the people
    asked for it and the county's coordinators (a follow-up outside a round is approved when recorded)."""

    # The pledge or agreement followed up is public.
    target_public_q = Q(pledge__status=PledgeStatus.PUBLISHED) | Q(
        agreement__status__in=[AgreementStatus.ACTIVE, AgreementStatus.ENDED]
    )
    # On the public site: published (by the officer, or by the coordinator's approval in a round),
    # approved, and of a public pledge or agreement.
    site_public_q = Q(state=UpdateState.APPROVED, published_at__isnull=False) & target_public_q

    def visible_q(self, scope: Scope) -> Q:
        readable = self.scope_path.in_counties(scope.read_counties) & (self.target_public_q | self.owner_q(scope))
        return readable & (
            Q(state=UpdateState.APPROVED)
            | (Q(author_id=scope.user_id) if scope.user_id is not None else Q(pk__in=[]))
            | _asked_q(scope, "follow_up_id")
            | self.scope_path.in_counties(scope.coordinator_counties)
        )

    def public(self) -> FollowUpQuerySet:
        return self.filter(self.site_public_q)

    def approved(self) -> FollowUpQuerySet:
        """The follow-ups that count: on the pledge's and agreement's pages, in lists and reports."""
        return self.filter(state=UpdateState.APPROVED)


class FollowUp(models.Model):
    """A follow-up of a pledge or an agreement; the latest sets its current state."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    pledge = models.ForeignKey(
        CitizenPledge, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    author_name = models.CharField(_("author's name"), max_length=150, blank=True)
    assessment = models.CharField(_("overall assessment"), max_length=16, choices=Assessment.choices)
    summary = models.TextField(_("summary"), max_length=4000)
    # Where a follow-up answering a round is on its way to counting; one outside a round counts at once.
    state = models.CharField(_("state"), max_length=16, choices=UpdateState.choices, default=UpdateState.APPROVED)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("comment from the review"), blank=True, max_length=4000)
    published_at = models.DateTimeField(
        _("published on the public site"),
        null=True,
        blank=True,
        help_text=_("Set by the officer, or by the coordinator's approval of a follow-up asked for in a round."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The review's decisions are read from the history (who returned or approved, when, with what comment).
    history = HistoricalRecords(excluded_fields=["created_at"])
    history_label = ("date",)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pledge__isnull=True, agreement__isnull=False)
                | Q(pledge__isnull=False, agreement__isnull=True),
                name="follow_up_of_pledge_or_agreement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pledge or self.agreement}: {self.date}"

    @property
    def target(self) -> CitizenPledge | CooperationAgreement:
        return self.pledge or self.agreement

    @property
    def is_approved(self) -> bool:
        return self.state == UpdateState.APPROVED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class FollowUpItem(models.Model):
    """What the follow-up says about one commitment or deliverable."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="items")
    commitment = models.ForeignKey(PledgeCommitment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=CommitmentStatus.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("follow-up item")
        verbose_name_plural = _("follow-up items")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.commitment or self.deliverable}: {self.get_status_display()}"


# --- Quality reviews by the county ---------------------------------------------------------------------

# Brå's criteria for good agreements and pledges: (field name, label).
CRITERIA = [
    ("based_on_situation_analysis", _("Based on a situation analysis")),
    ("cause_analysis", _("Cause analysis present")),
    ("measurable_goals", _("Goals specific and measurable")),
    ("commitments_owned", _("Each commitment owned")),
    ("citizen_dialogue", _("Citizen dialogue held")),
    ("follow_up_planned", _("Follow-up and communication planned")),
    ("period_stated", _("Period stated")),
    ("gender_equality", _("Gender-equality perspective considered")),
]
SCORE_MAX = 3
SCORE_HELP = _("0 = missing, 1 = weak, 2 = acceptable, 3 = good")


class ReviewQuerySet(ScopedQuerySet):
    """The county reviews; the reviewed municipality reads its own reviews."""

    scope_path = ScopePath(municipality="municipality")

    def visible_q(self, scope: Scope) -> Q:
        path = self.scope_path
        return path.in_counties(scope.coordinator_counties | scope.steering_counties) | path.in_municipalities(
            scope.officer_municipalities
        )

    def editable_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)


def review_percent(total: int) -> int:
    """A review's points as a whole per cent of the most it can score."""
    return round(100 * total / (SCORE_MAX * len(CRITERIA)))


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(0), MaxValueValidator(SCORE_MAX)], help_text=SCORE_HELP
    )


class QualityReview(models.Model):
    """The county coordinator's review of a pledge or an agreement against Brå's criteria."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    pledge = models.ForeignKey(CitizenPledge, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews")
    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("reviewer")
    )
    reviewer_name = models.CharField(_("reviewer's name"), max_length=150, blank=True)
    based_on_situation_analysis = _score_field(CRITERIA[0][1])
    cause_analysis = _score_field(CRITERIA[1][1])
    measurable_goals = _score_field(CRITERIA[2][1])
    commitments_owned = _score_field(CRITERIA[3][1])
    citizen_dialogue = _score_field(CRITERIA[4][1])
    follow_up_planned = _score_field(CRITERIA[5][1])
    period_stated = _score_field(CRITERIA[6][1])
    gender_equality = _score_field(CRITERIA[7][1])
    comments = models.TextField(_("comments"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pledge__isnull=True, agreement__isnull=False)
                | Q(pledge__isnull=False, agreement__isnull=True),
                name="review_of_pledge_or_agreement",
            ),
            *(
                models.CheckConstraint(condition=Q(**{f"{name}__lte": SCORE_MAX}), name=f"review_{name}_in_range")
                for name, _label in CRITERIA
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge or self.agreement}: {self.date}"

    def scores(self) -> list[tuple[str, int]]:
        return [(str(label), getattr(self, name)) for name, label in CRITERIA]

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name, _label in CRITERIA)

    @property
    def percent(self) -> int:
        return review_percent(self.total)

    def weakest(self, count: int = 3) -> list[tuple[str, int]]:
        return sorted(self.scores(), key=lambda item: item[1])[:count]


# --- Reminders ---------------------------------------------------------------------------------------


class ReminderKind(models.TextChoices):
    """What agreements' deadline reminders (``core.Reminder.kind``) are about."""

    DELIVERABLE = "deliverable", _("Deliverable")
    PLEDGE_FOLLOW_UP = "pledge_follow_up", _("Follow-up of a citizen pledge")


# --- Municipal follow-up rounds ------------------------------------------------------------------------


def _asked_q(scope: Scope, column: str) -> Q:
    """Rows whose ``pk`` is the ``column`` of a municipal request the scope's user is asked on: a
    subquery, not a join, so that a row is never repeated (``get_for_user`` fetches exactly one)."""
    if scope.user_id is None:
        return Q(pk__in=[])
    return Q(pk__in=MunicipalRequest.objects.filter(addressees=scope.user_id).values(column))


class MunicipalRoundQuerySet(ScopedQuerySet):
    """A municipal round is the county coordinators' working tool, also read by the steering group;
    the officers asked reach their own requests (``MunicipalRequestQuerySet``), not the overview."""

    scope_path = ScopePath(county="county")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties | scope.steering_counties)

    def editable_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)


class MunicipalRound(Versioned):
    """A municipal follow-up round: the county coordinator asks the county's municipalities for the
    follow-ups of their current citizen pledges and cooperation agreements, by a deadline."""

    county = models.ForeignKey(
        "municipalities.County", on_delete=models.CASCADE, related_name="municipal_rounds", verbose_name=_("county")
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("For example: Follow-up of pledges, spring 2026."))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    deadline = models.DateField(_("deadline"))
    message = models.TextField(
        _("message to the people asked"),
        blank=True,
        max_length=4000,
        help_text=_("Shown in the invitation e-mail and on the form."),
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("reminder, days before the deadline"),
        default=default_reminder_days,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_nudged_on = models.DateField(_("last extra reminder"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = MunicipalRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipal follow-up round")
        verbose_name_plural = _("municipal follow-up rounds")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="municipal_round_period_in_order"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("period_start")), name="municipal_round_deadline_in_period"
            ),
            models.UniqueConstraint(
                fields=["county"], condition=Q(status="open"), name="one_open_municipal_round_per_county"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:round_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def opened_on(self) -> datetime.date:
        return timezone.localdate(self.opened_at)

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days


class MunicipalRequestQuerySet(ScopedQuerySet):
    """A request is read and answered by the officers asked and the county's coordinators; everyone
    else gets a 404 (the steering group follows the round on its page, not the answers in the making)."""

    scope_path = ScopePath(municipality="municipality")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties) | _asked_q(scope, "pk")

    def editable_q(self, scope: Scope) -> Q:
        return self.visible_q(scope)

    def with_state(self) -> MunicipalRequestQuerySet:
        """Each request annotated with ``state_code`` (a RequestState value), computed in the database."""
        return self.annotate(
            state_code=models.Case(
                models.When(follow_up__isnull=False, then=models.F("follow_up__state")),
                models.When(opened_at__isnull=False, then=models.Value(RequestState.OPENED.value)),
                default=models.Value(RequestState.ASKED.value),
                output_field=models.CharField(),
            )
        )

    def outstanding(self) -> MunicipalRequestQuerySet:
        return self.with_state().filter(state_code__in=OUTSTANDING_STATES)


class MunicipalRequest(models.Model):
    """One pledge's or agreement's request in a municipal round, addressed to the municipality's officers."""

    round = models.ForeignKey(
        MunicipalRound, on_delete=models.CASCADE, related_name="requests", verbose_name=_("follow-up round")
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    pledge = models.ForeignKey(
        CitizenPledge,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="round_requests",
        verbose_name=_("citizen pledge"),
    )
    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="round_requests",
        verbose_name=_("agreement"),
    )
    addressees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="municipal_requests", verbose_name=_("asked")
    )
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    follow_up = models.OneToOneField(
        FollowUp,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="round_request",
        verbose_name=_("follow-up"),
    )
    history = HistoricalRecords(m2m_fields=[addressees])
    # How the round's change history names a request: by its municipality.
    history_label = ("municipality__name",)

    objects = MunicipalRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for a follow-up")
        verbose_name_plural = _("requests for follow-ups")
        ordering = ["round", "municipality__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pledge__isnull=True, agreement__isnull=False)
                | Q(pledge__isnull=False, agreement__isnull=True),
                name="municipal_request_of_pledge_or_agreement",
            ),
            models.UniqueConstraint(fields=["round", "pledge"], name="one_request_per_pledge_in_round"),
            models.UniqueConstraint(fields=["round", "agreement"], name="one_request_per_agreement_in_round"),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("agreements:round_request", kwargs={"pk": self.pk})

    @property
    def target(self) -> CitizenPledge | CooperationAgreement:
        return self.pledge or self.agreement

    @property
    def target_kind(self) -> str:
        """What is followed up: "Medborgarlöfte" or "Samverkansöverenskommelse"."""
        return capfirst(str(self.target._meta.verbose_name))

    @property
    def state(self) -> str:
        if hasattr(self, "state_code"):
            return self.state_code
        if self.follow_up_id is not None:
            return self.follow_up.state
        return RequestState.OPENED if self.opened_at else RequestState.ASKED

    def get_state_display(self) -> str:
        return RequestState(self.state).label

    @property
    def is_outstanding(self) -> bool:
        return self.state in OUTSTANDING_STATES
