"""The people of a county: invitations, grants managed by the county's coordinators."""
