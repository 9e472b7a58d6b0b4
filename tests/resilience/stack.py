"""Private servers for the resilience tests: a PostgreSQL cluster, a Redis server, and the portal itself.

The tests stop, restart and starve these servers, so none of them is the machine's shared
PostgreSQL or Redis: each is started here on a free loopback port in a temporary folder and
stopped afterwards. The portal runs as in production (``Dockerfile``): gunicorn with
``DJANGO_ENV=production``, a Celery worker and, where a test needs the periodic sweep, Celery beat.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
import requests

from tests.resilience.web import LOGIN_PATH, PROXY_HEADERS
from tests.worker import wait_for

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


# The machine's own PostgreSQL and Redis listen here: a private server never takes one of them, even
# where the ephemeral range the system hands out (net.ipv4.ip_local_port_range) reaches down to them.
STANDARD_PORTS = frozenset({5432, 6379})


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in STANDARD_PORTS:
            return port


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


# --- processes with their output in a log file ------------------------------------------------------------------


class Service:
    """A child process whose output a thread copies into ``log``.

    The output goes through a pipe, not straight into the file, so that a process started with a
    file size limit (``RLIMIT_FSIZE``) is limited in what it stores, not in what it logs.
    """

    def __init__(self, name: str, argv: list[str], log: Path, env: dict[str, str], *, preexec_fn=None, user=None):
        self.name, self.log = name, log
        self.process = subprocess.Popen(
            argv,
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=preexec_fn,  # noqa: PLW1509 - only resource limits, set before exec
            user=user,
            start_new_session=True,
        )
        self._copier = threading.Thread(target=self._copy, daemon=True)
        self._copier.start()

    def _copy(self) -> None:
        with self.log.open("ab") as out:
            for line in self.process.stdout:
                out.write(line)
                out.flush()

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, chars: int = 4000) -> str:
        return f"--- {self.name} ({self.log}) ---\n{self.text()[-chars:]}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for(self, predicate: Callable[[], object], seconds: float, what: str):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                pytest.fail(f"{self.name} exited with {self.process.returncode} before {what}:\n{self.tail()}")
            if predicate():
                return
            time.sleep(0.3)
        pytest.fail(f"{self.name}: gave up after {seconds:.0f} s waiting for {what}:\n{self.tail()}")

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM (gunicorn and Celery shut down warmly), SIGKILL to the process group after ``timeout``."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._copier.join(timeout=5)


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def postgres_bindir() -> Path:
    """The folder with initdb, pg_ctl and postgres; fails the test saying what is missing."""
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if found:
            candidates.append(Path(found))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    pytest.fail(
        "The resilience tests start a private PostgreSQL server and need its programs initdb, pg_ctl and "
        "postgres (Debian: apt-get install postgresql); none found via pg_config --bindir or in "
        f"/usr/lib/postgresql/*/bin (looked in: {', '.join(map(str, candidates)) or 'nowhere'})."
    )


class PrivatePostgres:
    """A PostgreSQL cluster of its own (trust authentication, loopback only) that a test may restart.

    PostgreSQL refuses to run as root; as root, the cluster runs as the ``postgres`` system user.
    """

    def __init__(self) -> None:
        self.bindir = postgres_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="resilience-pg-"))
        self.data, self.sockets, self.log = self.root / "data", self.root / "sockets", self.root / "server.log"
        self.sockets.mkdir()
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("Running as root, the private PostgreSQL server needs a 'postgres' system user to run as.")
            self.user = account.pw_name
            self.root.chmod(0o755)
            for path in (self.root, self.sockets):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(self.bindir / program), *args],
            capture_output=True,
            text=True,
            user=self.user,
            check=False,
            timeout=120,
        )
        if check and result.returncode:
            pytest.fail(f"{program} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{self.server_log()}")
        return result

    def server_log(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c max_connections=150 "
            "-c shared_buffers=32MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop", check=False)

    def restart(self) -> None:
        """A fast restart: every connection is cut, the server is back once the command returns."""
        # With its log file: a server that inherited pg_ctl's captured output would keep that pipe open.
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


# --- Redis ------------------------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of its own on a free port, stopped and started again by the tests."""

    def __init__(self, folder: Path) -> None:
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self.binary).is_file():
            pytest.fail("The resilience tests start a private Redis server and need redis-server (apt: redis-server).")
        self.folder, self.port, self.service = folder, free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.folder)]
        self.service = Service("redis-server", argv, self.folder / "redis.log", dict(os.environ))
        self.service.wait_for(lambda: answers(self.port), 20, "Redis to answer")

    def stop(self) -> None:
        if self.service:
            self.service.stop()
            self.service = None

        def redis_stopped_answering() -> bool:
            return not answers(self.port)

        wait_for(redis_stopped_answering, seconds=10)


# --- the portal -------------------------------------------------------------------------------------------------


def _static_inputs_digest() -> str:
    """A digest of what collectstatic reads: the project's static folder and the pinned packages."""
    digest = hashlib.sha256()
    for path in [
        BASE_DIR / "requirements.lock",
        BASE_DIR / "package-lock.json",
        *sorted((BASE_DIR / "static").rglob("*")),
    ]:
        if path.is_file():
            digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def collect_static() -> Path:
    """What the production image does at build time: the manifest and compressed copies WhiteNoise serves.

    Compressing every file takes minutes on a small machine, so the result is kept in the temporary
    folder under a digest of its inputs and reused while they are unchanged.
    """
    folder = Path(tempfile.gettempdir()) / f"trygghetsportalen-static-{_static_inputs_digest()}"
    if (folder / "staticfiles.json").is_file():
        return folder
    building = Path(tempfile.mkdtemp(prefix="trygghetsportalen-static-build-"))
    env = {**os.environ, **production_env(), "STATIC_ROOT": str(building), "DATABASE_URL": "sqlite:////tmp/unused"}
    result = subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        shutil.rmtree(building, ignore_errors=True)
        pytest.fail(f"collectstatic failed:\n{result.stdout}\n{result.stderr}")
    try:
        building.rename(folder)
    except OSError:  # another run finished first: use its copy
        shutil.rmtree(building, ignore_errors=True)
    return folder


def production_env() -> dict[str, str]:
    """Production settings exactly as shipped; only the host and a random key are this test's."""
    return {
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if result.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def file_size_limit(limit: int):
    """A ``preexec_fn``: files this process writes stop growing at ``limit`` bytes (EFBIG, as a full disk)."""

    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write() instead of a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


class Portal:
    """gunicorn (3 workers × 4 threads, as the 2-core machine allows) and a Celery worker, optionally beat."""

    def __init__(
        self,
        folder: Path,
        *,
        database_url: str,
        redis_url: str,
        static_root: Path,
        extra_env: dict[str, str] | None = None,
        beat: bool = False,
        file_size_limit_bytes: int | None = None,
        workers: int = 3,
        threads: int = 4,
    ) -> None:
        self.folder = folder
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.media = folder / "media"
        self.media.mkdir(parents=True, exist_ok=True)
        self.mail = folder / "mail"
        self.mail.mkdir(exist_ok=True)
        self.queue = f"resilience-{uuid.uuid4().hex[:10]}"
        self.env = {
            **os.environ,
            **production_env(),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(self.media),
            "SITE_URL": self.base_url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            # Each process's pool: 3 gunicorn workers × 6 + the worker and beat stay well under max_connections.
            "DATABASE_POOL_MAX": "6",
            "DATABASE_POOL_TIMEOUT": "10",
            "PYTHONDONTWRITEBYTECODE": "1",
            **(extra_env or {}),
        }
        limit = file_size_limit(file_size_limit_bytes) if file_size_limit_bytes else None
        self.web = Service(
            "gunicorn",
            [
                PYTHON,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                # Idle connections stay open longer than any simulated user pauses (2–5 s), as a proxy in front
                # of gunicorn is set up: with the default 2 s a request can meet the server closing the idle
                # connection at that instant (RemoteDisconnected), a race of persistent HTTP, not a server error.
                "--keep-alive",
                "30",
                "--no-control-socket",
                "--access-logfile",
                "-",
                "--access-logformat",
                '%(h)s "%(r)s" %(s)s %(M)sms',
            ],
            folder / "gunicorn.log",
            self.env,
            preexec_fn=limit,
        )
        self.worker = Service(
            "celery worker",
            [
                *(PYTHON, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO", "-Q", self.queue),
                *("-n", f"{self.queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            folder / "worker.log",
            self.env,
            preexec_fn=limit,
        )
        self.beat = None
        if beat:
            self.beat = Service(
                "celery beat",
                [
                    *(PYTHON, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"),
                    *("--schedule", str(folder / "beat-schedule"), "--pidfile="),
                ],
                folder / "beat.log",
                self.env,
            )
        try:
            self.worker.wait_for(lambda: "ready." in self.worker.text(), 90, "the worker to be ready")
            self.web.wait_for(self._serves_login, 90, "gunicorn to serve the login page")
        except BaseException:
            self.stop()
            raise

    def _serves_login(self) -> bool:
        try:
            return requests.get(self.base_url + LOGIN_PATH, headers=PROXY_HEADERS, timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def logs(self) -> str:
        services = [self.web, self.worker] + ([self.beat] if self.beat else [])
        return "\n".join(service.tail() for service in services)

    def server_errors(self) -> list[str]:
        """Access-log lines of responses with a 5xx status."""
        return [line for line in self.web.text().splitlines() if '" 5' in line and line.rstrip().endswith("ms")]

    def stop(self) -> None:
        for service in (self.beat, self.web, self.worker):
            if service is not None:
                service.stop()
