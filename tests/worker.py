"""A real Celery worker process for tests that need one.

The worker runs ``celery -A portal worker`` against the test database and the Redis
broker of the test run. Tests that use it must commit their data (``transactional_db``),
since the worker reads the database from another process.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start one worker for the session; yield the folder it writes e-mail files to."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL and CELERY_TASK_ALWAYS_EAGER=false: run them with `make test`.")
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("worker-media")),
    }
    log = tmp_path_factory.mktemp("worker-log") / "worker.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                queue,
                "-n",
                f"test-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(process, log)
        yield mail_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_ready(process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        if "ready." in log.read_text():
            return
        time.sleep(0.3)
    pytest.fail(f"The Celery worker did not become ready in {seconds} s:\n{log.read_text()[-3000:]}")


def wait_for(predicate, seconds: float = 30, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"Gave up waiting after {seconds} s for {getattr(predicate, '__name__', predicate)}")
