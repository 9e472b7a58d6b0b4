"""Fixtures of the deployment tests: an object store on loopback, and this process's storage in a bucket of it."""

import os
import sys

import pytest
import requests
from django.conf import settings

from tests.deployment.objectstore import ObjectStoreServer, use_bucket
from tests.resilience.stack import Service, free_port, production_env
from tests.worker import _database_url


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """One object store for the session's tests that only use it."""
    server = ObjectStoreServer(tmp_path_factory.mktemp("objectstore"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_object_store(tmp_path):
    """An object store of this test's own, which the test may stop and start."""
    server = ObjectStoreServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bucket(settings, object_store) -> str:
    """This test's files in a fresh bucket of the session's object store: the bucket's name."""
    return use_bucket(settings, object_store)


@pytest.fixture
def gunicorn(tmp_path, transactional_db):
    """``start(**env)``: gunicorn as the production image runs it, on this test's database unless overridden."""
    started = []

    def start(**env: str) -> str:
        port = free_port()
        environment = {
            **os.environ,
            **production_env(),
            # Not the host the probe uses: the check must answer whatever host it is asked by.
            "ALLOWED_HOSTS": "trygghetsportalen.example.se",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "DATABASE_POOL_TIMEOUT": "3",
            **env,
        }
        argv = [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        service = Service(
            "gunicorn", [*argv, "--workers", "1", "--no-control-socket"], tmp_path / f"{port}.log", environment
        )
        started.append(service)
        url = f"http://127.0.0.1:{port}"

        def listening() -> bool:
            try:
                requests.get(url + "/healthz", timeout=10)
            except requests.ConnectionError:
                return False
            return True

        service.wait_for(listening, 60, "gunicorn to listen")
        return url

    yield start
    for service in started:
        service.stop()
