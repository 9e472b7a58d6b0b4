"""Reads of single sign-on: whether a person may use a password, and the providers' buttons."""

from __future__ import annotations

from .models import SignInPolicy


def password_sign_in_allowed(user) -> bool:
    """False when one of the person's roles has password sign-in turned off (``SignInPolicy``):
    they sign in through their organisation's identity provider."""
    return not SignInPolicy.objects.filter(password_allowed=False, role__in=user.grants.values("role")).exists()
