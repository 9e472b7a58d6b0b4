"""The named permissions of the site itself, each ``portal.<verb>_<model>``.

Views and tests use these names; ``rules.py`` says who holds each.
"""

REQUEST_REPORT = "portal.request_report"  # obj: the County or the Municipality the report is about
RETRY_REPORT = "portal.retry_report"
# obj: the County whose people are managed (invitations, grants within it, deactivating accounts).
ADD_INVITATION = "portal.add_invitation"
CHANGE_GRANT = "portal.change_grant"
