"""What the second factor does when someone signs in."""

from .queries import has_second_factor
from .services import note_sign_in


def owe_step_at_sign_in(sender, request, user, **kwargs) -> None:
    """Every sign-in (password, identity provider, the admin site's form) owes the step to a person with an app."""
    if request is not None and hasattr(request, "session"):
        note_sign_in(request, user, has_second_factor(user))
