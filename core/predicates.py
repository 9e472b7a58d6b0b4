"""Predicates shared by every app's named permissions.

``can_view`` and ``can_change`` ask the object's own scoped queryset (see
``core.scoping``), so a permission and a list can never disagree about a row.
"""

import rules

from core.roles import Role
from core.scoping import in_scope, scope_for


def in_queryset(method: str):
    """A predicate: the object is in ``type(obj).objects.<method>(user)``, e.g. ``reportable_by``."""

    def check(user, obj) -> bool:
        return in_scope(user, obj, method)

    return rules.predicate(check, name=f"in_{method}")


can_view = in_queryset("visible_to")
can_change = in_queryset("editable_by")


def has_role(role: str):
    """A predicate that is true for users holding ``role`` anywhere."""

    def check(user) -> bool:
        scope = scope_for(user)
        return {
            Role.NATIONAL_ADMIN: scope.national,
            Role.COUNTY_COORDINATOR: bool(scope.coordinator_counties),
            Role.STEERING_GROUP: bool(scope.steering_counties),
            Role.MUNICIPAL_OFFICER: bool(scope.officer_municipalities),
            Role.ACTOR_CONTACT: bool(scope.actor_ids),
        }[role]

    return rules.predicate(check, name=f"has_role_{role}")


is_national_admin = has_role(Role.NATIONAL_ADMIN)
is_county_coordinator = has_role(Role.COUNTY_COORDINATOR)
is_steering_group_member = has_role(Role.STEERING_GROUP)
is_municipal_officer = has_role(Role.MUNICIPAL_OFFICER)
is_actor_contact = has_role(Role.ACTOR_CONTACT)
