"""What every page's frame needs: the navigation for the user's roles and their scope.

The items come from the apps (``<app>/navigation.py``, registered in their
``AppConfig.ready()`` as ``core.registry.MenuEntry``): the frame only decides which counties
and municipalities they are asked about, from the grants ``scope_for`` already read.
"""

import functools
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from core.collation import swedish_key
from core.registry import MenuEntry, MenuItem, MenuPlace, menu_entries
from core.scoping import Scope, grants_for, scope_for


def navigation(request) -> list[MenuItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    scope = scope_for(user)
    # The counties and municipalities come with the grants scope_for read: no query here.
    grants = grants_for(user)
    counties = {grant.county.pk: grant.county for grant in grants if grant.county_id}
    counties.update(
        (grant.municipality.county_id, grant.municipality.county) for grant in grants if grant.municipality_id
    )
    municipalities = {grant.municipality.pk: grant.municipality for grant in grants if grant.municipality_id}
    # The items depend on nothing else (their labels are translated when shown): built once per process
    # for each such combination instead of reversing every URL on every request.
    return list(
        _items(
            _Person(user.is_staff, scope),
            tuple(_Place(c.pk, c.code, c.name, c.get_absolute_url()) for c in counties.values()),
            tuple(_Place(m.pk, m.code, m.name, m.get_absolute_url()) for m in municipalities.values()),
        )
    )


@dataclass(frozen=True)
class _Person:
    """What the menu entries read of the user (``is_staff``) and the scope."""

    is_staff: bool
    scope: Scope


@dataclass(frozen=True)
class _Place:
    """What the menu entries read of a county or municipality."""

    pk: int
    code: str
    name: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


@functools.lru_cache(maxsize=2048)
def _items(user: _Person, counties: tuple[_Place, ...], municipalities: tuple[_Place, ...]) -> tuple[MenuItem, ...]:
    scope = user.scope
    counties = {county.pk: county for county in counties}
    municipalities = {municipality.pk: municipality for municipality in municipalities}
    items = [item for entry in menu_entries(MenuPlace.FIRST) for item in entry.items(user, scope)]
    if not scope.national:  # a national administrator has the county list instead
        county_entries = menu_entries(MenuPlace.COUNTY)
        for county in sorted(counties.values(), key=lambda county: county.code):
            items.extend(item for entry in county_entries for item in entry.items(scope, county))
    municipality_entries = menu_entries(MenuPlace.MUNICIPALITY)
    for municipality in sorted(municipalities.values(), key=lambda municipality: swedish_key(municipality.name)):
        items.extend(item for entry in municipality_entries for item in entry.items(scope, municipality))
    items.extend(item for entry in menu_entries(MenuPlace.LAST) for item in entry.items(user, scope))
    return tuple(items)


def portal(request) -> dict:
    return {"nav_items": SimpleLazyObject(lambda: navigation(request))}


# --- The portal's own items ---------------------------------------------------------------------


def _start(user, scope) -> list[MenuItem]:
    return [MenuItem(_("Start"), reverse("portal:home"))]


def _county_reports(scope, county) -> list[MenuItem]:
    if county.pk in scope.coordinator_counties | scope.steering_counties:
        return [MenuItem(_("Reports"), reverse("portal:county_reports", kwargs={"code": county.code}))]
    return []


def _county_people(scope, county) -> list[MenuItem]:
    if county.pk in scope.coordinator_counties:
        return [MenuItem(_("People"), reverse("people:county_people", kwargs={"code": county.code}))]
    return []


def _administration(user, scope) -> list[MenuItem]:
    return [MenuItem(_("Administration"), reverse("admin:index"))] if user.is_staff else []


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("portal.start", MenuPlace.FIRST, 0, _start),
    MenuEntry("portal.county_reports", MenuPlace.COUNTY, 30, _county_reports),
    MenuEntry("portal.county_people", MenuPlace.COUNTY, 40, _county_people),
    MenuEntry("portal.administration", MenuPlace.LAST, 0, _administration),
)
