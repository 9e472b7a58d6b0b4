"""Who holds each permission of ``actions/perms.py``."""

import rules

from actions import perms
from core.predicates import can_change, can_view, in_queryset

can_report = in_queryset("reportable_by")


@rules.predicate
def can_report_on_milestone(user, milestone) -> bool:
    return milestone is not None and can_report(user, milestone.measure)


rules.add_perm(perms.VIEW_ACTOR, can_view)
rules.add_perm(perms.CHANGE_ACTOR, can_change)
# Adding an actor of its own to a county (obj is the County): its coordinators. National actors are
# the administrators' (the admin site); a coordinator changes only the county's own (change_actor).
rules.add_perm(perms.ADD_ACTOR, can_change)
# Creating plans and support activities of a county, and extending its list of statuses: obj is the County.
rules.add_perm(perms.ADD_ACTIONPLAN, can_change)
rules.add_perm(perms.ADD_SUPPORTACTIVITY, can_change)
rules.add_perm(perms.ADD_PROGRESSSTATUS, can_change)
rules.add_perm(perms.VIEW_ACTIONPLAN, can_view)
rules.add_perm(perms.CHANGE_ACTIONPLAN, can_change)
rules.add_perm(perms.VIEW_MEASURE, can_view)
rules.add_perm(perms.CHANGE_MEASURE, can_change)
rules.add_perm(perms.ADD_PROGRESSUPDATE, can_report)
rules.add_perm(perms.COMPLETE_MILESTONE, can_report_on_milestone)
rules.add_perm(perms.CHANGE_INDICATOR, can_change)
rules.add_perm(perms.CHANGE_SUPPORTACTIVITY, can_change)


@rules.predicate
def can_open_round(user, plan) -> bool:
    """A round follows up an active plan; its county's coordinators open it."""
    return plan is not None and plan.status == "active" and can_change(user, plan)


rules.add_perm(perms.ADD_FOLLOWUPROUND, can_open_round)
rules.add_perm(perms.VIEW_FOLLOWUPROUND, can_view)
rules.add_perm(perms.CHANGE_FOLLOWUPROUND, can_change)
rules.add_perm(perms.VIEW_ROUNDREQUEST, can_view)
rules.add_perm(perms.CHANGE_ROUNDREQUEST, can_change)
rules.add_perm(perms.REVIEW_PROGRESSUPDATE, can_change)
rules.add_perm(perms.VIEW_UPDATEATTACHMENT, can_view)
# The threads are the county's own conversation: whoever reads the measure (or the update) and is signed in.
rules.add_perm(perms.ADD_COMMENT, rules.is_authenticated & can_view)
rules.add_perm(perms.FOLLOW_MEASURE, rules.is_authenticated & can_view)
