"""A real Celery worker process for tests that need one.

The worker runs ``celery -A portal worker`` against the test database and the Redis
broker of the test run. Tests that use it must commit their data (``transactional_db``),
since the worker reads the database from another process.
"""

import os
import re
import subprocess
import sys
import time
import uuid
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


# The log file of each worker started here, by the folder it writes e-mail to, so that a test
# can see what that worker did with a task (``task_results``).
WORKER_LOGS: dict[Path, Path] = {}
# The session worker's MEDIA_ROOT, by its mail folder: files it writes (reports) are read from there.
WORKER_MEDIA: dict[Path, Path] = {}


def start_worker(
    env_overrides: dict[str, str],
    mail_dir: Path,
    log_path: Path,
    *,
    name: str = "",
    smtp: tuple[str, int] | None = None,
) -> subprocess.Popen:
    """Start ``celery -A portal worker`` on the test database and wait until it is ready.

    It consumes ``CELERY_TASK_DEFAULT_QUEUE`` (from ``env_overrides``, else the test run's
    queue) with the solo pool, writes e-mail as files into ``mail_dir`` and its output to
    ``log_path``. Stop it with ``stop_worker``. With ``smtp`` (host, port), as the
    ``smtp_server`` fixture's ``address`` of ``tests/smtp.py``, it sends e-mail over SMTP to that
    server instead of writing files.
    """
    if smtp is None:
        mail_env = {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        }
    else:
        host, port = smtp
        mail_env = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": host,
            "EMAIL_PORT": str(port),
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": "false",
        }
    # The queue named in the overrides, else this test's (the settings', which ``private_queue``
    # changes), never the one inherited from the environment.
    queue = env_overrides.get("CELERY_TASK_DEFAULT_QUEUE") or settings.CELERY_TASK_DEFAULT_QUEUE
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        **mail_env,
        **env_overrides,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    with log_path.open("wb") as log_file:
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
                f"test-{os.getpid()}{name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    WORKER_LOGS[mail_dir] = log_path
    try:
        _wait_until_ready(process, log_path)
    except BaseException:
        stop_worker(process)
        raise
    return process


def stop_worker(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM: the task at hand is finished first); killed if that takes over 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def _session_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start one worker for the session; yield the folder it writes e-mail files to."""
    if not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL: run them with `make test`.")
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    media_dir = tmp_path_factory.mktemp("worker-media")
    WORKER_MEDIA[mail_dir] = media_dir
    env = {"MEDIA_ROOT": str(media_dir)}
    log = tmp_path_factory.mktemp("worker-log") / "worker.log"
    process = start_worker(env, mail_dir, log)
    try:
        yield mail_dir
    finally:
        stop_worker(process)


@pytest.fixture(scope="session")
def _unconsumed_queue():
    """The queue that a test which does not ask for the session's worker sends its jobs to: no worker
    consumes it, so a job that a page of such a test enqueues (a browser test opening a round) is not
    run by the session's worker while the test ends and its tables are emptied. Deleted at the end."""
    name = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-unconsumed"
    yield name
    if settings.REDIS_URL:
        delete_queue(name)


def delete_queue(name: str, broker: str | None = None) -> None:
    """Remove a queue of the test run's Redis (or of ``broker``), with its messages and its exchange's
    bindings. (kombu's ``queue_delete`` removes only what this process has declared itself.)
    """
    with celery_app.connection_for_write(broker) as conn:
        channel = conn.default_channel
        channel.queue_purge(name)
        channel.client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


@pytest.fixture(autouse=True)
def _jobs_only_to_a_worker_asked_for(request, _unconsumed_queue):
    """Outside the tests that use the session's worker, jobs go to a queue no worker consumes."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    settings_fixture = request.getfixturevalue("settings")
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = _unconsumed_queue
    settings_fixture.CELERY_TASK_DEFAULT_QUEUE = _unconsumed_queue
    try:
        yield
    finally:
        celery_app.conf.task_default_queue = previous


# "[…: INFO/MainProcess] Task portal.tasks.build_report[<id>] received"
_RECEIVED_LINE = re.compile(r"Task [\w.]+\[(?P<id>[\w-]+)\] received$", re.M)


@pytest.fixture
def celery_worker(_session_worker, transactional_db):
    """The session's worker, for a test that commits its data; yields the folder it writes e-mail to.

    When the test ends, it waits until the worker has finished every job it has taken (a test may
    have what it checks before the job's last query), so the job never meets the emptying of the
    tables that ends the test (a deadlock in the job otherwise).
    """
    yield _session_worker
    log = WORKER_LOGS[_session_worker]

    def idle() -> bool:
        text = log.read_text(errors="replace")
        finished = {match["id"] for match in _TASK_LINE.finditer(text)}
        return {match["id"] for match in _RECEIVED_LINE.finditer(text)} <= finished

    wait_for(idle, seconds=60)


@pytest.fixture
def private_queue(settings):
    """Send the jobs this test enqueues to a queue of its own, which the session's worker does not
    consume: the test runs them itself, or starts its own worker (``start_worker`` takes the queue
    from the settings). Yields the queue's name; the queue is deleted afterwards."""
    previous = celery_app.conf.task_default_queue
    queue = f"{previous}-{uuid.uuid4().hex[:10]}"
    celery_app.conf.task_default_queue = queue
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    try:
        yield queue
    finally:
        celery_app.conf.task_default_queue = previous
        delete_queue(queue)


@pytest.fixture
def live_worker(smtp_server, live_server, tmp_path, settings, private_queue):
    """A worker process on a queue of the test's own (the session's worker would take the jobs
    otherwise) that e-mails the SMTP server (``tests/smtp.py``) with links to the live server, and
    writes files (reports) where the live server reads them. Yields its log (``task_results``)."""
    if not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL: run them with `make test`.")
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    settings.MEDIA_ROOT = media
    log = tmp_path / "live-worker.log"
    env = {"MEDIA_ROOT": str(media), "SITE_URL": live_server.url}
    process = start_worker(env, tmp_path / "unused-mail", log, name="-live", smtp=smtp_server.address)
    try:
        yield log
    finally:
        stop_worker(process)


@pytest.fixture
def worker_media(celery_worker, settings) -> Path:
    """Serve, in this test, the files the session worker writes: the same MEDIA_ROOT as the worker."""
    settings.MEDIA_ROOT = WORKER_MEDIA[celery_worker]
    return settings.MEDIA_ROOT


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


# "Task agreements.tasks.x[<id>] succeeded in 0.01s: 3" (Celery's INFO line for a finished task).
_TASK_LINE = re.compile(r"Task [\w.]+\[(?P<id>[\w-]+)\] (?:succeeded in [\d.e-]+s: (?P<value>.*)|raised .*)$", re.M)


def task_results(*logs: Path) -> dict[str, str]:
    """The tasks the workers writing ``logs`` have finished: task id → return value as logged.

    A task that raised fails the test at once, with the worker's log.
    """
    results = {}
    for log in logs:
        text = log.read_text(errors="replace")
        for match in _TASK_LINE.finditer(text):
            if match["value"] is None:
                pytest.fail(f"Task {match['id']} failed in the worker:\n{text[-3000:]}")
            results[match["id"]] = match["value"]
    return results
