"""Who holds each permission of ``portal/perms.py``."""

import rules

from core.predicates import can_change
from core.scoping import scope_for
from portal import perms


@rules.predicate
def may_request_report(user, scope_object) -> bool:
    """County reports are for the county's coordinators and steering group; a municipality's report
    for those who change the municipality (its officers and the county's coordinators)."""
    if scope_object is None:
        return False
    if scope_object._meta.model_name == "county":
        scope = scope_for(user)
        return scope.national or scope_object.pk in scope.coordinator_counties | scope.steering_counties
    return can_change(user, scope_object)


@rules.predicate
def manages_people_of(user, county) -> bool:
    """A county's people are managed by its coordinators and the national administrators."""
    if county is None:
        return False
    scope = scope_for(user)
    return scope.national or county.pk in scope.coordinator_counties


rules.add_perm(perms.REQUEST_REPORT, may_request_report)
rules.add_perm(perms.ADD_INVITATION, manages_people_of)
rules.add_perm(perms.CHANGE_GRANT, manages_people_of)
rules.add_perm(perms.RETRY_REPORT, can_change)
