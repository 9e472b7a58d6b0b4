import rules

from core.predicates import can_change, can_view
from core.scoping import scope_for


@rules.predicate
def coordinates_county_of(user, obj) -> bool:
    """Quality reviews are the county coordinators' work, not the municipality's own."""
    if obj is None:
        return False
    scope = scope_for(user)
    return scope.national or obj.municipality.county_id in scope.coordinator_counties


# Creating agreements and pledges of a municipality: obj is the Municipality.
rules.add_perm("agreements.manage_municipality_agreements", can_change)
rules.add_perm("agreements.manage_focus_areas", can_change)
rules.add_perm("agreements.view_agreement", can_view)
rules.add_perm("agreements.change_agreement", can_change)
rules.add_perm("agreements.view_pledge", can_view)
rules.add_perm("agreements.change_pledge", can_change)
rules.add_perm("agreements.follow_up", can_change)
rules.add_perm("agreements.review", can_view & coordinates_county_of)
