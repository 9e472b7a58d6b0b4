"""`make run` as a developer runs it: the page answers at once and a worker beside it builds the report.

The stack is started as `make run` starts it (``manage.py migrate``, ``load_demo``, then
``scripts/run_embedded.py``), with no REDIS_URL and DJANGO_ENV development, on a temporary SQLite
file, broker folder and media folder: never the developer's db.sqlite3, var/ or media/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests
from django.conf import settings
from django.utils import translation

from tests import parsed
from tests.worker import wait_for

BASE_DIR = Path(settings.BASE_DIR)
# The test run's own settings (Makefile TEST_ENV) are not the embedded default's.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DEBUG", "CELERY_TASK_DEFAULT_QUEUE", "MEDIA_ROOT"}
PASSWORD = "trygg-demo-2026"  # load_demo's


def swedish(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


QUEUED = swedish("The report is queued and starts as soon as a background worker is free.")
RUNNING = swedish("The report is being produced. This usually takes a few seconds.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Embedded:
    """The folder of one embedded stack: its environment, database, broker, media and log."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = folder / "db.sqlite3"
        self.media = folder / "media"
        self.broker = folder / "broker"
        self.log = folder / "run.log"
        self.env = {
            **{key: value for key, value in os.environ.items() if key not in NOT_INHERITED},
            "DATABASE_URL": f"sqlite:///{self.database}",
            "MEDIA_ROOT": str(self.media),
            "EMBEDDED_BROKER_DIR": str(self.broker),
            "PYTHONUNBUFFERED": "1",
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Path:
    """`make run`'s steps before the script, once: the database migrated, the reference data and the demo loaded."""
    stack = Embedded(tmp_path_factory.mktemp("embedded-demo"))
    stack.manage("migrate", "--noinput", "-v", "0")
    stack.manage("load_demo")
    assert not Path(f"{stack.database}-wal").exists()  # checkpointed when the last connection closed
    return stack.database


@pytest.fixture
def embedded(tmp_path, demo_database) -> Embedded:
    stack = Embedded(tmp_path)
    shutil.copyfile(demo_database, stack.database)
    return stack


@pytest.fixture
def running(embedded):
    """scripts/run_embedded.py on a free port (without the autoreloader: files change under a test run)."""
    with embedded.log.open("wb") as log:
        script = subprocess.Popen(
            [sys.executable, "scripts/run_embedded.py", "--noreload", f"127.0.0.1:{embedded.port}"],
            cwd=BASE_DIR,
            env=embedded.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: script.poll() is not None or answers(embedded.url), seconds=60)
        wait_for(lambda: script.poll() is not None or " ready." in embedded.log_text(), seconds=60)
        assert script.poll() is None, embedded.log_text()[-3000:]
        yield embedded, script
    finally:
        if script.poll() is None:
            children = descendants(script.pid)
            script.kill()
            for child in children:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
            script.wait()


def answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/accounts/login/", timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def csrf_token(page) -> str:
    return next(e.get("value") for e in parsed.elements(page, "input") if e.get("name") == "csrfmiddlewaretoken")


def sign_in(url: str, username: str) -> requests.Session:
    session = requests.Session()
    login = parsed.parse(session.get(f"{url}/accounts/login/", timeout=10).text)
    response = session.post(
        f"{url}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf_token(login), "username": username, "password": PASSWORD},
        headers={"Referer": f"{url}/accounts/login/"},
        timeout=10,
    )
    assert response.url == f"{url}/", response.url
    return session


def order_report(session: requests.Session, url: str) -> tuple[float, str, list[str]]:
    """Order a county report on the reports page, as the form offers it: (seconds, report page URL, messages)."""
    form_url = f"{url}/lan/12/rapporter/"
    form = parsed.parse(session.get(form_url, timeout=10).text)
    data = {
        "csrfmiddlewaretoken": csrf_token(form),
        "period_start": parsed.field(form, "Period från").get("value"),
        "period_end": parsed.field(form, "Period till").get("value"),
    }
    started = time.monotonic()
    response = session.post(form_url, data=data, headers={"Referer": form_url}, timeout=30)
    seconds = time.monotonic() - started
    assert response.status_code == 200
    assert "/rapporter/" in response.url, response.url
    return seconds, response.url, parsed.messages(parsed.parse(response.text))


def status_messages(session: requests.Session, report_url: str) -> list[str]:
    return parsed.messages(parsed.parse(session.get(f"{report_url}status/", timeout=10).text))


def test_make_run_answers_at_once_and_its_worker_builds_the_report(running):
    embedded, script = running
    session = sign_in(embedded.url, "lan.samordnare")

    # Two reports one after the other: the page answers at once, saying only that the report is queued
    # (the worker may already have taken it), while the worker and its beat write to the same SQLite file.
    first_seconds, first, first_messages = order_report(session, embedded.url)
    second_seconds, second, second_messages = order_report(session, embedded.url)
    assert first_seconds < 3, first_seconds
    assert second_seconds < 3, second_seconds
    assert first_messages in ([QUEUED], [RUNNING]), first_messages
    assert second_messages == [QUEUED], second_messages  # one worker: the second waits for the first

    # Polled as the page polls it: one message at a time until the worker has built each report.
    for report_url in (first, second):
        seen = []

        def done(report_url=report_url, seen=seen):
            messages = status_messages(session, report_url)
            assert len(messages) == 1, messages
            seen.append(messages[0])
            return messages[0].startswith("Rapporten är klar")

        wait_for(done, seconds=90, interval=0.5)
        assert RUNNING in seen or report_url == first, seen
        page = parsed.parse(session.get(report_url, timeout=10).text)
        link = next(e.get("href") for e in parsed.elements(page, "a") if parsed.text(e) == "Ladda ner rapporten (PDF)")
        download = session.get(f"{embedded.url}{link}", timeout=30)
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.content.startswith(b"%PDF")

    # Everything stayed in the test's folders.
    assert len(list((embedded.media / "reports").glob("*.pdf"))) == 2
    assert (embedded.broker / "queue").is_dir()
    log = embedded.log_text()
    assert "database is locked" not in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]

    # Ctrl-C stops everything the script started: the web server, the worker, its pool and its beat.
    children = descendants(script.pid)
    assert len(children) >= 4, [child.cmdline() for child in children]
    script.send_signal(signal.SIGINT)
    assert script.wait(timeout=60) == 0, embedded.log_text()[-3000:]
    _, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], [child.cmdline() for child in alive]
    assert not answers(embedded.url)


def test_when_the_worker_dies_the_web_server_is_stopped_too(running):
    embedded, script = running
    worker = next(child for child in psutil.Process(script.pid).children() if "celery" in " ".join(child.cmdline()))
    children = descendants(script.pid)

    worker.kill()

    assert script.wait(timeout=60) != 0
    _, alive = psutil.wait_procs(children, timeout=10)
    assert alive == [], [child.cmdline() for child in alive]
    assert "the worker stopped" in embedded.log_text()
    assert not answers(embedded.url)


def test_the_embedded_default_sends_jobs_to_a_broker_folder_never_running_them_in_the_request(tmp_path):
    """No REDIS_URL: the job a page starts is a message in the broker folder, for the worker to take."""
    embedded = Embedded(tmp_path)
    probe = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from portal.celery import app\n"
        "from portal.reports import tasks\n"
        "tasks.sweep_stuck_reports.delay()\n"
        "print(settings.CELERY_TASK_ALWAYS_EAGER, app.conf.broker_url, settings.DATABASES['default']['OPTIONS'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env={**embedded.env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    eager, broker, options = result.stdout.split(" ", 2)
    assert (eager, broker) == ("False", "filesystem://localhost/")
    assert "'transaction_mode': 'IMMEDIATE'" in options
    assert "journal_mode=WAL" in options
    (message,) = (embedded.broker / "queue").iterdir()
    assert message.name.endswith(".trygghetsportalen.msg")
