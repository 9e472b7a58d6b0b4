import rules

from core.predicates import can_change, can_view, in_queryset

can_report = in_queryset("reportable_by")


@rules.predicate
def can_report_on_milestone(user, milestone) -> bool:
    return milestone is not None and can_report(user, milestone.measure)


rules.add_perm("actions.view_actor", can_view)
rules.add_perm("actions.change_actor", can_change)
# Adding an actor of its own to a county (obj is the County): its coordinators. National actors are
# the administrators' (the admin site); a coordinator changes only the county's own (change_actor).
rules.add_perm("actions.add_actor", can_change)
# Creating plans and support activities of a county, and extending its list of statuses: obj is the County.
rules.add_perm("actions.manage_county_plans", can_change)
rules.add_perm("actions.view_actionplan", can_view)
rules.add_perm("actions.change_actionplan", can_change)
rules.add_perm("actions.view_measure", can_view)
rules.add_perm("actions.change_measure", can_change)
rules.add_perm("actions.report_progress", can_report)
rules.add_perm("actions.complete_milestone", can_report_on_milestone)
rules.add_perm("actions.change_indicator", can_change)
rules.add_perm("actions.change_supportactivity", can_change)
