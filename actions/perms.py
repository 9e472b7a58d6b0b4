"""The named permissions of actions, each ``actions.<verb>_<model>``.

Views and tests use these names; ``rules.py`` says who holds each. Where the object checked is
not an instance of the model named, the comment says what it is.
"""

VIEW_ACTOR = "actions.view_actor"
CHANGE_ACTOR = "actions.change_actor"
ADD_ACTOR = "actions.add_actor"  # obj: the County that gets an actor of its own
ADD_ACTIONPLAN = "actions.add_actionplan"  # obj: the County
VIEW_ACTIONPLAN = "actions.view_actionplan"
CHANGE_ACTIONPLAN = "actions.change_actionplan"
VIEW_MEASURE = "actions.view_measure"
CHANGE_MEASURE = "actions.change_measure"
ADD_PROGRESSUPDATE = "actions.add_progressupdate"  # obj: the Measure reported on
COMPLETE_MILESTONE = "actions.complete_milestone"
CHANGE_INDICATOR = "actions.change_indicator"
ADD_SUPPORTACTIVITY = "actions.add_supportactivity"  # obj: the County
CHANGE_SUPPORTACTIVITY = "actions.change_supportactivity"
ADD_PROGRESSSTATUS = "actions.add_progressstatus"  # obj: the County whose list of statuses grows
