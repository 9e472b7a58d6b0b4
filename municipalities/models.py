from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.scoping import Scope, ScopedQuerySet


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
    """A municipality (kommun), identified by its four-digit SCB code."""

    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:municipality_detail", kwargs={"code": self.code})
