"""What every page's frame needs: the navigation for the user's roles and their scope."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from core.collation import swedish_key
from core.scoping import grants_for, scope_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def navigation(request) -> list[NavItem]:
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
    items = [NavItem(_("Start"), reverse("portal:home"))]
    if scope.national:
        items.append(NavItem(_("Counties"), reverse("municipalities:county_list")))
    else:
        for county in sorted(counties.values(), key=lambda county: county.code):
            items.append(NavItem(county.name, county.get_absolute_url()))
            items.append(NavItem(_("Action plans"), reverse("actions:plan_list", kwargs={"code": county.code})))
            if county.pk in scope.coordinator_counties:
                items.append(NavItem(_("Actors"), reverse("actions:actor_list", kwargs={"code": county.code})))
            items.append(
                NavItem(_("Support activities"), reverse("actions:support_activity_list", kwargs={"code": county.code}))
            )
            items.append(NavItem(_("Agreements"), reverse("agreements:county_overview", kwargs={"code": county.code})))
            if county.pk in scope.coordinator_counties | scope.steering_counties:
                items.append(NavItem(_("Reports"), reverse("portal:county_reports", kwargs={"code": county.code})))
    for municipality in sorted(municipalities.values(), key=lambda municipality: swedish_key(municipality.name)):
        items.append(NavItem(municipality.name, municipality.get_absolute_url()))
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index")))
    return items


def portal(request) -> dict:
    return {"nav_items": SimpleLazyObject(lambda: navigation(request))}
