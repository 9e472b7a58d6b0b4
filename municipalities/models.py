from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files.models import Document
from core.scoping import NationalOrCountyQuerySet, Scope, ScopedQuerySet, ScopePath


class CountyQuerySet(ScopedQuerySet):
    def visible_q(self, scope: Scope) -> Q:
        return Q(pk__in=scope.read_counties)

    def editable_q(self, scope: Scope) -> Q:
        return Q(pk__in=scope.coordinator_counties)


class County(models.Model):
    """A county (län), identified by its two-digit SCB code."""

    code = models.CharField(_("county code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50)

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:county_detail", kwargs={"code": self.code})


class MunicipalityQuerySet(ScopedQuerySet):
    def visible_q(self, scope: Scope) -> Q:
        return Q(county_id__in=scope.read_counties)

    def editable_q(self, scope: Scope) -> Q:
        return Q(county_id__in=scope.coordinator_counties) | Q(pk__in=scope.officer_municipalities)


class Municipality(models.Model):
    """A municipality (kommun), identified by its four-digit SCB code, with its profile."""

    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    police_area = models.CharField(
        _("local police area"),
        max_length=150,
        blank=True,
        help_text=_("The local police area (lokalpolisområde) the municipality belongs to."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=5000,
        help_text=_("How crime prevention is organised in the municipality, in a few sentences."),
    )
    council_name = models.CharField(
        _("name of the local crime-prevention council"),
        max_length=200,
        blank=True,
        help_text=_("For example: Brottsförebyggande rådet i Hässleholm."),
    )
    council_description = models.TextField(
        _("about the council"),
        blank=True,
        max_length=3000,
        help_text=_("How often it meets, who chairs it, whether it has a working committee."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:municipality_detail", kwargs={"code": self.code})


class MunicipalityPartQuerySet(ScopedQuerySet):
    """Rows that belong to one municipality are seen and changed as the municipality is."""

    scope_path = ScopePath(municipality="municipality")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.read_counties)

    def editable_q(self, scope: Scope) -> Q:
        path = self.scope_path
        return path.in_counties(scope.coordinator_counties) | path.in_municipalities(scope.officer_municipalities)


class CouncilMemberKind(models.TextChoices):
    ADMINISTRATION = "administration", _("Municipal administration")
    POLITICIAN = "politician", _("Politician")
    MUNICIPAL_BOARD = "municipal_board", _("Municipal executive board")
    RESCUE_SERVICE = "rescue_service", _("Rescue service")
    POLICE = "police", _("Police")
    BUSINESS = "business", _("Business")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    OTHER = "other", _("Other")


class CouncilMember(models.Model):
    """A member of the local crime-prevention council (brottsförebyggande råd)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="council_members", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=150, blank=True, help_text=_("Leave empty to list only the role."))
    organisation = models.CharField(
        _("organisation"), max_length=200, help_text=_("For example: Socialförvaltningen, Polisen.")
    )
    kind = models.CharField(_("kind of member"), max_length=32, choices=CouncilMemberKind.choices)
    role = models.CharField(
        _("role in the council"),
        max_length=150,
        blank=True,
        help_text=_("For example: chair, community police officer."),
    )
    history = HistoricalRecords()

    objects = MunicipalityPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["kind", "organisation", "name", "pk"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.role, self.organisation) if part)


class Coordinator(models.Model):
    """A crime-prevention coordinator (samordnare) of the municipality, with contact details."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="coordinators", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    history = HistoricalRecords()

    objects = MunicipalityPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Key figures: series of a kind, with their provenance -------------------------------------------

# The two kinds every municipality has, which the hand-typed figures and the CSV import fill.
POPULATION = "population"
REPORTED_CRIMES = "reported_crimes"


class KeyFigureSource(models.TextChoices):
    MANUAL = "manual", _("Entered in the portal")
    SCB = "scb", _("SCB")
    BRA = "bra", _("Brå")
    KOLADA = "kolada", _("Kolada")


class Better(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    NEITHER = "neither", _("Neither higher nor lower is better")


class Gender(models.TextChoices):
    TOTAL = "T", _("Total")
    WOMEN = "K", _("Women")
    MEN = "M", _("Men")


class KeyFigureKind(models.Model):
    """What a series measures: population, reported crimes (in total or of one Brå category), a Kolada KPI.

    The kinds are national (no county); a county chooses which it follows (``FollowedKeyFigure``).
    """

    code = models.CharField(
        _("code"), max_length=60, unique=True, help_text=_("For example population, bra:3 or kolada:N07403.")
    )
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="own_key_figure_kinds"
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=KeyFigureSource.choices)
    source_ref = models.CharField(
        _("identifier at the source"), max_length=60, blank=True, help_text=_("The KPI id, table or crime category.")
    )
    better = models.CharField(_("better when"), max_length=8, choices=Better.choices, default=Better.NEITHER)
    per_100k = models.BooleanField(
        _("shown per 100 000 inhabitants"), default=False, help_text=_("For counts, such as reported crimes.")
    )
    description = models.TextField(_("description"), blank=True, max_length=3000)

    objects = NationalOrCountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("kind of key figure")
        verbose_name_plural = _("kinds of key figures")
        ordering = ["source", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="key_figure_kind_one_per_source_ref")
        ]

    def __str__(self) -> str:
        return self.name


class FollowedKeyFigureQuerySet(ScopedQuerySet):
    scope_path = ScopePath(county="county")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.read_counties)

    def editable_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)


class FollowedKeyFigure(models.Model):
    """A kind a county follows: fetched for its municipalities and shown on their pages."""

    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="followed_key_figures", verbose_name=_("county")
    )
    kind = models.ForeignKey(
        KeyFigureKind, on_delete=models.CASCADE, related_name="followers", verbose_name=_("kind of key figure")
    )
    history = HistoricalRecords()
    history_label = ("kind__name",)

    objects = FollowedKeyFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("followed key figure")
        verbose_name_plural = _("followed key figures")
        ordering = ["kind__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["county", "kind"], name="followed_key_figure_once")]

    def __str__(self) -> str:
        return str(self.kind)


class FigureValue(models.Model):
    """One value of a series: a kind, a year, a breakdown by gender, and where it came from."""

    kind = models.ForeignKey(KeyFigureKind, on_delete=models.PROTECT, verbose_name=_("kind of key figure"))
    year = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default=Gender.TOTAL)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    source = models.CharField(_("source"), max_length=16, choices=KeyFigureSource.choices, default="manual")
    source_ref = models.CharField(_("identifier at the source"), max_length=100, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    preliminary = models.BooleanField(_("preliminary"), default=False)

    class Meta:
        abstract = True

    @property
    def number(self) -> float:
        return float(self.value)


class KeyFigureQuerySet(MunicipalityPartQuerySet):
    def base_kinds(self) -> KeyFigureQuerySet:
        """Population and reported crimes in total: the figures of the year (``YearFigures``)."""
        return self.filter(kind__code__in=[POPULATION, REPORTED_CRIMES], gender=Gender.TOTAL)


class KeyFigure(FigureValue):
    """A municipality's value of one kind for one year."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="key_figures", verbose_name=_("municipality")
    )
    kind = models.ForeignKey(
        KeyFigureKind, on_delete=models.PROTECT, related_name="values", verbose_name=_("kind of key figure")
    )
    history = HistoricalRecords()
    history_label = ("kind__name", "year")

    objects = KeyFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["municipality", "kind", "-year", "gender"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind", "year", "gender"], name="key_figure_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}"


class AreaKeyFigure(FigureValue):
    """A county's value (``county`` set) or the whole country's (``county`` empty: Kolada's "Riket")."""

    county = models.ForeignKey(
        County,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="key_figures",
        verbose_name=_("county"),
    )
    kind = models.ForeignKey(
        KeyFigureKind, on_delete=models.PROTECT, related_name="area_values", verbose_name=_("kind of key figure")
    )
    history = HistoricalRecords()
    history_label = ("kind__name", "year")

    objects = NationalOrCountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("key figure of a county or the country")
        verbose_name_plural = _("key figures of counties and the country")
        ordering = ["county", "kind", "-year", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "kind", "year", "gender"],
                condition=Q(county__isnull=False),
                name="area_key_figure_one_per_year",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "gender"],
                condition=Q(county__isnull=True),
                name="national_key_figure_one_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}"


class Obligation(models.TextChoices):
    """What Lag (2023:196) asks of each municipality, in the order the work is done."""

    SITUATION_ANALYSIS = "situation_analysis", _("Situation analysis (lägesbild)")
    ACTION_PROGRAMME = "action_programme", _("Action programme")
    COORDINATING_FUNCTION = "coordinating_function", _("Coordinating function")
    FOLLOW_UP = "follow_up", _("Follow-up")


class ComplianceState(models.TextChoices):
    MISSING = "missing", _("Missing")
    IN_PROGRESS = "in_progress", _("In progress")
    IN_PLACE = "in_place", _("In place")
    OUTDATED = "outdated", _("Outdated")


# What a user sets; "outdated" is derived from the date.
ENTERED_STATES = [
    (ComplianceState.MISSING.value, ComplianceState.MISSING.label),
    (ComplianceState.IN_PROGRESS.value, ComplianceState.IN_PROGRESS.label),
    (ComplianceState.IN_PLACE.value, ComplianceState.IN_PLACE.label),
]


class ComplianceItem(models.Model):
    """One obligation of the law for one municipality, with the facts that show it is met."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="compliance_items", verbose_name=_("municipality")
    )
    obligation = models.CharField(_("obligation"), max_length=32, choices=Obligation.choices)
    status = models.CharField(_("status"), max_length=16, choices=ENTERED_STATES, default=ComplianceState.MISSING)
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The date of the document or decision (for a follow-up: when it was done). Format: 2025-03-14."),
    )
    covers_mapping = models.BooleanField(_("covers a mapping of crime"), default=False)
    covers_consequences = models.BooleanField(_("covers the extent and consequences"), default=False)
    covers_analysis = models.BooleanField(_("covers an analysis of causes"), default=False)
    decided_by = models.CharField(
        _("decided by"), max_length=200, blank=True, help_text=_("The body that decided, e.g. Kommunfullmäktige.")
    )
    period_start = models.PositiveSmallIntegerField(_("period from (year)"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("period to (year)"), null=True, blank=True)
    responsible = models.CharField(
        _("who"), max_length=200, blank=True, help_text=_("Who carries the coordinating function.")
    )
    notes = models.TextField(_("notes"), blank=True, max_length=3000)
    history = HistoricalRecords()

    objects = MunicipalityPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance item")
        verbose_name_plural = _("compliance items")
        ordering = ["municipality", "obligation"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "obligation"], name="compliance_one_per_obligation"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="compliance_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_obligation_display()}"

    def get_absolute_url(self) -> str:
        return reverse(
            "municipalities:compliance_edit", kwargs={"code": self.municipality.code, "obligation": self.obligation}
        )

    def state(self, today: datetime.date | None = None) -> str:
        """The state shown to users: an item in place turns outdated when its date is too old."""
        return compliance_state(self, today)


def compliance_state(item: ComplianceItem | None, today: datetime.date | None = None) -> str:
    if item is None:
        return ComplianceState.MISSING
    if item.status != ComplianceState.IN_PLACE:
        return item.status
    if item.date and item.date < outdated_before(today or timezone.localdate()):
        return ComplianceState.OUTDATED
    return ComplianceState.IN_PLACE


def outdated_before(today: datetime.date) -> datetime.date:
    """Items dated before this day are outdated (COMPLIANCE_OUTDATED_AFTER_YEARS back)."""
    years = settings.COMPLIANCE_OUTDATED_AFTER_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class DocumentVisibility(models.TextChoices):
    """Who opens a compliance document: a lägesbild may hold what is not for every actor."""

    MUNICIPALITY = "municipality", _("The municipality and the county's coordinators")
    COUNTY = "county", _("Everyone signed in in the county")


class ComplianceDocumentQuerySet(ScopedQuerySet):
    """The municipality's officers and the county's coordinators read every document; the rest of
    the county only those shared with the county."""

    scope_path = ScopePath(municipality="item__municipality")

    def visible_q(self, scope: Scope) -> Q:
        shared = Q(visibility=DocumentVisibility.COUNTY) & self.scope_path.in_counties(scope.read_counties)
        return shared | self.editable_q(scope)

    def editable_q(self, scope: Scope) -> Q:
        path = self.scope_path
        return path.in_counties(scope.coordinator_counties) | path.in_municipalities(scope.officer_municipalities)


class ComplianceDocument(Document):
    """A document that shows an obligation is met: the lägesbild, the programme, a decision."""

    item = models.ForeignKey(
        ComplianceItem, on_delete=models.CASCADE, related_name="documents", verbose_name=_("compliance item")
    )
    visibility = models.CharField(
        _("who may open it"),
        max_length=16,
        choices=DocumentVisibility.choices,
        default=DocumentVisibility.MUNICIPALITY,
    )

    objects = ComplianceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance document")
        verbose_name_plural = _("compliance documents")
        ordering = ["-uploaded_at"]

    def get_absolute_url(self) -> str:
        return reverse("municipalities:compliance_document", kwargs={"pk": self.pk})


# --- Imports from the sources ---------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    FETCHING = "fetching", _("Being fetched")
    READY = "ready", _("Ready to review")
    APPLIED = "applied", _("Saved")
    FAILED = "failed", _("Failed")


class KeyFigureImportQuerySet(ScopedQuerySet):
    """A county's imports are its coordinators' (they start and confirm them)."""

    scope_path = ScopePath(county="county")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)

    def editable_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)


class KeyFigureImport(models.Model):
    """One reading of a source for a county: fetched (in the background) or read from a file, then
    previewed, and saved only when a user confirms it.

    ``values`` holds what the source gave, as ``[area, ref, year, gender, value, preliminary]`` lists;
    nothing of it is a key figure until the import is applied.
    """

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="key_figure_imports")
    source = models.CharField(_("source"), max_length=16, choices=KeyFigureSource.choices)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("to year"))
    pages_read = models.PositiveIntegerField(_("pages read"), default=0)
    values = models.JSONField(default=list, blank=True)
    error = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    applied_at = models.DateTimeField(_("saved"), null=True, blank=True)

    objects = KeyFigureImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("key figure import")
        verbose_name_plural = _("key figure imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else str(self.source)

    def get_absolute_url(self) -> str:
        return reverse("municipalities:key_figure_import", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.FETCHING)
