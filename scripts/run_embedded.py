"""`make run`: the portal and its background jobs on one machine, with no server to install.

Starts and watches two processes, as production runs them on separate hosts:

* the web server, ``manage.py runserver`` (127.0.0.1:8000 unless an address is given);
* one Celery worker with beat embedded (``celery -A portal worker --beat``): it runs the jobs the
  pages start and beat's schedules (django-celery-beat's DatabaseScheduler), one job at a time, since
  the SQLite file takes one writer at a time. Without REDIS_URL its broker is the folder
  EMBEDDED_BROKER_DIR (kombu's filesystem transport, see portal/settings.py).

Ctrl-C or SIGTERM stops both, the worker after the job at hand (a second Ctrl-C stops it at once);
when either stops by itself, the other is stopped too, and this script exits with an error status.
Each process runs in a session of its own, so that a Ctrl-C in the terminal reaches only this
script, which stops them in order and leaves none behind.

    python scripts/run_embedded.py [--noreload] [addrport]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# A warm shutdown finishes the job at hand: a report takes some seconds, a stuck one is cut off here.
STOP_SECONDS = 60
PR_SET_PDEATHSIG = 1


def _die_with_this_script() -> None:
    """Linux: the child is sent SIGTERM if this script dies without stopping it (killed with SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(name: str, command: list[str]) -> subprocess.Popen:
    print(f"run_embedded: starting the {name}: {' '.join(command[1:])}", flush=True)
    return subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True, preexec_fn=_die_with_this_script)  # noqa: PLW1509 - no threads here


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """``signum`` to the process and everything it started (its session's process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


# How each process is asked to stop. runserver (and its autoreloaded child) as by a Ctrl-C in a
# terminal: SIGINT to its process group. The worker by SIGTERM to its main process only, Celery's warm
# shutdown: it finishes the job at hand, then stops its pool and beat itself.
STOP = {"web server": (signal.SIGINT, True), "worker": (signal.SIGTERM, False)}


def stop(processes: dict[str, subprocess.Popen], interrupted: list[int]) -> None:
    """Ask each process to stop; after STOP_SECONDS, or at a second Ctrl-C, kill what is left."""
    for name, process in processes.items():
        if process.poll() is None:
            print(f"run_embedded: stopping the {name}", flush=True)
            signum, whole_group = STOP[name]
            if whole_group:
                signal_group(process, signum)
            else:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signum)
    asked = len(interrupted)
    deadline = time.monotonic() + STOP_SECONDS
    while any(process.poll() is None for process in processes.values()):
        if time.monotonic() > deadline or len(interrupted) > asked:
            break
        time.sleep(0.1)
    for process in processes.values():
        # The worker's pool and beat, runserver's reloaded child: nothing outlives this script.
        signal_group(process, signal.SIGKILL)
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="where runserver listens")
    parser.add_argument("--noreload", action="store_true", help="runserver without its autoreloader")
    args = parser.parse_args()

    interrupted: list[int] = []
    stop_now = False

    def on_signal(signum, frame) -> None:
        nonlocal stop_now
        interrupted.append(signum)
        stop_now = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    python = sys.executable
    web = [python, "manage.py", "runserver", args.addrport, *(["--noreload"] if args.noreload else [])]
    worker = [
        python,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "--beat",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--hostname=embedded@%h",
    ]
    processes: dict[str, subprocess.Popen] = {}
    status = 0
    try:
        processes["worker"] = start("worker", worker)
        processes["web server"] = start("web server", web)
        while not stop_now:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"run_embedded: the {name} stopped with status {process.returncode}", flush=True)
                    status = process.returncode or 1
                    stop_now = True
                    break
            else:
                time.sleep(0.2)
    finally:
        stop(processes, interrupted)
    return status


if __name__ == "__main__":
    sys.exit(main())
