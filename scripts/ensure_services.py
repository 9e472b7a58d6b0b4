"""Find PostgreSQL and Redis for the test suite, starting local servers when they are stopped.

Uses DATABASE_URL and REDIS_URL. When a server on this machine is not answering, it tries
the usual ways to start an installed one; when none can be had, it says in one sentence
how to get them, and exits non-zero.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

LOCAL = {"127.0.0.1", "localhost", "::1", ""}
HOW = "set DATABASE_URL and REDIS_URL to running servers, or start them with `docker compose up -d db redis`"


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_for(host: str, port: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(host, port):
            return True
        time.sleep(0.5)
    return False


def start_postgresql() -> None:
    if shutil.which("pg_ctlcluster"):
        for conf in glob.glob("/etc/postgresql/*/*/postgresql.conf"):
            version, cluster = conf.split("/")[3:5]
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"],
                check=False,
                capture_output=True,
            )
    elif shutil.which("service"):
        subprocess.run(["service", "postgresql", "start"], check=False, capture_output=True)


def start_redis(port: int) -> None:
    if shutil.which("redis-server"):
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=False,
            capture_output=True,
        )


def ensure(name: str, url: str, default_port: int, start) -> bool:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    if answers(host, port):
        return True
    if host in LOCAL:
        print(f"{name} is not answering on {host}:{port}; trying to start the local server ...", flush=True)
        start(port) if name == "Redis" else start()
        if wait_for(host, port):
            print(f"{name} started.", flush=True)
            return True
    print(f"{name} is not reachable at {host}:{port} and could not be started here: {HOW}.", file=sys.stderr)
    return False


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print(f"The test suite needs PostgreSQL, but DATABASE_URL is {database_url!r}: {HOW}.", file=sys.stderr)
        return 1
    ok = ensure("PostgreSQL", database_url, 5432, start_postgresql)
    ok = ensure("Redis", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), 6379, start_redis) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
