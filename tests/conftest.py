"""Fixtures shared by every test: the two-county world, one user per role, the worker.

The world has an own county (Skåne, 12) and a foreign one (Stockholm, 01). Every role's
user works in Skåne; ``foreign`` objects lie in Stockholm.
"""

import os
from dataclasses import dataclass

import pytest

from core.roles import Role
from tests.factories import ActorFactory, CountyFactory, GrantFactory, MunicipalityFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# the test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.worker", "tests.browser.fixtures"]

ROLES = [r.value for r in Role]
ANONYMOUS = "anonymous"


@dataclass
class World:
    own_county: object
    foreign_county: object
    own_municipality: object
    neighbour_municipality: object
    foreign_municipality: object
    own_actor: object
    foreign_actor: object
    police: object
    users: dict

    def user(self, role: str):
        return self.users[role]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing test passwords with PBKDF2 would cost a second for every world of five users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    skane = CountyFactory(code="12", name="Skåne län", short_name="Skåne")
    stockholm = CountyFactory(code="01", name="Stockholms län", short_name="Stockholm")
    lund = MunicipalityFactory(code="1281", name="Lund", county=skane)
    hassleholm = MunicipalityFactory(code="1293", name="Hässleholm", county=skane)
    solna = MunicipalityFactory(code="0184", name="Solna", county=stockholm)
    police = ActorFactory(name="Polisen", county=None)
    region = ActorFactory(name="Region Skåne", county=skane)
    foreign_actor = ActorFactory(name="Region Stockholm", county=stockholm)

    users = {
        Role.COUNTY_COORDINATOR: GrantFactory(
            user=UserFactory(username="samordnare", first_name="Karin"), role=Role.COUNTY_COORDINATOR, county=skane
        ).user,
        Role.MUNICIPAL_OFFICER: GrantFactory(
            user=UserFactory(username="kommun", first_name="Annica"), role=Role.MUNICIPAL_OFFICER, municipality=lund
        ).user,
        Role.ACTOR_CONTACT: GrantFactory(
            user=UserFactory(username="polis", first_name="Veronica"),
            role=Role.ACTOR_CONTACT,
            actor=police,
            county=skane,
        ).user,
        Role.STEERING_GROUP: GrantFactory(
            user=UserFactory(username="styrgrupp", first_name="Henrik"), role=Role.STEERING_GROUP, county=skane
        ).user,
        Role.NATIONAL_ADMIN: GrantFactory(
            user=UserFactory(username="admin", first_name="Malin", is_staff=True, is_superuser=True),
            role=Role.NATIONAL_ADMIN,
        ).user,
    }
    return World(
        own_county=skane,
        foreign_county=stockholm,
        own_municipality=lund,
        neighbour_municipality=hassleholm,
        foreign_municipality=solna,
        own_actor=region,
        foreign_actor=foreign_actor,
        police=police,
        users={str(k): v for k, v in users.items()},
    )


@pytest.fixture
def county_coordinator(world):
    return world.user(Role.COUNTY_COORDINATOR)


@pytest.fixture
def municipal_officer(world):
    return world.user(Role.MUNICIPAL_OFFICER)


@pytest.fixture
def actor_contact(world):
    return world.user(Role.ACTOR_CONTACT)


@pytest.fixture
def steering_member(world):
    return world.user(Role.STEERING_GROUP)


@pytest.fixture
def national_admin(world):
    return world.user(Role.NATIONAL_ADMIN)
