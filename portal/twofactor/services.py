"""Every write of the second factor: the passed step, enrolment, recovery codes and reset."""

import django_otp

from .queries import VERIFIED_SESSION_KEY

METHODS = ("totp", "recovery", "provider")


def mark_verified(request, method: str, *, device=None) -> None:
    """Mark this session's second step as done by ``method`` ("totp", "recovery" or "provider").

    Call it after ``django.contrib.auth.login`` (which may start a fresh session). ``device``,
    the django-otp device that accepted the code, is also remembered by django-otp itself;
    "provider" (an identity provider that asserted multi-factor) has none.
    """
    if method not in METHODS:
        raise ValueError(f"unknown second-factor method {method!r}")
    request.session[VERIFIED_SESSION_KEY] = {"user": request.user.pk, "method": method}
    if device is not None:
        django_otp.login(request, device)
