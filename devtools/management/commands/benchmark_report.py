"""Time the report job in this process, step by step, to see where a report's seconds go.

    python manage.py benchmark_report --county 12 --runs 5
    python manage.py benchmark_report --county 12 --kind municipality --municipality 1293

Each run builds a new report row with the same service the worker calls, so the figures are
the worker's minus the broker. The rows are requested by a user of the county (its coordinator
when there is one), as from the report page: a report without a requester is the quarterly one,
whose steering group is e-mailed when it is done, and a benchmark must not tell them about its
reports. What the report gathers and renders does not depend on who requested it. The query counts
come from ``CaptureQueriesContext``, which counts with DEBUG off as well. The peak memory is the
process's peak resident set during the run (Linux: the peak is reset before each run through
``/proc/self/clear_refs``; elsewhere it is the process's peak so far).
"""

from __future__ import annotations

import contextlib
import json
import logging
import resource
import statistics
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from municipalities.models import County, Municipality
from portal.models import Grant, Report, ReportKind, User
from portal.reports import services


@dataclass(frozen=True)
class Run:
    gather_seconds: float
    gather_queries: int
    html_seconds: float
    pdf_seconds: float
    total_seconds: float
    build_queries: int
    pages: int
    size: int
    peak_rss: int  # bytes

    @property
    def gather_share(self) -> float:
        return self.gather_seconds / self.total_seconds if self.total_seconds else 0.0


COLUMNS = f"{'run':>6} {'gather s':>9} {'queries':>8} {'HTML s':>7} {'PDF s':>7} {'total s':>8} {'all queries':>12} "
COLUMNS += f"{'pages':>6} {'size KiB':>8} {'gather %':>9} {'peak MiB':>9}"


def _line(label: str, run: Run) -> str:
    return (
        f"{label:>6} {run.gather_seconds:9.3f} {run.gather_queries:8d} {run.html_seconds:7.3f} {run.pdf_seconds:7.3f} "
        f"{run.total_seconds:8.3f} {run.build_queries:12d} {run.pages:6d} {run.size / 1024:8.1f} "
        f"{100 * run.gather_share:8.1f}% {run.peak_rss / 2**20:9.1f}"
    )


def _reset_peak_rss() -> None:
    """Linux: writing 5 to clear_refs resets the process's peak resident set (VmHWM)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def _peak_rss() -> int:
    """The process's peak resident set in bytes (VmHWM on Linux, else getrusage's maximum)."""
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _median(runs: list[Run]) -> Run:
    def middle(field: str) -> float:
        return statistics.median(getattr(run, field) for run in runs)

    return Run(
        gather_seconds=middle("gather_seconds"),
        gather_queries=round(middle("gather_queries")),
        html_seconds=middle("html_seconds"),
        pdf_seconds=middle("pdf_seconds"),
        total_seconds=middle("total_seconds"),
        build_queries=round(middle("build_queries")),
        pages=round(middle("pages")),
        size=round(middle("size")),
        peak_rss=round(middle("peak_rss")),
    )


def _requester(county: County) -> User:
    """Who requests the benchmark's reports: the county's coordinator, else any user.

    A requested report is built exactly as the quarterly one, but its steering group is not
    e-mailed when it is done.
    """
    grant = (
        Grant.objects.filter(role=Role.COUNTY_COORDINATOR, county=county).select_related("user").order_by("pk").first()
    )
    user = grant.user if grant else User.objects.order_by("pk").first()
    if user is None:
        raise CommandError("The reports need a user to request them; this database has none.")
    return user


@contextlib.contextmanager
def _quiet_weasyprint() -> Iterator[None]:
    """Without WeasyPrint's progress lines (some forty INFO lines a report), the table stays readable."""
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        yield
    finally:
        progress.setLevel(level)


class Command(BaseCommand):
    help = (
        "Build a county or municipality report several times in-process and print the time of each step "
        "(data gathering with its SQL queries, HTML, PDF) per run and as medians. Deletes its reports afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="SCB county code, e.g. 12")
        parser.add_argument("--kind", choices=ReportKind.values, default=ReportKind.COUNTY)
        parser.add_argument("--municipality", help="SCB municipality code for --kind municipality, e.g. 1293")
        parser.add_argument("--runs", type=int, default=5, help="How many reports to build (default 5)")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark's report rows and PDF files")
        parser.add_argument("--json", action="store_true", help="End with one line of JSON: the medians (make bench)")

    def handle(self, *args, **options):
        county = County.objects.filter(code=options["county"]).first()
        if county is None:
            raise CommandError(f"No county with code {options['county']}.")
        municipality = None
        if options["kind"] == ReportKind.MUNICIPALITY:
            if not options["municipality"]:
                raise CommandError("--kind municipality needs --municipality.")
            municipality = Municipality.objects.filter(code=options["municipality"], county=county).first()
            if municipality is None:
                raise CommandError(f"No municipality {options['municipality']} in county {county.code}.")
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")

        start, end = services.previous_quarter()
        requester = _requester(county)
        reports = [
            Report.objects.create(
                kind=options["kind"],
                county=county,
                municipality=municipality,
                period_start=start,
                period_end=end,
                requested_by=requester,
            )
            for _ in range(options["runs"])
        ]
        self.stdout.write(f"{reports[0]} · {options['runs']} runs · DEBUG={settings.DEBUG}")
        self.stdout.write(COLUMNS)
        try:
            runs = self._build(reports)
        finally:
            if not options["keep"]:
                self._delete(reports)
        median = _median(runs)
        self.stdout.write(_line("median", median))
        self.stdout.write(
            f"Median total {median.total_seconds:.3f} s, of which gathering the data "
            f"{median.gather_seconds:.3f} s ({100 * median.gather_seconds / median.total_seconds:.1f} %) "
            f"in {median.gather_queries} queries; {median.build_queries} queries for the whole job."
        )
        if options["keep"]:
            self.stdout.write("Kept: " + ", ".join(f"report {r.pk} ({r.file.name})" for r in reports))
        if options["json"]:
            self.stdout.write(json.dumps({**asdict(median), "runs": len(runs)}))

    def _build(self, reports: list[Report]) -> list[Run]:
        """Build the reports newest first, so that none sees another as its "previous report".

        A report lists the changes since the previous done one of its kind; built oldest
        first, the second run on would list none and render less than the first.
        """
        runs = []
        with _quiet_weasyprint():
            for number, report in enumerate(reversed(reports), start=1):
                _reset_peak_rss()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    times = services.build_report(report.pk)
                    total = time.perf_counter() - started
                report.refresh_from_db()
                if times is None:
                    raise CommandError(f"Run {number} did not build the report: {report.status} {report.error}")
                run = Run(
                    gather_seconds=times.gather_seconds,
                    gather_queries=times.gather_queries,
                    html_seconds=times.html_seconds,
                    pdf_seconds=times.pdf_seconds,
                    total_seconds=total,
                    build_queries=len(queries),
                    pages=times.pages,
                    size=times.size,
                    peak_rss=_peak_rss(),
                )
                runs.append(run)
                self.stdout.write(_line(str(number), run))
        return runs

    def _delete(self, reports: list[Report]) -> None:
        for report in Report.objects.filter(pk__in=[r.pk for r in reports]):
            if report.file.name:
                default_storage.delete(report.file.name)
        Report.objects.filter(pk__in=[r.pk for r in reports]).delete()
