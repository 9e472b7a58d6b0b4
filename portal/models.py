from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their grants."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    COUNTY_COORDINATOR = "county_coordinator", _("County coordinator")
    MUNICIPAL_OFFICER = "municipal_officer", _("Municipal officer")
    ACTOR_CONTACT = "actor_contact", _("Actor contact")
    STEERING_GROUP = "steering_group", _("Steering group member")
    NATIONAL_ADMIN = "national_admin", _("National administrator")


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
