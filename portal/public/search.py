"""What the public site's search finds: public rows only, each linking to its public page.

The search itself is the portal's (``portal.search.search``, Swedish full text on PostgreSQL); these
specs give it the public querysets and the public URLs instead of a user's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import capfirst

from actions.models import ActionPlan, Measure
from agreements.models import CitizenPledge, CooperationAgreement, FollowUp
from municipalities.models import County, Municipality
from portal.public import links


@dataclass(frozen=True)
class PublicSpec:
    model: type[models.Model]
    title_field: str
    body_fields: tuple[str, ...]
    rows: Callable[[], Any]
    url: Callable[[Any], str]

    @property
    def label(self) -> str:
        return capfirst(str(self.model._meta.verbose_name))

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.title_field, *self.body_fields)

    def queryset(self, user: Any) -> Any:
        return self.rows()


SPECS: tuple[PublicSpec, ...] = (
    PublicSpec(County, "name", (), County.objects.all, links.county_url),
    PublicSpec(Municipality, "name", ("description",), Municipality.objects.all, links.municipality_url),
    PublicSpec(
        CitizenPledge,
        "title",
        ("background",),
        lambda: CitizenPledge.objects.public().select_related("municipality"),
        links.pledge_url,
    ),
    PublicSpec(
        FollowUp,
        "summary",
        (),
        lambda: FollowUp.objects.public().select_related("municipality"),
        links.follow_up_url,
    ),
    PublicSpec(
        CooperationAgreement,
        "title",
        ("summary",),
        lambda: CooperationAgreement.objects.public().select_related("municipality"),
        links.agreement_url,
    ),
    PublicSpec(
        ActionPlan,
        "title",
        ("description",),
        lambda: ActionPlan.objects.public().select_related("county"),
        links.plan_url,
    ),
    PublicSpec(
        Measure,
        "title",
        ("description", "purpose"),
        lambda: Measure.objects.public().select_related("plan__county"),
        links.measure_url,
    ),
)
