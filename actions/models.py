from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.concurrency import Versioned
from core.files.models import Document, Publicity
from core.scoping import NationalOrCountyQuerySet, Scope, ScopedQuerySet, ScopePath


class ActorKind(models.TextChoices):
    COUNTY_BOARD = "county_board", _("County administrative board")
    REGION = "region", _("Region")
    POLICE = "police", _("Police")
    MUNICIPALITY = "municipality", _("Municipality")
    MUNICIPAL_ASSOCIATION = "municipal_association", _("Association of local authorities")
    PRISON_SERVICE = "prison_service", _("Prison and Probation Service")
    CUSTOMS = "customs", _("Customs")
    BUSINESS = "business", _("Business organisation")
    CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
    OTHER_AGENCY = "other_agency", _("Other public agency")


class Actor(models.Model):
    """An organisation that takes responsibility for measures: national or of one county."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=ActorKind.choices)
    county = models.ForeignKey(
        "municipalities.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
        verbose_name=_("county"),
        help_text=_("Empty for a national actor that works in every county."),
    )
    history = HistoricalRecords()

    # National actors (no county) take part everywhere, so every signed-in user sees them.
    objects = NationalOrCountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "county"], name="actor_unique_name_per_county"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actions:actor_detail", kwargs={"pk": self.pk})


# --- Action plans -----------------------------------------------------------------------------


class CountyPartQuerySet(ScopedQuerySet):
    """Rows of one county (``county``) are read by the county and changed by its coordinators.

    Rows of an action plan (the plan itself, its documents and measures, and everything under
    them) name the plan with ``plan_path``: while the plan is a draft, they are read by the
    county's coordinators only (and the national administrators), on every page, export, search
    result, dashboard, report and API answer that reads them through this queryset.
    """

    scope_path = ScopePath(county="county")
    plan_path: str | None = None  # "" for the plan itself, "plan" for its measures, …

    def visible_q(self, scope: Scope) -> Q:
        readable = self.scope_path.in_counties(scope.read_counties)
        if self.plan_path is None:
            return readable
        return (readable & self.published_q()) | self.scope_path.in_counties(scope.coordinator_counties)

    def editable_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)

    def published_q(self) -> Q:
        """Rows whose plan is no longer a draft (stated positively: every status but draft)."""
        status = f"{self.plan_path}__status" if self.plan_path else "status"
        return Q(**{f"{status}__in": PUBLISHED_PLAN_STATUSES})

    def published(self) -> CountyPartQuerySet:
        """The rows of plans that are not drafts, whoever asks (reports, the county's material)."""
        return self.filter(self.published_q())

    def public_q(self) -> Q:
        """What everyone reads without signing in: the rows of active and completed plans (a draft is
        its county's coordinators', an archived plan is kept for the record, not shown); rows of a
        county outside any plan (support activities) are all public."""
        if self.plan_path is None:
            return Q()
        status = f"{self.plan_path}__status" if self.plan_path else "status"
        return Q(**{f"{status}__in": PUBLIC_PLAN_STATUSES})

    def public(self) -> CountyPartQuerySet:
        """The public site's and the open-data API's rows: ``public_q``."""
        return self.filter(self.public_q())


class ActionPlanQuerySet(CountyPartQuerySet):
    plan_path = ""


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ARCHIVED = "archived", _("Archived")


# Every status but draft: a plan in one of them is read by its whole county.
PUBLISHED_PLAN_STATUSES = (PlanStatus.ACTIVE, PlanStatus.COMPLETED, PlanStatus.ARCHIVED)
# What everyone reads without signing in (the public site, the open-data API).
PUBLIC_PLAN_STATUSES = (PlanStatus.ACTIVE, PlanStatus.COMPLETED)


class ActionPlan(Versioned):
    """A regional action plan (handlingsplan) of a county, e.g. "Skåne tillsammans mot brott"."""

    county = models.ForeignKey(
        "municipalities.County", on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("county")
    )
    title = models.CharField(_("title"), max_length=200)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    updates_need_approval = models.BooleanField(
        _("progress updates need approval"),
        default=False,
        help_text=_(
            "When ticked, a progress update posted outside a follow-up round counts only once a county "
            "coordinator has approved it. Updates in a round always need approval."
        ),
    )
    adopting_actors = models.ManyToManyField(
        Actor, blank=True, related_name="adopted_plans", verbose_name=_("adopted by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[adopting_actors])

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="plan_period_in_order")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:plan_detail", kwargs={"pk": self.pk})


class PlanDocumentQuerySet(CountyPartQuerySet):
    scope_path = ScopePath(county="plan__county")
    plan_path = "plan"

    def public_q(self) -> Q:
        """A document of a public plan, made public (the default is internal)."""
        return super().public_q() & Q(visibility=Publicity.PUBLIC)


class PlanDocument(Document):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="documents", verbose_name=_("plan"))
    visibility = models.CharField(
        _("public or not"), max_length=16, choices=Publicity.choices, default=Publicity.INTERNAL
    )

    objects = PlanDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        ordering = ["-uploaded_at"]

    def get_absolute_url(self) -> str:
        return reverse("actions:plan_document", kwargs={"pk": self.pk})


# --- Progress statuses (a list the county can extend) --------------------------------------------


class Tone(models.TextChoices):
    """How a status is shown: the text always says it, the tone only supports it."""

    NEUTRAL = "neutral", _("Neutral")
    GOOD = "good", _("Good")
    WARNING = "warning", _("Warning")
    BAD = "bad", _("Bad")


class ProgressStatus(models.Model):
    """A status a progress update can have: the six national ones, plus any a county adds."""

    county = models.ForeignKey(
        "municipalities.County",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_statuses",
        verbose_name=_("county"),
        help_text=_("Empty for the statuses every county has."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    tone = models.CharField(_("shown as"), max_length=16, choices=Tone.choices, default=Tone.NEUTRAL)
    is_done = models.BooleanField(_("means the measure is done"), default=False)
    is_cancelled = models.BooleanField(_("means the measure is cancelled"), default=False)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=100)

    objects = NationalOrCountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress status")
        verbose_name_plural = _("progress statuses")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="status_code_unique_per_county"),
            models.CheckConstraint(condition=~Q(is_done=True, is_cancelled=True), name="status_not_done_and_cancelled"),
        ]

    def __str__(self) -> str:
        return self.label(self.name, self.county_id)

    @staticmethod
    def label(name: str, county_id: int | None) -> str:
        """A status as it is shown, from its stored name (for rows read with ``values()``).

        The national statuses are stored by their English msgid and translated when shown;
        a county's own statuses are shown as typed.
        """
        return gettext(name) if county_id is None else name


# --- Measures ---------------------------------------------------------------------------------


class MeasureQuerySet(CountyPartQuerySet):
    scope_path = ScopePath(county="plan__county")
    plan_path = "plan"

    def reportable_q(self, scope: Scope) -> Q:
        """Measures the scope may post progress on: the county's coordinators, the lead and
        participating actors' contacts, and the officers of participating municipalities."""
        in_counties = self.scope_path.in_counties
        return (
            in_counties(scope.coordinator_counties)
            | (in_counties(scope.actor_counties) & Q(participants__actor_id__in=scope.actor_ids))
            | Q(municipalities__in=scope.officer_municipalities)
        )

    def reportable_by(self, user) -> MeasureQuerySet:
        # The joins of reportable_q can repeat a row; the pk subquery keeps each measure once.
        return self.filter(pk__in=self._scoped(user, lambda s: self.visible_q(s) & self.reportable_q(s)).values("pk"))

    def with_state(self) -> MeasureQuerySet:
        """What list pages show of each measure, without a query per row.

        The milestones are not read: a measure's next open due date (``next_open_due``) is
        annotated, which is all that ``next_due`` and ``is_overdue`` need. Pages that list the
        milestones prefetch them themselves.
        """
        next_open = Milestone.objects.filter(
            measure=models.OuterRef("pk"), done_on__isnull=True, due_date__isnull=False
        ).order_by("due_date")
        return (
            self.select_related("plan", "latest_update__status")
            .prefetch_related(models.Prefetch("participants", queryset=MeasureActor.objects.select_related("actor")))
            .annotate(next_open_due=models.Subquery(next_open.values("due_date")[:1]))
        )


class Measure(Versioned):
    """A numbered measure (insats) of an action plan, followed up until done."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    purpose = models.TextField(_("purpose"), blank=True, max_length=5000)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    weight = models.DecimalField(
        _("weight in the plan"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("How much the measure counts in the plan's progress; 1 for all measures counts them equally."),
    )
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="measures",
        verbose_name=_("participating municipalities"),
    )
    latest_update = models.ForeignKey(
        "ProgressUpdate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("latest progress update"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["latest_update", "created_at"], m2m_fields=[municipalities])

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="measure_number_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gte=models.F("start_date")),
                name="measure_dates_in_order",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="measure_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("actions:measure_detail", kwargs={"pk": self.pk})

    # --- Derived state (see actions.services for the rules) ---

    @property
    def status(self) -> ProgressStatus | None:
        return self.latest_update.status if self.latest_update else None

    @property
    def is_done(self) -> bool:
        return bool(self.status and self.status.is_done)

    @property
    def is_cancelled(self) -> bool:
        return bool(self.status and self.status.is_cancelled)

    @property
    def progress(self) -> int:
        """Percent done: 100 when the status says done, else the latest update's, else 0."""
        if self.is_done:
            return 100
        return self.latest_update.percent if self.latest_update else 0

    def open_milestones(self) -> list[Milestone]:
        return [m for m in self.milestones.all() if m.done_on is None]

    def next_due(self) -> datetime.date | None:
        """The earliest due date of the open milestones (annotated by ``with_state``, else read)."""
        if hasattr(self, "next_open_due"):
            return self.next_open_due
        dates = [m.due_date for m in self.open_milestones() if m.due_date]
        return min(dates) if dates else None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Target date passed and not done, or a milestone past due and not done."""
        today = today or timezone.localdate()
        if self.is_done or self.is_cancelled:
            return False
        if self.target_date and self.target_date < today:
            return True
        next_due = self.next_due()
        return next_due is not None and next_due < today

    def is_stale(self, today: datetime.date | None = None) -> bool:
        """No progress update for MEASURE_STALE_AFTER_DAYS days (counted from creation when none)."""
        if self.is_done or self.is_cancelled:
            return False
        today = today or timezone.localdate()
        last = self.latest_update.date if self.latest_update else timezone.localdate(self.created_at)
        return (today - last).days > settings.MEASURE_STALE_AFTER_DAYS

    def lead(self) -> MeasureActor | None:
        return next((p for p in self.participants.all() if p.role == ActorRole.LEAD), None)


class MeasurePartQuerySet(CountyPartQuerySet):
    scope_path = ScopePath(county="measure__plan__county")
    plan_path = "measure__plan"


class ActorRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTICIPANT = "participant", _("Participant")


class MeasureActor(models.Model):
    """An actor responsible for a measure: the lead, or a participant with its part."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="participants", verbose_name=_("measure")
    )
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="measure_roles", verbose_name=_("actor"))
    role = models.CharField(_("role"), max_length=16, choices=ActorRole.choices, default=ActorRole.PARTICIPANT)
    part = models.CharField(_("its part"), max_length=200, blank=True)
    history = HistoricalRecords()
    # How the change history names a row (core.history): "Polisen (Lead)".
    history_label = ("actor__name", "role")

    objects = MeasurePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsible actor")
        verbose_name_plural = _("responsible actors")
        ordering = ["role", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "actor"], name="measure_actor_once"),
            models.UniqueConstraint(fields=["measure"], condition=Q(role="lead"), name="measure_one_lead_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class WorkingGroupMember(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="working_group", verbose_name=_("measure")
    )
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200)
    role = models.CharField(_("role"), max_length=150, blank=True, help_text=_("For example: convener, secretary."))
    history = HistoricalRecords()

    objects = MeasurePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")
        ordering = ["organisation", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"


class Milestone(models.Model):
    """An activity or milestone of a measure, e.g. "two pilot seminars"."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("measure"))
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MeasurePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


def _of_user(scope: Scope, lookup: str) -> Q:
    """Rows whose ``lookup`` (a user) is the scope's user; none for a scope without one."""
    return Q(**{lookup: scope.user_id}) if scope.user_id is not None else Q(pk__in=[])


def _asked_q(scope: Scope, column: str) -> Q:
    """Rows whose ``pk`` is the ``column`` of a round request the scope's user is asked on: a subquery,
    not a join, so that a row is never repeated (``get_for_user`` fetches exactly one)."""
    if scope.user_id is None:
        return Q(pk__in=[])
    return Q(pk__in=RoundRequest.objects.filter(addressees=scope.user_id).values(column))


class UpdateState(models.TextChoices):
    """Where a progress update is on its way to counting: only approved updates set a measure's state."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")


class ProgressUpdateQuerySet(MeasurePartQuerySet):
    """An update that is not approved yet is read by its author, the people asked for it in a
    follow-up round, and the county's coordinators; an approved one by everyone who reads the measure."""

    def visible_q(self, scope: Scope) -> Q:
        readable = super().visible_q(scope)
        return readable & (
            Q(state=UpdateState.APPROVED)
            | _of_user(scope, "author")
            | _asked_q(scope, "update_id")
            | self.scope_path.in_counties(scope.coordinator_counties)
        )

    def approved(self) -> ProgressUpdateQuerySet:
        """The updates that count: for the measure's state, the plan's progress and the reports."""
        return self.filter(state=UpdateState.APPROVED)


class ProgressUpdate(models.Model):
    """A progress update (lägesrapport) on a measure; the newest approved one sets the measure's state."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="updates", verbose_name=_("measure"))
    date = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    author_name = models.CharField(_("author's name"), max_length=150, blank=True)
    status = models.ForeignKey(ProgressStatus, on_delete=models.PROTECT, related_name="+", verbose_name=_("status"))
    percent = models.PositiveSmallIntegerField(
        _("progress (percent)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done_text = models.TextField(_("what was done"), max_length=4000)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=4000)
    risks = models.TextField(_("risks"), blank=True, max_length=4000)
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
    # The indicator values reported with the update, {indicator id: "value"}: written to the
    # indicators' series when the update is approved, so an unapproved value is never shown as measured.
    indicator_values = models.JSONField(_("indicator values"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Updates are part of the measure's change history: "On track (2026-03-14)".
    history = HistoricalRecords(excluded_fields=["created_at"])
    history_label = ("status__name", "status__county_id", "date")

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-created_at"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="update_percent_at_most_100")]

    def __str__(self) -> str:
        return f"{self.measure}: {self.date}"

    @property
    def is_approved(self) -> bool:
        return self.state == UpdateState.APPROVED


class UpdateAttachmentQuerySet(CountyPartQuerySet):
    """An attachment is read by whoever reads its update."""

    scope_path = ScopePath(county="update__measure__plan__county")
    plan_path = "update__measure__plan"

    def visible_q(self, scope: Scope) -> Q:
        return super().visible_q(scope) & Q(
            update__in=ProgressUpdate.objects.filter(ProgressUpdate.objects.visible_q(scope))
        )


class UpdateAttachment(Document):
    """A file attached to a progress update: a report, minutes, a photo."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("progress update")
    )

    objects = UpdateAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def get_absolute_url(self) -> str:
        return reverse("actions:update_attachment", kwargs={"pk": self.pk})


class IndicatorDirection(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Indicator(models.Model):
    """An indicator of a measure, e.g. people supported to leave criminal groups."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("measure"))
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("For example: people, %."))
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=IndicatorDirection.choices, default=IndicatorDirection.HIGHER
    )
    history = HistoricalRecords()

    objects = MeasurePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actions:indicator_edit", kwargs={"pk": self.pk})


class IndicatorValueQuerySet(CountyPartQuerySet):
    scope_path = ScopePath(county="indicator__measure__plan__county")
    plan_path = "indicator__measure__plan"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["indicator", "date"], name="indicator_value_once_per_date")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.date}"


# --- Support activities of the county -------------------------------------------------------------


class SupportKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    CONFERENCE = "conference", _("Conference")
    TRAINING = "training", _("Training")
    INFORMATION_MEETING = "information_meeting", _("Information meeting")
    OTHER = "other", _("Other")


class SupportActivityQuerySet(CountyPartQuerySet):
    def with_measure_for(self, user) -> SupportActivityQuerySet:
        """Each activity with its measure as ``user`` may read it: ``None`` where the measure's plan
        is a draft the user does not see, so a list or an export never names it."""
        return self.prefetch_related(models.Prefetch("measure", queryset=Measure.objects.visible_to(user)))


class SupportActivity(models.Model):
    """A hearing, conference, training or information meeting the county board runs."""

    county = models.ForeignKey(
        "municipalities.County",
        on_delete=models.PROTECT,
        related_name="support_activities",
        verbose_name=_("county"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=SupportKind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200)
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="support_activities",
        verbose_name=_("participating municipalities"),
    )
    counties = models.ManyToManyField(
        "municipalities.County",
        blank=True,
        related_name="joint_support_activities",
        verbose_name=_("participating counties"),
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_activities",
        verbose_name=_("measure"),
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    history = HistoricalRecords(m2m_fields=[municipalities, counties])

    objects = SupportActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")
        ordering = ["-date", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:support_activity_edit", kwargs={"pk": self.pk})


# --- Follow-up rounds -------------------------------------------------------------------------------


class RoundQuerySet(CountyPartQuerySet):
    """A round is the county coordinators' working tool, also read by the steering group; the people
    asked reach their own requests (``RoundRequestQuerySet``), not the round's overview."""

    scope_path = ScopePath(county="plan__county")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties | scope.steering_counties)

    def editable_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


def default_reminder_days() -> int:
    return settings.ROUND_REMINDER_DAYS_BEFORE


class FollowUpRound(Versioned):
    """A follow-up round (uppföljningsomgång): the coordinator asks for updates on a plan's measures
    for a period, by a deadline; the people asked are reminded, submit, and the coordinator reviews."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("plan"))
    title = models.CharField(_("title"), max_length=200, help_text=_("For example: Follow-up quarter 4 2026."))
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

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="round_period_in_order"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("period_start")), name="round_deadline_in_period"
            ),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="open"), name="one_open_round_per_plan"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:round_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def opened_on(self) -> datetime.date:
        return timezone.localdate(self.opened_at)

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days


class RequestState(models.TextChoices):
    """Where one request of a round is; the last four are its update's state."""

    ASKED = "asked", _("Asked")
    OPENED = "opened", _("Opened")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")


# Requests still waiting for the people asked: reminders go to these.
OUTSTANDING_STATES = (RequestState.ASKED, RequestState.OPENED, RequestState.DRAFT, RequestState.RETURNED)


class RoundRequestQuerySet(CountyPartQuerySet):
    """A request is read and answered by the people asked and the county's coordinators; everyone
    else gets a 404 (the steering group follows the round on its page, not the updates in the making)."""

    scope_path = ScopePath(county="round__plan__county")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties) | _asked_q(scope, "pk")

    def editable_q(self, scope: Scope) -> Q:
        return self.visible_q(scope)

    def with_state(self) -> RoundRequestQuerySet:
        """Each request annotated with ``state_code`` (a RequestState value), computed in the database."""
        return self.annotate(
            state_code=models.Case(
                models.When(update__isnull=False, then=models.F("update__state")),
                models.When(opened_at__isnull=False, then=models.Value(RequestState.OPENED.value)),
                default=models.Value(RequestState.ASKED.value),
                output_field=models.CharField(),
            )
        )

    def outstanding(self) -> RoundRequestQuerySet:
        return self.with_state().filter(state_code__in=OUTSTANDING_STATES)


class RoundRequest(models.Model):
    """One measure's request in a round, addressed to the people responsible for it."""

    round = models.ForeignKey(
        FollowUpRound, on_delete=models.CASCADE, related_name="requests", verbose_name=_("follow-up round")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="round_requests", verbose_name=_("measure")
    )
    addressees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="round_requests", verbose_name=_("asked")
    )
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    update = models.OneToOneField(
        ProgressUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="round_request",
        verbose_name=_("progress update"),
    )
    history = HistoricalRecords(m2m_fields=[addressees])
    # How the round's change history names a request: by its measure.
    history_label = ("measure__number", "measure__title")

    objects = RoundRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for an update")
        verbose_name_plural = _("requests for updates")
        ordering = ["round", "measure__number"]
        constraints = [models.UniqueConstraint(fields=["round", "measure"], name="one_request_per_measure_in_round")]

    def __str__(self) -> str:
        return f"{self.round}: {self.measure}"

    def get_absolute_url(self) -> str:
        return reverse("actions:round_request", kwargs={"pk": self.pk})

    @property
    def state(self) -> str:
        if hasattr(self, "state_code"):
            return self.state_code
        if self.update_id is not None:
            return self.update.state
        return RequestState.OPENED if self.opened_at else RequestState.ASKED

    def get_state_display(self) -> str:
        return RequestState(self.state).label

    @property
    def is_outstanding(self) -> bool:
        return self.state in OUTSTANDING_STATES


# --- Talking about a measure --------------------------------------------------------------------


class CommentQuerySet(MeasurePartQuerySet):
    """A comment is read by whoever reads its measure (signed in: the thread is the county's own
    conversation, never public) and, on an update's thread, whoever reads that update."""

    def visible_q(self, scope: Scope) -> Q:
        return super().visible_q(scope) & (
            Q(update__isnull=True)
            | Q(update__in=ProgressUpdate.objects.filter(ProgressUpdate.objects.visible_q(scope)))
        )


class Comment(models.Model):
    """A comment on a measure or on one of its progress updates: plain text, shown with its line breaks.

    ``mentions``: the people of the county named in it, who are told about it.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="comments", verbose_name=_("measure"))
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("progress update"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    author_name = models.CharField(_("author's name"), max_length=150, blank=True)
    body = models.TextField(_("comment"), max_length=4000)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("mentioned")
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["measure", "update", "created_at"], name="comment_thread")]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"

    def get_absolute_url(self) -> str:
        if self.update_id is not None:
            page = reverse("actions:update_detail", kwargs={"pk": self.update_id})
        else:
            page = reverse("actions:measure_discussion", kwargs={"pk": self.measure_id})
        # The newest comments are on the thread's last page.
        return f"{page}?page=last#kommentar-{self.pk}"


class MeasureFollow(models.Model):
    """A person's own choice to follow a measure, or (``following`` false) to stop following it.

    Without a choice, a measure is followed by its county's coordinators, the contacts of its lead
    actor and everyone who wrote an update or a comment on it (``actions.queries.followers``).
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="follows", verbose_name=_("measure"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="measure_follows", verbose_name=_("user")
    )
    following = models.BooleanField(_("following"), default=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("following of a measure")
        verbose_name_plural = _("followings of measures")
        constraints = [models.UniqueConstraint(fields=["measure", "user"], name="one_follow_per_person_and_measure")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.measure_id}: {self.following}"
