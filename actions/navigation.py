"""This app's items of the navigation (registered in ``ActionsConfig.ready``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import MenuEntry, MenuItem, MenuPlace


def _county(scope, county) -> list[MenuItem]:
    items = [MenuItem(_("Action plans"), reverse("actions:plan_list", kwargs={"code": county.code}))]
    if county.pk in scope.coordinator_counties:
        items.append(MenuItem(_("Actors"), reverse("actions:actor_list", kwargs={"code": county.code})))
    items.append(
        MenuItem(_("Support activities"), reverse("actions:support_activity_list", kwargs={"code": county.code}))
    )
    return items


MENU: tuple[MenuEntry, ...] = (MenuEntry("actions.county", MenuPlace.COUNTY, 10, _county),)
