"""What every page's frame needs: the navigation for the user's roles and their scope."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from portal.scoping import scope_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def navigation(request) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    from municipalities.models import County, Municipality  # noqa: PLC0415 - apps load after portal

    scope = scope_for(user)
    items = [NavItem(_("Start"), reverse("portal:home"))]
    if scope.national:
        items.append(NavItem(_("Counties"), reverse("municipalities:county_list")))
    else:
        for county in County.objects.filter(pk__in=scope.read_counties).only("code", "name"):
            items.append(NavItem(county.name, county.get_absolute_url()))
            items.append(NavItem(_("Action plans"), reverse("actions:plan_list", kwargs={"code": county.code})))
            items.append(
                NavItem(_("Support activities"), reverse("actions:support_activity_list", kwargs={"code": county.code}))
            )
            items.append(NavItem(_("Agreements"), reverse("agreements:county_overview", kwargs={"code": county.code})))
            if county.pk in scope.coordinator_counties | scope.steering_counties:
                items.append(NavItem(_("Reports"), reverse("portal:county_reports", kwargs={"code": county.code})))
    for municipality in Municipality.objects.filter(pk__in=scope.officer_municipalities).only("code", "name"):
        items.append(NavItem(municipality.name, municipality.get_absolute_url()))
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index")))
    return items


def portal(request) -> dict:
    return {"nav_items": SimpleLazyObject(lambda: navigation(request))}
