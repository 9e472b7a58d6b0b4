"""The permission matrix: every role against own and foreign objects, for every URL.

Each app's rows, one ``Row`` per URL pattern of the app, are in ``tests/matrix_rows/<app>.py``;
the app's ``test_permission_matrix.py`` runs ``matrix_cases(rows)`` through ``check_row``, and
``uncovered(namespace, rows)`` makes sure no URL pattern of the app is left out. Expected
statuses are given per role, with ``expect()`` filling in a default so a row stays short:

    Row("municipalities:municipality_detail",
        kwargs=lambda world, side: {"code": world.municipality(side).code},
        own=expect(200, anonymous=302),
        foreign=expect(404, anonymous=302))

Besides the roles, every row is also requested by two users no matrix names: an inactive
user (a Skåne coordinator whose account was switched off), who must fare exactly as an
anonymous visitor, and a signed-in user without any grant, who sees no object at all (404
wherever the URL names one; rows without an object say what they get with ``no_role``).
A row may also have a ``draft`` side: the app's world (``tests/worlds.py``) then holds
``draft_<attribute>`` objects next to ``own_<attribute>`` and ``foreign_<attribute>`` ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLResolver, get_resolver, reverse

from core.roles import Role

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *(r.value for r in Role)]
SIDES = ("own", "foreign")
INACTIVE = "inactive"
NO_ROLE = "no_role"


def expect(default: int, **per_role: int) -> dict[str, int]:
    """Expected status for every role: ``default`` unless the role is named."""
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles in matrix row: {sorted(unknown)}")
    return {role: per_role.get(role, default) for role in ROLES}


@dataclass(frozen=True)
class Row:
    name: str
    own: dict[str, int]
    foreign: dict[str, int] | None = None
    kwargs: Callable | None = None
    method: str = "get"
    data: Callable | None = field(default=None)
    draft: dict[str, int] | None = None
    # What a signed-in user without any grant gets; only needed where the URL names no object
    # (a side's dict may also name NO_ROLE, e.g. for public objects).
    no_role: int | None = None

    def sides(self) -> tuple[str, ...]:
        sides = SIDES if self.foreign is not None else ("own",)
        return (*sides, "draft") if self.draft is not None else sides

    def expected(self, side: str) -> dict[str, int]:
        """Every role's status, plus the inactive and the grant-less user's."""
        expected = {"own": self.own, "foreign": self.foreign, "draft": self.draft}[side]
        if self.no_role is None and self.kwargs is None:
            raise ValueError(f"{self.name}: say with no_role= what a user without grants gets")
        no_role = 404 if self.no_role is None else self.no_role
        return {INACTIVE: expected[ANONYMOUS], NO_ROLE: no_role, **expected}


def matrix_cases(rows: list[Row]) -> list:
    """One test case per URL and side; each case walks every role (one world per case)."""
    return [pytest.param(row, side, id=f"{row.name}-{side}") for row in rows for side in row.sides()]


def check_row(client, world, row: Row, side: str) -> None:
    """Request the row's URL as every role; fail listing every role that got another status."""
    kwargs = row.kwargs(world, side) if row.kwargs else None
    url = reverse(row.name, kwargs=kwargs)
    expected = row.expected(side)
    wrong = []
    for role in expected:
        client.logout()
        if role != ANONYMOUS:
            client.force_login(extra_user(world, role) if role in (INACTIVE, NO_ROLE) else world.user(role))
        data = row.data(world, side) if row.data else None
        status = getattr(client, row.method)(url, data).status_code
        if status != expected[role]:
            wrong.append(f"{role}: got {status}, expected {expected[role]}")
    assert not wrong, f"{row.method.upper()} {url} ({side} object):\n" + "\n".join(wrong)


def extra_user(world, kind: str):
    """The inactive or the grant-less user of ``world``, created on first use."""
    from tests.factories import GrantFactory, UserFactory

    users = world.extra_users
    if kind not in users:
        if kind == INACTIVE:
            users[kind] = UserFactory(username="inaktiv", is_active=False)
            GrantFactory(user=users[kind], role=Role.COUNTY_COORDINATOR, county=world.own_county)
        else:
            users[kind] = UserFactory(username="utan-roll")
    return users[kind]


def url_names() -> set[str]:
    """Every named URL of the site, as ``namespace:name``."""
    names: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif pattern.name:
                names.add(f"{prefix}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def uncovered(namespace: str, rows: list[Row]) -> set[str]:
    """URL names of ``namespace`` that no row covers."""
    return {name for name in url_names() if name.startswith(f"{namespace}:")} - {row.name for row in rows}
