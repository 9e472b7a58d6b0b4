from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.scoping import Scope, ScopedQuerySet


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


class ActorQuerySet(ScopedQuerySet):
    def visible_q(self, scope: Scope) -> Q:
        # National actors (no county) take part everywhere, so every signed-in user sees them.
        return Q(county__isnull=True) | Q(county_id__in=scope.read_counties)

    def editable_q(self, scope: Scope) -> Q:
        return Q(county_id__in=scope.coordinator_counties)


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

    objects = ActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "county"], name="actor_unique_name_per_county"),
        ]

    def __str__(self) -> str:
        return self.name
