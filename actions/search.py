"""What the search box finds among the regional action plans (registered in ``ActionsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse

from actions.models import ActionPlan, Actor, Measure, SupportActivity
from core.registry import SearchSpec


def _with_edit_flag(queryset: Any, user: Any) -> Any:
    """Support activities open in their form for those who may change them; others see the list."""
    editable = SupportActivity.objects.editable_by(user).filter(pk=OuterRef("pk"))
    return queryset.select_related("county").annotate(search_can_edit=Exists(editable))


def _support_activity_url(activity: SupportActivity) -> str:
    if activity.search_can_edit:
        return activity.get_absolute_url()
    return reverse("actions:support_activity_list", kwargs={"code": activity.county.code})


# The orders place this app's models among the other apps' in the results of equal rank.
SPECS: tuple[SearchSpec, ...] = (
    SearchSpec(ActionPlan, "title", ("description",), order=10),
    SearchSpec(Measure, "title", ("description", "purpose"), order=20),
    SearchSpec(Actor, "name", order=30),
    SearchSpec(
        SupportActivity,
        "title",
        ("description", "place"),
        prepare=_with_edit_flag,
        url=_support_activity_url,
        order=70,
    ),
)
