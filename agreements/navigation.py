"""This app's items of the navigation (registered in ``AgreementsConfig.ready``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import MenuEntry, MenuItem, MenuPlace


def _county(scope, county) -> list[MenuItem]:
    return [MenuItem(_("Agreements"), reverse("agreements:county_overview", kwargs={"code": county.code}))]


MENU: tuple[MenuEntry, ...] = (MenuEntry("agreements.county", MenuPlace.COUNTY, 20, _county),)
