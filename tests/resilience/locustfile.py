"""The load test's users: every role of the demo, each working through a fixed script of pages and writes.

Run by ``tests/resilience/test_load.py`` (locust headless, against gunicorn on loopback). Each user
signs in and does ``LOAD_ROUNDS`` rounds of its role's task mix (every task of the mix as many times
per round as its ``ROUND`` says, in a shuffled order, with the usual pauses between them), then stops;
when the last of the ``LOAD_USERS`` users has stopped, locust quits. The amount of work is the same
on a fast and on a slow machine: only the time it takes differs.

The users read what each role may write to from the JSON file named by ``LOAD_PLAN``, and append to
the JSON-lines file named by ``LOAD_RESULTS``: each user's planned writes when it starts, every write
the portal confirmed (a redirect after the POST), and the user's finished script at the end, so the
test can compare the three and count the writes in the database afterwards. Each write carries the
run's unique marker.
"""

import datetime
import itertools
import json
import os
import random
from collections import Counter

import gevent
from locust import HttpUser, between, task
from locust.exception import StopUser

from tests.resilience.web import form_with, login, prepare_session, report_id

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115 - read once
RESULTS = open(os.environ["LOAD_RESULTS"], "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run
MARKER = PLAN["marker"]
COUNTY = PLAN["county"]
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "3"))
# Every user started; the run ends when this many have finished their scripts.
USERS = int(os.environ["LOAD_USERS"])
FINISHED = itertools.count(1)
# Each key figure import writes (municipality, year) pairs no other import writes, so each can be checked.
KEY_FIGURE_SLOTS = itertools.product(range(1970, 2021), PLAN["municipalities"])
KEY_FIGURES_PER_IMPORT = 3
SERIAL = itertools.count(1)
USER_IDS = itertools.count(1)
# What a step writes when the portal accepts it: kind of write → how many. A user asks for one
# report (its first "report" step); its later report steps read the reports page.
WRITES = {
    "progress": {"progress_update": 1},
    "pledge_follow_up": {"follow_up": 1},
    "import_key_figures": {"key_figure": KEY_FIGURES_PER_IMPORT},
}


def record(kind: str, **values) -> None:
    RESULTS.write(json.dumps({"kind": kind, **values}) + "\n")
    RESULTS.flush()


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(2, 5)
    username = ""
    # One round of the role's work: (step, times per round).
    ROUND: tuple[tuple[str, int], ...] = ()

    def on_start(self) -> None:
        self.user_id = next(USER_IDS)
        self.asked_for_report = False
        self.steps_done = 0
        rounds = []
        for _ in range(ROUNDS):
            steps = [name for name, times in self.ROUND for _ in range(times)]
            random.shuffle(steps)
            rounds.extend(steps)
        self.script = iter(rounds)
        self.steps_planned = len(rounds)
        planned = Counter()
        for step in rounds:
            planned.update(WRITES.get(step, {}))
        planned["report"] = int("report" in rounds)
        record("planned", user=self.user_id, role=type(self).__name__, steps=len(rounds), writes=dict(planned))
        prepare_session(self.client, self.host)
        response = login(self.client, self.host, self.username, name="sign in")
        if response.status_code != 302:
            self.finish()

    @task
    def next_step(self) -> None:
        step = next(self.script, None)
        if step is None:
            self.finish()
        getattr(self, step)()
        self.steps_done += 1

    def finish(self) -> None:
        """Say what was done and stop; the last user to finish ends the run."""
        record("finished", user=self.user_id, steps=self.steps_done, planned=self.steps_planned)
        if next(FINISHED) == USERS:
            gevent.spawn(self.environment.runner.quit)
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
        if self.asked_for_report:
            self.page(path, "reports")
            return
        self.asked_for_report = True
        location = self.submit(path, "report request", "period_start", {})
        if location:
            record("report", id=report_id(location))
            self.page(location, "report")


class CountyCoordinator(PortalUser):
    weight = 12
    username = "lan.samordnare"
    ROUND = (("dashboard", 3), ("plans", 2), ("agreements", 1), ("search", 1), ("import_key_figures", 2), ("report", 1))

    def dashboard(self):
        self.page("/", "dashboard")

    def plans(self):
        self.page(f"/lan/{COUNTY}/handlingsplaner/", "plans")
        self.page(f"/insatser/{random.choice(PLAN['actor_measures'])}/", "measure")  # noqa: S311

    def agreements(self):
        self.page(f"/lan/{COUNTY}/overenskommelser/", "county agreements")

    def search(self):
        self.page("/sok/?q=trygghet", "search")

    def import_key_figures(self):
        rows = list(itertools.islice(KEY_FIGURE_SLOTS, KEY_FIGURES_PER_IMPORT))
        if len(rows) < KEY_FIGURES_PER_IMPORT:
            return  # more imports than free slots: the write is missing from the results, and the test says so
        serial = next(SERIAL)
        figures = [(code, year, 100_000 + serial * 10 + n, serial * 10 + n) for n, (year, code) in enumerate(rows)]
        csv = "kommunkod;år;folkmängd;anmälda brott\n" + "".join(f"{c};{y};{p};{r}\n" for c, y, p, r in figures)
        files = {"file": (f"nyckeltal-{serial}.csv", csv.encode("utf-8"), "text/csv")}
        if self.submit("/nyckeltal/import/", "key figures import", "file", {}, files=files):
            for code, year, population, crimes in figures:
                record("key_figure", code=code, year=year, population=population, crimes=crimes)

    def report(self):
        self.report_request(f"/lan/{COUNTY}/rapporter/")


class MunicipalOfficer(PortalUser):
    weight = 12
    username = "kommun.samordnare"
    ROUND = (("dashboard", 3), ("municipality", 2), ("progress", 3), ("pledge_follow_up", 3), ("report", 1))

    def dashboard(self):
        self.page("/", "dashboard")

    def municipality(self):
        self.page(f"/kommuner/{random.choice(PLAN['officer_municipalities'])}/", "municipality")  # noqa: S311

    def progress(self):
        self.progress_update(PLAN["officer_measures"])

    def pledge_follow_up(self):
        pledge = random.choice(PLAN["pledges"])  # noqa: S311
        marker = f"{MARKER}-fu-{next(SERIAL)}"
        values = {"summary": marker, "date": datetime.date.today().isoformat()}  # noqa: DTZ011
        if self.submit(f"/medborgarloften/{pledge}/uppfoljning/", "pledge follow-up", "summary", values):
            record("follow_up", marker=marker, pledge=pledge)

    def report(self):
        self.report_request(f"/kommuner/{random.choice(PLAN['officer_municipalities'])}/rapporter/")  # noqa: S311


class ActorContact(PortalUser):
    weight = 12
    username = "polis.kontakt"
    ROUND = (("dashboard", 2), ("measure", 2), ("progress", 4))

    def dashboard(self):
        self.page("/", "dashboard")

    def measure(self):
        self.page(f"/insatser/{random.choice(PLAN['actor_measures'])}/", "measure")  # noqa: S311

    def progress(self):
        self.progress_update(PLAN["actor_measures"])


class SteeringGroup(PortalUser):
    weight = 8
    username = "styrgrupp"
    ROUND = (("dashboard", 3), ("county", 2), ("report", 1))

    def dashboard(self):
        self.page("/", "dashboard")

    def county(self):
        self.page(f"/lan/{COUNTY}/", "county")

    def report(self):
        self.report_request(f"/lan/{COUNTY}/rapporter/")


class Administrator(PortalUser):
    weight = 6
    username = "admin"
    ROUND = (("dashboard", 3), ("counties", 1), ("admin_site", 1), ("api", 1))

    def dashboard(self):
        self.page("/", "dashboard")

    def counties(self):
        self.page("/lan/", "counties")

    def admin_site(self):
        self.page("/admin/", "admin site")

    def api(self):
        self.page("/api/counties/", "api")
