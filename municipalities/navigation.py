"""This app's items of the navigation (registered in ``MunicipalitiesConfig.ready``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import MenuEntry, MenuItem, MenuPlace


def _county_list(user, scope) -> list[MenuItem]:
    return [MenuItem(_("Counties"), reverse("municipalities:county_list"))] if scope.national else []


def _county(scope, county) -> list[MenuItem]:
    return [MenuItem(county.name, county.get_absolute_url())]


def _municipality(scope, municipality) -> list[MenuItem]:
    return [MenuItem(municipality.name, municipality.get_absolute_url())]


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("municipalities.county_list", MenuPlace.FIRST, 10, _county_list),
    MenuEntry("municipalities.county", MenuPlace.COUNTY, 0, _county),
    MenuEntry("municipalities.municipality", MenuPlace.MUNICIPALITY, 0, _municipality),
)
