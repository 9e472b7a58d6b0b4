"""The people of a county: invitations, grants managed by the county's coordinators."""

# The session key under which the invitation page keeps the raw token of the invitation it shows, so
# that a sign-in through an identity provider from that page accepts it (``portal.sso``).
INVITATION_SESSION_KEY = "people.invitation"
