"""The named permissions of agreements, each ``agreements.<verb>_<model>``.

Views and tests use these names; ``rules.py`` says who holds each. Where the object checked is
not an instance of the model named, the comment says what it is.
"""

ADD_COOPERATIONAGREEMENT = "agreements.add_cooperationagreement"  # obj: the Municipality
VIEW_COOPERATIONAGREEMENT = "agreements.view_cooperationagreement"
CHANGE_COOPERATIONAGREEMENT = "agreements.change_cooperationagreement"
ADD_CITIZENPLEDGE = "agreements.add_citizenpledge"  # obj: the Municipality
VIEW_CITIZENPLEDGE = "agreements.view_citizenpledge"
CHANGE_CITIZENPLEDGE = "agreements.change_citizenpledge"
ADD_FOLLOWUP = "agreements.add_followup"  # obj: the pledge or agreement followed up
ADD_QUALITYREVIEW = "agreements.add_qualityreview"  # obj: the pledge or agreement reviewed
ADD_FOCUSAREA = "agreements.add_focusarea"  # obj: the County whose list of focus areas grows
ADD_MUNICIPALROUND = "agreements.add_municipalround"  # obj: the County whose municipalities are asked
VIEW_MUNICIPALROUND = "agreements.view_municipalround"
CHANGE_MUNICIPALROUND = "agreements.change_municipalround"  # extend, remind, close, reopen
VIEW_MUNICIPALREQUEST = "agreements.view_municipalrequest"
CHANGE_MUNICIPALREQUEST = "agreements.change_municipalrequest"  # fill in the follow-up, hand it over
REVIEW_FOLLOWUP = "agreements.review_followup"
