"""Fixtures shared by every test: the two-county world, one user per role, a client signed in as one, the worker.

The world has an own county (Skåne, 12) and a foreign one (Stockholm, 01). Every role's
user works in Skåne; ``foreign`` objects lie in Stockholm. The worlds are built in
``tests/worlds.py``; shared helper functions are in ``tests/helpers.py``.
"""

import os
from functools import partial

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from core.roles import Role
from tests.helpers import signed_in
from tests.worlds import World, base_world

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# the test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.worker", "tests.smtp", "tests.browser.fixtures", "tests.oidc"]

ROLES = [r.value for r in Role]
ANONYMOUS = "anonymous"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing test passwords with PBKDF2 would cost a second for every world of five users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sessions_made_like_a_request(monkeypatch):
    """The test client's sign-in (``force_login``) makes a session outside any request, knowing no browser
    or address; a sign-in through a request stores the request's. Give such a session what the test
    client's requests carry (127.0.0.1, no browser), so that a page's first request does not write the
    session just to note them (a query count would include that write)."""
    from portal.sessions import SessionStore

    made = SessionStore.__init__

    def init(self, session_key=None, user_agent=None, ip=None):
        made(self, session_key, "" if user_agent is None else user_agent, "127.0.0.1" if ip is None else ip)

    monkeypatch.setattr(SessionStore, "__init__", init)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request in English (the language switch) leaves
    English active in the test's thread, as the middleware activates a request's language for the
    rest of the response, streamed exports included."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def world(db) -> World:
    """The shared world (``tests/worlds.py``); a package's or module's ``world`` fixture grows it."""
    return base_world()


@pytest.fixture
def client_as(client, world):
    """``client_as(role)``: the test client signed in as the world's user of ``role`` (a ``Role`` or its value).

    It is the ``client`` fixture itself, signed in afresh on every call: the last call wins, as with
    ``client.force_login``.
    """
    return partial(signed_in, client, world)


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
