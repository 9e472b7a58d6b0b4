"""The named permissions of the site itself: reports."""

import rules

from core.predicates import can_change
from core.scoping import scope_for


@rules.predicate
def reads_county_reports(user, county) -> bool:
    """County reports are for the county's coordinators and steering group."""
    scope = scope_for(user)
    return county is not None and (scope.national or county.pk in scope.coordinator_counties | scope.steering_counties)


rules.add_perm("portal.request_county_report", reads_county_reports)
# Municipality reports: the municipality's officers and the county's coordinators.
rules.add_perm("portal.request_municipality_report", can_change)
rules.add_perm("portal.retry_report", can_change)
