"""Session fixtures for the resilience tests: private servers, collected static files, a migrated demo database.

Nothing here uses pytest-django's test database: the portal under test is separate processes
(gunicorn, Celery) on a private PostgreSQL cluster, and the tests read that database with psycopg.
"""

import os
import uuid

import pytest

from tests.resilience.stack import Portal, PrivatePostgres, PrivateRedis, collect_static, manage, production_env

TEMPLATE_DB = "resilience_template"


@pytest.fixture(scope="session")
def postgres():
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def static_root():
    return collect_static()


@pytest.fixture(scope="session")
def demo_template(postgres):
    """A database with the migrations, the reference data and the demo scenario: each test copies it."""
    postgres.create_database(TEMPLATE_DB)
    env = {**os.environ, **production_env(), "DATABASE_URL": postgres.url(TEMPLATE_DB), "REDIS_URL": ""}
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo")
    # Coordinators and administrators pass the second step in production: their authenticator apps.
    manage(env, "shell", "-c", "from tests.resilience.web import add_authenticator_apps; add_authenticator_apps()")
    return TEMPLATE_DB


@pytest.fixture
def portal_db(postgres, demo_template):
    """A fresh copy of the demo database for one test: its name."""
    return postgres.create_database(f"resilience_{uuid.uuid4().hex[:10]}", template=demo_template)


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def start_portal(tmp_path, postgres, portal_db, redis_server, static_root, request):
    """Start the portal (gunicorn + worker [+ beat]) on this test's database and Redis; stopped after the test."""
    started = []

    def start(name: str = "portal", **options) -> Portal:
        folder = tmp_path / name
        folder.mkdir()
        portal = Portal(
            folder,
            database_url=postgres.url(portal_db),
            redis_url=redis_server.url,
            static_root=static_root,
            **options,
        )
        started.append(portal)
        return portal

    yield start
    for portal in started:
        portal.stop()
        if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
            print(portal.logs())  # noqa: T201 - the servers' side of a failed test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
