"""The load test's users: every role of the demo, reading pages and writing as people do.

Run by ``tests/resilience/test_load.py`` (locust headless, against gunicorn on loopback). It reads
what each role may write to from the JSON file named by ``LOAD_PLAN`` and appends every write the
portal confirmed (a redirect after the POST) to the JSON-lines file named by ``LOAD_RESULTS``, so
the test can count them in the database afterwards. Each write carries the run's unique marker.
"""

import datetime
import itertools
import json
import os
import random
import time

from locust import HttpUser, between, task
from locust.exception import StopUser

from tests.resilience.web import form_with, login, prepare_session, report_id

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115 - read once
RESULTS = open(os.environ["LOAD_RESULTS"], "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run
MARKER = PLAN["marker"]
COUNTY = PLAN["county"]
# Each key figure import writes (municipality, year) pairs no other import writes, so each can be checked.
KEY_FIGURE_SLOTS = itertools.product(range(1970, 2021), PLAN["municipalities"])
SERIAL = itertools.count(1)
# A user asks for a report at most this often: the one worker builds them while the load goes on.
REPORT_INTERVAL_SECONDS = float(os.environ.get("LOAD_REPORT_INTERVAL", "75"))


def record(kind: str, **values) -> None:
    RESULTS.write(json.dumps({"kind": kind, **values}) + "\n")
    RESULTS.flush()


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(2, 5)
    username = ""

    def on_start(self) -> None:
        prepare_session(self.client, self.host)
        self.last_report = time.monotonic() - random.uniform(0, REPORT_INTERVAL_SECONDS)  # noqa: S311 - spread, not secrets
        response = login(self.client, self.host, self.username, name="sign in")
        if response.status_code != 302:
            raise StopUser

    def page(self, path: str, name: str) -> None:
        self.client.get(path, name=f"page: {name}")

    def submit(self, path: str, name: str, field: str, values: dict, files=None) -> str | None:
        """GET the form, fill in ``values``, POST it; the redirect's target when the portal accepted it."""
        page = self.client.get(path, name=f"form: {name}")
        if page.status_code != 200:
            return None
        form = form_with(page.text, field)
        form.fields.update(values)
        with self.client.post(
            path, data=form.fields, files=files, allow_redirects=False, name=f"write: {name}", catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"not accepted: {response.status_code} {response.text[-500:]}")
                return None
            response.success()
            return response.headers["Location"]

    def progress_update(self, measures: list[int]) -> None:
        measure = random.choice(measures)  # noqa: S311
        marker = f"{MARKER}-pu-{next(SERIAL)}"
        values = {
            "done_text": marker,
            "percent": str(random.randint(0, 100)),  # noqa: S311
            "date": datetime.date.today().isoformat(),  # noqa: DTZ011 - the server's day is the same on loopback
        }
        if self.submit(f"/insatser/{measure}/lagesrapport/", "progress update", "done_text", values):
            record("progress_update", marker=marker, measure=measure)

    def report_request(self, path: str) -> None:
        if time.monotonic() - self.last_report < REPORT_INTERVAL_SECONDS:
            self.page(path, "reports")
            return
        self.last_report = time.monotonic()
        location = self.submit(path, "report request", "period_start", {})
        if location:
            record("report", id=report_id(location))
            self.page(location, "report")


class CountyCoordinator(PortalUser):
    weight = 12
    username = "lan.samordnare"

    @task(3)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(2)
    def plans(self):
        self.page(f"/lan/{COUNTY}/handlingsplaner/", "plans")
        self.page(f"/insatser/{random.choice(PLAN['actor_measures'])}/", "measure")  # noqa: S311

    @task(1)
    def agreements(self):
        self.page(f"/lan/{COUNTY}/overenskommelser/", "county agreements")

    @task(1)
    def search(self):
        self.page("/sok/?q=trygghet", "search")

    @task(2)
    def import_key_figures(self):
        rows = list(itertools.islice(KEY_FIGURE_SLOTS, 3))
        if not rows:
            return
        serial = next(SERIAL)
        figures = [(code, year, 100_000 + serial * 10 + n, serial * 10 + n) for n, (year, code) in enumerate(rows)]
        csv = "kommunkod;år;folkmängd;anmälda brott\n" + "".join(f"{c};{y};{p};{r}\n" for c, y, p, r in figures)
        files = {"file": (f"nyckeltal-{serial}.csv", csv.encode("utf-8"), "text/csv")}
        if self.submit("/nyckeltal/import/", "key figures import", "file", {}, files=files):
            for code, year, population, crimes in figures:
                record("key_figure", code=code, year=year, population=population, crimes=crimes)

    @task(1)
    def report(self):
        self.report_request(f"/lan/{COUNTY}/rapporter/")


class MunicipalOfficer(PortalUser):
    weight = 12
    username = "kommun.samordnare"

    @task(3)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(2)
    def municipality(self):
        self.page(f"/kommuner/{random.choice(PLAN['officer_municipalities'])}/", "municipality")  # noqa: S311

    @task(3)
    def progress(self):
        self.progress_update(PLAN["officer_measures"])

    @task(3)
    def pledge_follow_up(self):
        pledge = random.choice(PLAN["pledges"])  # noqa: S311
        marker = f"{MARKER}-fu-{next(SERIAL)}"
        values = {"summary": marker, "date": datetime.date.today().isoformat()}  # noqa: DTZ011
        if self.submit(f"/medborgarloften/{pledge}/uppfoljning/", "pledge follow-up", "summary", values):
            record("follow_up", marker=marker, pledge=pledge)

    @task(1)
    def report(self):
        self.report_request(f"/kommuner/{random.choice(PLAN['officer_municipalities'])}/rapporter/")  # noqa: S311


class ActorContact(PortalUser):
    weight = 12
    username = "polis.kontakt"

    @task(2)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(2)
    def measure(self):
        self.page(f"/insatser/{random.choice(PLAN['actor_measures'])}/", "measure")  # noqa: S311

    @task(4)
    def progress(self):
        self.progress_update(PLAN["actor_measures"])


class SteeringGroup(PortalUser):
    weight = 8
    username = "styrgrupp"

    @task(3)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(2)
    def county(self):
        self.page(f"/lan/{COUNTY}/", "county")

    @task(1)
    def report(self):
        self.report_request(f"/lan/{COUNTY}/rapporter/")


class Administrator(PortalUser):
    weight = 6
    username = "admin"

    @task(3)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(1)
    def counties(self):
        self.page("/lan/", "counties")

    @task(1)
    def admin_site(self):
        self.page("/admin/", "admin site")

    @task(1)
    def api(self):
        self.page("/api/counties/", "api")
