"""Time every export of a county in this process, in rows per second, with its memory.

    python manage.py benchmark_exports --county 12 --runs 3
    python manage.py benchmark_exports --county 12 --json   # make bench: ends with one line of JSON

Each export is built by the view a user's browser asks (``?format=csv`` or ``?format=xlsx`` on the
county page, the county's agreements overview, its plan page, support activities, pledges,
follow-ups and quality reviews), called in-process with a request of the county's coordinator, and
its streamed body is drawn in full, as gunicorn sends it. Nothing is written to the database: the
requests are built by hand (no session, no sign-in), so the command runs on the benchmark's
databases as they are.

The seconds are the median of ``--runs`` runs after an untimed one, from calling the view to the last byte of the body;
"cpu s" is this process's share of them (the database's work is
the server's); the rows are the CSV's lines less its header; the queries are the run's SQL statements. The memory
is the peak of what Python allocated while one more run built and drew the export (``tracemalloc``,
measured apart from the timed runs, which it would slow down): with streaming it stays flat however
many rows are written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import statistics
import time
import tracemalloc
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation

from actions.models import ActionPlan
from core.roles import Role
from municipalities.models import County
from portal.models import Grant, User

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Result:
    kind: str
    fmt: str
    rows: int
    seconds: float
    cpu_seconds: float  # of this process: on a shared machine the wall clock also counts waiting for a CPU
    queries: int
    size: int  # bytes of the file
    peak_memory: int  # bytes Python allocated at the most while building and drawing it

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


HEADER = f"{'export':<28} {'format':<6} {'rows':>8} {'seconds':>8} {'cpu s':>7} {'rows/s':>9} {'queries':>7} "
HEADER += f"{'KiB':>8} {'peak KiB':>9}"


def _line(result: Result) -> str:
    return (
        f"{result.kind:<28} {result.fmt:<6} {result.rows:8d} {result.seconds:8.3f} {result.cpu_seconds:7.3f} "
        f"{result.rows_per_second:9.0f} "
        f"{result.queries:7d} {result.size / 1024:8.0f} {result.peak_memory / 1024:9.0f}"
    )


def exports(county: County) -> list[tuple[str, str]]:
    """The county's export pages, as (kind, path): the same kinds as ``benchmark_targets``."""
    code = {"code": county.code}
    found = [
        ("county page", reverse("municipalities:county_detail", kwargs=code)),
        ("county agreements overview", reverse("agreements:county_overview", kwargs=code)),
    ]
    plan = ActionPlan.objects.filter(county=county).order_by("pk").first()
    if plan is not None:
        found.append(("plan page", reverse("actions:plan_detail", kwargs={"pk": plan.pk})))
    found += [
        ("support activities", reverse("actions:support_activity_list", kwargs=code)),
        ("pledge list", reverse("agreements:pledge_list", kwargs=code)),
        ("follow-up list", reverse("agreements:follow_up_list", kwargs=code)),
        ("review list", reverse("agreements:review_list", kwargs=code)),
    ]
    return found


def _coordinator(county: County) -> User:
    grant = (
        Grant.objects.filter(role=Role.COUNTY_COORDINATOR, county=county, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if grant is None:
        raise CommandError(f"County {county.code} has no coordinator to export as.")
    return grant.user


def _host() -> str:
    """A host the settings allow (under production settings, which ``make bench`` uses, not "testserver")."""
    return next((h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")), "testserver")


def _draw(user: User, path: str, fmt: str, *, keep: bool = True) -> bytes:
    """The export's whole body, built by its view as for a request of ``user`` (with ``keep=False`` only drawn)."""
    request = RequestFactory(HTTP_HOST=_host()).get(path, {"format": fmt})
    request.user = user
    match = resolve(path)
    response = match.func(request, *match.args, **match.kwargs)
    if response.status_code != 200 or not response.streaming:
        raise CommandError(f"{path}?format={fmt} answered {response.status_code}, not a streamed export.")
    try:
        if keep:
            return b"".join(response.streaming_content)
        for _chunk in response.streaming_content:
            pass
        return b""
    finally:
        response.close()


def _csv_rows(content: bytes) -> int:
    return sum(1 for _row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";")) - 1


def measure(user: User, kind: str, path: str, fmt: str, *, runs: int, rows: int | None) -> Result:
    seconds, cpu, queries, content = [], [], 0, b""
    _draw(user, path, fmt, keep=False)  # untimed: the connection and what a first request loads
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            content = _draw(user, path, fmt)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        queries = len(captured)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        _draw(user, path, fmt, keep=False)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return Result(
        kind=kind,
        fmt=fmt,
        rows=_csv_rows(content) if rows is None else rows,
        seconds=statistics.median(seconds),
        cpu_seconds=statistics.median(cpu),
        queries=queries,
        size=len(content),
        peak_memory=peak,
    )


class Command(BaseCommand):
    help = (
        "Build every CSV and Excel export of a county in-process through its view, draw it in full and print "
        "rows, seconds, rows per second and peak memory. Writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", default="12", help="SCB county code (default 12, Skåne)")
        parser.add_argument("--runs", type=int, default=3, help="timed runs of each export (default 3)")
        parser.add_argument("--kinds", help="only export kinds containing this text")
        parser.add_argument("--json", action="store_true", help="end with one line of JSON (make bench)")

    def handle(self, *args, **options):
        county = County.objects.filter(code=options["county"]).first()
        if county is None:
            raise CommandError(f"No county with code {options['county']}.")
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        user = _coordinator(county)
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        self.stdout.write(
            f"County {county.code} · {options['runs']} runs · load average {load} · DEBUG={settings.DEBUG}"
        )
        self.stdout.write(HEADER)
        # Closing a response signals the end of its request, after which Django closes the database
        # connection; the command keeps its connection, as Django's test client does.
        request_finished.disconnect(close_old_connections)
        try:
            results = self._measure(county, user, runs=options["runs"], kinds=options["kinds"])
        finally:
            request_finished.connect(close_old_connections)
        if options["json"]:
            exported = [{**asdict(r), "rows_per_second": r.rows_per_second} for r in results]
            self.stdout.write(json.dumps({"county": county.code, "runs": options["runs"], "exports": exported}))

    def _measure(self, county: County, user: User, *, runs: int, kinds: str | None) -> list[Result]:
        results = []
        with translation.override("sv"):
            for kind, path in exports(county):
                if kinds and kinds not in kind:
                    continue
                rows = None  # counted from the CSV, the same rows in the workbook
                for fmt in FORMATS:
                    result = measure(user, kind, path, fmt, runs=runs, rows=rows)
                    rows = result.rows
                    results.append(result)
                    self.stdout.write(_line(result))
        return results
