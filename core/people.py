"""Who holds a role where, for the apps beneath the site.

The grants live with the user model in ``portal`` (which owns ``AUTH_USER_MODEL``); the
foundation reads them through the configured user model, never by importing ``portal``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet


def grant_model() -> type[Model]:
    """The grant model, as the user model's ``grants`` relation names it."""
    return get_user_model()._meta.get_field("grants").related_model


def reachable_grants(role: str, **scope: object) -> QuerySet:
    """The grants of ``role`` (filtered by ``scope``, e.g. ``municipality_id__in=...``) held by active
    users with an e-mail address, with their user: the people an e-mail about it can reach."""
    return (
        grant_model()
        .objects.filter(role=role, user__is_active=True, **scope)
        .exclude(user__email="")
        .select_related("user")
    )
