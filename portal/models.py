import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.roles import Role
from core.scoping import Scope, ScopedQuerySet, ScopePath


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their grants.

    ``language``: the language of their pages and e-mails; ``notice_choices``: how they get each
    kind of notice, {kind: "now" | "daily" | "never"} (``core.notices``; a kind not in it gets its default).
    """

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    notice_choices = models.JSONField(_("e-mail choices"), default=dict, blank=True)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            # One active account per address, whatever its case: an invitation or a sign-in through an
            # identity provider finds the person by e-mail.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(is_active=True) & ~Q(email=""),
                name="user_unique_active_email",
                violation_error_message=_("Another active account already has this e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


# Which scope fields each role needs; the others must be empty.
ROLE_SCOPE_FIELDS: dict[str, frozenset[str]] = {
    Role.COUNTY_COORDINATOR: frozenset({"county"}),
    Role.STEERING_GROUP: frozenset({"county"}),
    Role.MUNICIPAL_OFFICER: frozenset({"municipality"}),
    Role.ACTOR_CONTACT: frozenset({"actor", "county"}),
    Role.NATIONAL_ADMIN: frozenset(),
}
SCOPE_FIELDS = ("county", "municipality", "actor")


def _shape_q(role: str, needed: frozenset[str]) -> Q:
    q = Q(role=role)
    for name in SCOPE_FIELDS:
        q &= Q(**{f"{name}__isnull": name not in needed})
    return q


class Grant(models.Model):
    """A role held by a user within a scope: a county, a municipality or an actor.

    An actor contact also names the county they act in, since national actors such as
    the Police work in every county.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    county = models.ForeignKey(
        "municipalities.County", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("county")
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    actor = models.ForeignKey("actions.Actor", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("actor"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()
    # In the change history: "Municipal officer (Eva Ek, Lund)".
    history_label = (
        "role",
        "user__first_name",
        "user__last_name",
        "user__username",
        "municipality__name",
        "actor__name",
        "county__name",
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(_shape_q(Role.COUNTY_COORDINATOR, ROLE_SCOPE_FIELDS[Role.COUNTY_COORDINATOR]))
                | Q(_shape_q(Role.STEERING_GROUP, ROLE_SCOPE_FIELDS[Role.STEERING_GROUP]))
                | Q(_shape_q(Role.MUNICIPAL_OFFICER, ROLE_SCOPE_FIELDS[Role.MUNICIPAL_OFFICER]))
                | Q(_shape_q(Role.ACTOR_CONTACT, ROLE_SCOPE_FIELDS[Role.ACTOR_CONTACT]))
                | Q(_shape_q(Role.NATIONAL_ADMIN, ROLE_SCOPE_FIELDS[Role.NATIONAL_ADMIN])),
                name="grant_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.describe()}"

    def clean(self) -> None:
        needed = ROLE_SCOPE_FIELDS.get(self.role, frozenset())
        errors = {}
        for name in SCOPE_FIELDS:
            has_value = getattr(self, f"{name}_id") is not None
            if name in needed and not has_value:
                errors[name] = _("This role needs a %(field)s.") % {"field": self._meta.get_field(name).verbose_name}
            elif name not in needed and has_value:
                errors[name] = _("This role has no %(field)s: leave it empty.") % {
                    "field": self._meta.get_field(name).verbose_name
                }
        if errors:
            raise ValidationError(errors)

    def scope_object(self):
        """The object the grant is for, as shown to the user."""
        return self.municipality or self.actor or self.county

    def describe(self) -> str:
        """The grant in a sentence fragment, e.g. 'County coordinator, Skåne län'."""
        label = self.get_role_display()
        if self.role == Role.ACTOR_CONTACT:
            return _("%(role)s, %(actor)s in %(county)s") % {"role": label, "actor": self.actor, "county": self.county}
        target = self.scope_object()
        return f"{label}, {target}" if target else str(label)


# --- Invitations ---------------------------------------------------------------------------------
# How a county's coordinators bring people into the portal (``portal.people``). An invitation names a
# person (name, e-mail), the role they are to hold and its scope within one county: a municipal officer
# of one or more of its municipalities, a contact of one of its actors, a member of its steering group,
# or (given by a national administrator) a coordinator. The e-mail carries a single-use link; only the
# SHA-256 of its token is stored, so the database holds no usable link.

# The roles an invitation can carry: every role within a county (not the national administrator).
INVITABLE_ROLES = (Role.MUNICIPAL_OFFICER, Role.ACTOR_CONTACT, Role.STEERING_GROUP, Role.COUNTY_COORDINATOR)


def token_hash(raw_token: str) -> str:
    """What is stored of an invitation's token: its SHA-256, hex."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


class InvitationQuerySet(ScopedQuerySet):
    """The invitations of a county are its coordinators' (and the national administrators')."""

    scope_path = ScopePath(county="county")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)

    def editable_q(self, scope: Scope) -> Q:
        return self.visible_q(scope)

    def pending(self) -> "InvitationQuerySet":
        """Neither accepted nor revoked (expired ones included: they can be sent again)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    county = models.ForeignKey(
        "municipalities.County", on_delete=models.PROTECT, related_name="invitations", verbose_name=_("county")
    )
    role = models.CharField(_("role"), max_length=32, choices=[(role.value, role.label) for role in INVITABLE_ROLES])
    municipalities = models.ManyToManyField(
        "municipalities.Municipality", blank=True, related_name="invitations", verbose_name=_("municipalities")
    )
    actor = models.ForeignKey(
        "actions.Actor", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    # The last sending whose e-mail went out (``send_count`` when every sending was e-mailed).
    mailed_count = models.PositiveSmallIntegerField(_("times e-mailed"), default=0, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    history = HistoricalRecords(excluded_fields=["token_hash"])
    history_label = ("email",)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.ACTOR_CONTACT) | Q(actor__isnull=False),
                name="invitation_actor_contact_has_actor",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.ACTOR_CONTACT) | Q(actor__isnull=True),
                name="invitation_actor_only_for_contacts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        return self.name

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def state(self) -> str:
        """``accepted``, ``revoked``, ``expired`` or ``pending``."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "pending"

    def get_state_display(self) -> str:
        return str(INVITATION_STATES[self.state])

    def role_phrase(self) -> str:
        """What the person is invited to be, as a phrase: "municipal officer for Lund, Hässleholm"."""
        if self.role == Role.MUNICIPAL_OFFICER:
            names = ", ".join(municipality.name for municipality in self.municipalities.all())
            return _("municipal officer for %(names)s") % {"names": names}
        if self.role == Role.ACTOR_CONTACT:
            return _("contact person for %(actor)s") % {"actor": self.actor}
        if self.role == Role.STEERING_GROUP:
            return str(_("member of the county's steering group"))
        return str(_("coordinator of the county's crime prevention work"))


INVITATION_STATES = {
    "pending": _("Waiting for an answer"),
    "expired": _("Expired"),
    "accepted": _("Accepted"),
    "revoked": _("Revoked"),
}


# --- Reports -----------------------------------------------------------------------------------------


class ReportKind(models.TextChoices):
    COUNTY = "county", _("County progress report")
    MUNICIPALITY = "municipality", _("Municipality report")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being produced")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportQuerySet(ScopedQuerySet):
    """County reports are read by the county; a municipality report also by its officers."""

    def visible_q(self, scope):
        return Q(county_id__in=scope.coordinator_counties | scope.steering_counties) | Q(
            municipality_id__in=scope.officer_municipalities
        )

    def editable_q(self, scope):
        return self.visible_q(scope)


def report_upload_to(instance, filename: str) -> str:
    return f"reports/{uuid.uuid4().hex}.pdf"


class Report(models.Model):
    """A PDF progress report, produced in the background for a county or a municipality."""

    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    county = models.ForeignKey(
        "municipalities.County", on_delete=models.CASCADE, related_name="reports", verbose_name=_("county")
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("municipality"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # A county report may be the report of a follow-up round: it covers the round's period and plan.
    # The PDF stays a record of its day if the round goes (with its plan): the link is cleared.
    round = models.ForeignKey(
        "actions.FollowUpRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("follow-up round"),
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=200)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_in_order"
            ),
            models.CheckConstraint(
                condition=Q(kind="county", municipality__isnull=True)
                | Q(kind="municipality", municipality__isnull=False),
                name="report_scope_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        scope = self.municipality or self.county
        return f"{self.get_kind_display()}: {scope}, {self.period_start} – {self.period_end}"

    def get_absolute_url(self) -> str:
        return reverse("portal:report_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)


class ApiToken(models.Model):
    """A personal key for the read-only API (``/api/``): it sees exactly what its user sees.

    Only the SHA-256 hash of the key is stored; the key itself is shown once, when it is
    created (``portal.services.issue_token``).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for, e.g. the county's dashboard."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("beginning of the key"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# --- The public site's accessibility statement and privacy notice (edited on the admin site) ---------


class Compliance(models.TextChoices):
    """How far the site complies with the law on accessibility of digital public services (DIGG's form)."""

    FULLY = "fully", _("Fully compliant")
    PARTLY = "partly", _("Partly compliant")
    NOT = "not", _("Not compliant")


class AccessibilityStatement(models.Model):
    """The accessibility statement (tillgänglighetsredogörelse) in the form DIGG prescribes, one per
    language; administrators edit it on the admin site and the public site shows it."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, unique=True)
    compliance = models.CharField(
        _("compliance with the law"), max_length=8, choices=Compliance.choices, default=Compliance.PARTLY
    )
    how_accessible = models.TextField(_("how accessible the site is"), max_length=5000)
    if_you_cannot = models.TextField(_("what to do if you cannot use parts of the site"), max_length=5000)
    report_shortcomings = models.TextField(_("how to report shortcomings"), max_length=5000)
    feedback_email = models.EmailField(
        _("address for feedback"), help_text=_("The organisation's address, never a person's own.")
    )
    response_days = models.PositiveSmallIntegerField(_("we answer within (working days)"), default=5)
    supervision = models.TextField(_("supervision and complaints"), max_length=5000)
    technical_information = models.TextField(_("technical information"), max_length=5000)
    inaccessible_content = models.TextField(_("content that is not accessible, and why"), max_length=10000, blank=True)
    test_method = models.TextField(_("how the site was tested"), max_length=5000)
    tested_on = models.DateField(_("tested on"))
    made_on = models.DateField(_("statement made on"))
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")
        ordering = ["language"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name.capitalize()} ({self.get_language_display()})"


class PrivacyNotice(models.Model):
    """The public site's privacy notice, one per language, edited on the admin site."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, unique=True)
    text = models.TextField(
        _("text"),
        max_length=20000,
        help_text=_("Paragraphs are separated by an empty line; lines starting with # are headings."),
    )
    contact_email = models.EmailField(
        _("address for questions about personal data"), help_text=_("The organisation's address, never a person's own.")
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["language"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name.capitalize()} ({self.get_language_display()})"


class PublicContactQuerySet(ScopedQuerySet):
    """Read by everyone in the county, registered by its coordinators (and shown on the public site)."""

    scope_path = ScopePath(county="county")

    def visible_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.read_counties)

    def editable_q(self, scope: Scope) -> Q:
        return self.scope_path.in_counties(scope.coordinator_counties)


class PublicContact(models.Model):
    """What the county registers for the public site: the public contact of the county board
    (``municipality`` empty) or of one of its municipalities, and, for a municipality, the origins
    of the web sites that may show its pledge page in a frame."""

    county = models.ForeignKey(
        "municipalities.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("county")
    )
    municipality = models.OneToOneField(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="public_contact",
        verbose_name=_("municipality"),
    )
    email = models.EmailField(
        _("public e-mail address"), blank=True, help_text=_("The organisation's address, never a person's own.")
    )
    phone = models.CharField(_("switchboard"), max_length=40, blank=True)
    web_address = models.URLField(_("web site"), blank=True)
    embed_origins = models.TextField(
        _("web sites that may embed the pledge page"),
        blank=True,
        max_length=2000,
        help_text=_("One origin per line, for example https://www.lund.se"),
    )
    history = HistoricalRecords()

    objects = PublicContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("public contact")
        verbose_name_plural = _("public contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["county"], condition=Q(municipality__isnull=True), name="one_public_contact_per_county"
            )
        ]

    def __str__(self) -> str:
        return self.email or self.web_address or str(self._meta.verbose_name)

    def origins(self) -> list[str]:
        return [line.strip() for line in self.embed_origins.splitlines() if line.strip()]
