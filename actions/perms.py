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
ADD_FOLLOWUPROUND = "actions.add_followupround"  # obj: the ActionPlan the round follows up
VIEW_FOLLOWUPROUND = "actions.view_followupround"
CHANGE_FOLLOWUPROUND = "actions.change_followupround"  # extend, remind, close, reopen
VIEW_ROUNDREQUEST = "actions.view_roundrequest"
CHANGE_ROUNDREQUEST = "actions.change_roundrequest"  # fill in the update, hand it over
REVIEW_PROGRESSUPDATE = "actions.review_progressupdate"
VIEW_UPDATEATTACHMENT = "actions.view_updateattachment"
ADD_COMMENT = "actions.add_comment"  # obj: the Measure or the ProgressUpdate whose thread it joins
FOLLOW_MEASURE = "actions.follow_measure"
