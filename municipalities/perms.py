"""The named permissions of municipalities, each ``municipalities.<verb>_<model>``.

Views and tests use these names; ``rules.py`` says who holds each.
"""

VIEW_COUNTY = "municipalities.view_county"
CHANGE_COUNTY = "municipalities.change_county"
VIEW_MUNICIPALITY = "municipalities.view_municipality"
CHANGE_MUNICIPALITY = "municipalities.change_municipality"
DELETE_COMPLIANCEDOCUMENT = "municipalities.delete_compliancedocument"
# No object: who may open the import page; each row is then checked against what the user may change.
IMPORT_KEYFIGURE = "municipalities.import_keyfigure"
# The county's coordinators choose the kinds the county follows and fetch them from the sources.
CHANGE_FOLLOWEDKEYFIGURE = "municipalities.change_followedkeyfigure"
# ... and review and save what an import fetched.
CHANGE_KEYFIGUREIMPORT = "municipalities.change_keyfigureimport"
