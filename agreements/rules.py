"""Who holds each permission of ``agreements/perms.py``."""

import rules

from agreements import perms
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
rules.add_perm(perms.ADD_COOPERATIONAGREEMENT, can_change)
rules.add_perm(perms.ADD_CITIZENPLEDGE, can_change)
rules.add_perm(perms.ADD_FOCUSAREA, can_change)
rules.add_perm(perms.VIEW_COOPERATIONAGREEMENT, can_view)
rules.add_perm(perms.CHANGE_COOPERATIONAGREEMENT, can_change)
rules.add_perm(perms.VIEW_CITIZENPLEDGE, can_view)
rules.add_perm(perms.CHANGE_CITIZENPLEDGE, can_change)
rules.add_perm(perms.ADD_FOLLOWUP, can_change)
rules.add_perm(perms.ADD_QUALITYREVIEW, can_view & coordinates_county_of)


@rules.predicate
def coordinates_county(user, county) -> bool:
    """Municipal rounds are opened by the county's coordinators (obj: the County)."""
    if county is None:
        return False
    scope = scope_for(user)
    return scope.national or county.pk in scope.coordinator_counties


@rules.predicate
def reviews_follow_up(user, follow_up) -> bool:
    """A follow-up answering a round is reviewed by the coordinators of its municipality's county."""
    if follow_up is None:
        return False
    scope = scope_for(user)
    return scope.national or follow_up.municipality.county_id in scope.coordinator_counties


rules.add_perm(perms.ADD_MUNICIPALROUND, can_view & coordinates_county)
rules.add_perm(perms.VIEW_MUNICIPALROUND, can_view)
rules.add_perm(perms.CHANGE_MUNICIPALROUND, can_change)
rules.add_perm(perms.VIEW_MUNICIPALREQUEST, can_view)
rules.add_perm(perms.CHANGE_MUNICIPALREQUEST, can_change)
rules.add_perm(perms.REVIEW_FOLLOWUP, can_view & reviews_follow_up)
