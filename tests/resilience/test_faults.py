"""Faults the portal must live through: Redis stopped, PostgreSQL restarted under load, a full disk.

Each test runs the portal as in production (gunicorn, ``DJANGO_ENV=production``, a Celery worker)
against a private PostgreSQL cluster and a private Redis server that it stops, restarts or starves.
The fourth fault of the issue, a worker killed in the middle of a report, is
``tests/portal/test_report_jobs.py::test_a_worker_killed_mid_report_leaves_it_neither_stuck_nor_duplicated``:
a real worker is SIGKILLed while the report is running, the broker re-delivers the message to a
second worker, and the report ends done, built twice (attempts == 2) into exactly one file.
"""

import datetime
import threading
import time
import uuid
import zoneinfo
from pathlib import Path

import pytest
import requests
from django.utils import translation
from django.utils.translation import gettext

from tests import parsed
from tests.resilience import data
from tests.resilience.web import form_with, login, prepare_session, report_id

pytestmark = pytest.mark.resilience

COUNTY_REPORTS = f"/lan/{data.SKANE}/rapporter/"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")  # the portal's TIME_ZONE
FRIENDLY_ERROR = "Något gick fel hos oss"  # templates/500.html


def swedish(msgid: str, **values: str) -> str:
    with translation.override("sv"):
        text = gettext(msgid)
        return text % {key: gettext(value) for key, value in values.items()} if values else text


def signed_in(portal, username: str) -> requests.Session:
    session = requests.Session()
    prepare_session(session, portal.base_url)
    response = login(session, portal.base_url, username, timeout=30)
    assert response.status_code == 302, f"{username} could not sign in: {response.status_code}"
    return session


def request_county_report(session: requests.Session, portal) -> requests.Response:
    page = session.get(portal.base_url + COUNTY_REPORTS, timeout=30)
    form = form_with(page.text, "period_start")
    return session.post(portal.base_url + COUNTY_REPORTS, data=form.fields, allow_redirects=False, timeout=60)


def wait_for_report(postgres, database: str, pk: int, seconds: float) -> tuple[str, str, str]:
    deadline = time.monotonic() + seconds
    with postgres.connect(database) as conn:
        while time.monotonic() < deadline:
            state = data.report_states(conn, [pk])[pk]
            if state[0] in {"done", "failed"}:
                return state
            time.sleep(0.5)
    pytest.fail(f"Report {pk} did not finish in {seconds} s: {state}")


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


# --- Redis stopped ----------------------------------------------------------------------------------------------


def test_with_redis_stopped_pages_work_and_a_requested_report_waits_in_the_queue_until_redis_returns(
    start_portal, redis_server, postgres, portal_db
):
    # Beat sweeps every 3 s and sends again reports queued for more than 5 s (in service: 5 and 10 minutes).
    portal = start_portal(beat=True, extra_env={"REPORT_SWEEP_SECONDS": "3", "REPORT_RESEND_AFTER_SECONDS": "5"})
    coordinator = signed_in(portal, "lan.samordnare")

    redis_server.stop()

    # Redis is the cache too: the cached parts are computed, and the API's rate limits let requests through.
    paths = ["/", f"/lan/{data.SKANE}/", f"/lan/{data.SKANE}/handlingsplaner/", COUNTY_REPORTS, "/sok/?q=trygg"]
    for path in [*paths, f"/lan/{data.SKANE}/overenskommelser/", "/api/counties/"]:
        response = coordinator.get(portal.base_url + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code)

    started = time.monotonic()
    response = request_county_report(coordinator, portal)
    asked_in = time.monotonic() - started
    assert response.status_code == 302, response.text[-2000:]
    assert asked_in < 15, f"the request took {asked_in:.1f} s with the broker down"
    pk = report_id(response.headers["Location"])
    page = coordinator.get(portal.base_url + response.headers["Location"], timeout=30)
    assert page.status_code == 200
    # The report's status is the one message on its page.
    assert parsed.messages(parsed.parse(page.text)) == [
        swedish("The report is queued and starts as soon as a background worker is free.")
    ]

    time.sleep(6)  # past the resend limit: sweeps could run now, but nothing reaches the worker
    with postgres.connect(portal_db) as conn:
        assert data.report_states(conn, [pk])[pk][0] == "queued"

    redis_server.start()
    returned = time.monotonic()
    status, file_name, error = wait_for_report(postgres, portal_db, pk, seconds=90)
    assert (status, error) == ("done", ""), portal.logs()
    assert (portal.media / file_name).read_bytes()[:4] == b"%PDF"
    print(f"\nqueued report done {time.monotonic() - returned:.1f} s after Redis returned")  # noqa: T201
    assert coordinator.get(portal.base_url + f"/rapporter/{pk}/fil/", timeout=30).status_code == 200
    assert portal.server_errors() == []


# --- PostgreSQL restarted under load ----------------------------------------------------------------------------


class Traffic:
    """Threads that read pages and post progress updates, recording every outcome with its time."""

    def __init__(self, portal, sessions: list[requests.Session], measures: list[int], marker: str) -> None:
        self.portal, self.sessions, self.measures, self.marker = portal, sessions, measures, marker
        self.outcomes: list[tuple[float, str, int | str, str]] = []  # (time, what, status or error, marker)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(len(sessions))]

    def _record(self, what: str, outcome, marker: str = "") -> None:
        with self.lock:
            self.outcomes.append((time.monotonic(), what, outcome, marker))

    def _check_error_page(self, response: requests.Response) -> None:
        if response.status_code >= 500:
            # A friendly page in Swedish, never a stack trace or Django's debug page.
            assert FRIENDLY_ERROR in response.text, response.text[:2000]
            assert "Traceback" not in response.text
            assert "DEBUG" not in response.text

    def _run(self, number: int) -> None:
        session, base = self.sessions[number], self.portal.base_url
        count = 0
        while not self.stop.is_set():
            measure = self.measures[(number + count) % len(self.measures)]
            count += 1
            url = f"{base}/insatser/{measure}/lagesrapport/"
            try:
                page = session.get(url, timeout=30)
                self._check_error_page(page)
                self._record("read", page.status_code)
                if page.status_code != 200:
                    time.sleep(0.2)
                    continue
                form = form_with(page.text, "done_text")
                marker = f"{self.marker}-{number}-{count}"
                form.fields.update(
                    done_text=marker, percent="50", date=datetime.datetime.now(tz=STOCKHOLM).date().isoformat()
                )
                response = session.post(url, data=form.fields, allow_redirects=False, timeout=30)
                self._check_error_page(response)
                self._record("write", response.status_code, marker)
            except requests.RequestException as error:
                self._record("connection", type(error).__name__)
            time.sleep(0.1)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_a_postgresql_restart_under_load_shows_a_friendly_error_briefly_then_recovers_and_loses_nothing(
    start_portal, postgres, portal_db
):
    portal = start_portal()
    with postgres.connect(portal_db) as conn:
        measures = data.actor_measures(conn)
    assert measures, "the demo has no measure for Polisen"
    sessions = [signed_in(portal, "polis.kontakt") for _ in range(4)]
    marker = f"PGRESTART-{uuid.uuid4().hex[:8]}"

    with Traffic(portal, sessions, measures, marker) as traffic:
        time.sleep(4)
        restart_began = time.monotonic()
        postgres.restart()
        restarted = time.monotonic()
        time.sleep(15)

    outcomes = traffic.outcomes
    before = [o for o in outcomes if o[0] < restart_began]
    after = [o for o in outcomes if o[0] > restarted]
    failed = [o for o in outcomes if not (isinstance(o[2], int) and o[2] in {200, 302})]
    # gunicorn itself never stops answering: no refused or dropped connections.
    assert [o for o in outcomes if o[1] == "connection"] == []
    assert before
    assert all(o[2] in {200, 302} for o in before), before
    # It recovers by itself: every request in the last 10 s succeeds, without restarting anything.
    last = [o for o in after if o[0] > restarted + 5]
    assert last
    assert all(o[2] in {200, 302} for o in last), last
    recovered = [o[0] - restarted for o in after if o[2] not in {200, 302}]
    print(  # noqa: T201
        f"\nPostgreSQL restart took {restarted - restart_began:.1f} s; {len(outcomes)} requests, {len(failed)} failed "
        f"with the error page; last failure {max(recovered, default=0):.1f} s after the restart"
    )

    # Nothing committed is lost: every update answered with a redirect is stored, once.
    succeeded = [o[3] for o in outcomes if o[1] == "write" and o[2] == 302]
    assert len(succeeded) > 10
    with postgres.connect(portal_db) as conn:
        stored = {
            row[0]
            for row in conn.execute(
                "SELECT done_text FROM actions_progressupdate WHERE done_text LIKE %s", (f"{marker}-%",)
            )
        }
        duplicates = conn.execute(
            "SELECT count(*) - count(DISTINCT done_text) FROM actions_progressupdate WHERE done_text LIKE %s",
            (f"{marker}-%",),
        ).fetchone()[0]
    assert set(succeeded) <= stored
    assert duplicates == 0


# --- a full disk ------------------------------------------------------------------------------------------------

# Files the portal's processes write stop at this size (RLIMIT_FSIZE), as on a full disk: a write fails with EFBIG.
FILE_SIZE_LIMIT = 16 * 1024


def pdf_of(size: int) -> bytes:
    body = b"%PDF-1.4\n"
    return body + b"0" * (size - len(body) - 7) + b"\n%%EOF\n"


def test_a_full_disk_gives_a_clear_error_and_leaves_no_partial_file_and_no_row_without_its_file(
    start_portal, postgres, portal_db
):
    portal = start_portal(file_size_limit_bytes=FILE_SIZE_LIMIT)
    officer = signed_in(portal, "kommun.samordnare")
    url = f"{portal.base_url}/kommuner/{data.OFFICER_MUNICIPALITIES[1]}/efterlevnad/action_programme/"

    def upload(content: bytes, name: str) -> requests.Response:
        form = form_with(officer.get(url, timeout=30).text, "document")
        form.fields["notes"] = name
        files = {"document": (name, content, "application/pdf")}
        return officer.post(url, data=form.fields, files=files, allow_redirects=False, timeout=60)

    def stored() -> list[tuple[str, int, str]]:
        with postgres.connect(portal_db) as conn:
            return conn.execute("SELECT file, size, original_name FROM municipalities_compliancedocument").fetchall()

    documents_before = stored()

    # A document larger than the disk takes: the form says so, and nothing is saved or left behind.
    response = upload(pdf_of(200 * 1024), "handlingsprogram.pdf")
    assert response.status_code == 200
    message = swedish("The document could not be stored (the disk may be full). Nothing was saved; try again later.")
    assert message in response.text
    assert stored() == documents_before
    with postgres.connect(portal_db) as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM municipalities_complianceitem WHERE notes = 'handlingsprogram.pdf'"
            ).fetchone()[0]
            == 0
        )
    assert files_under(portal.media) == []

    # One that fits is stored whole, and its row names it.
    response = upload(pdf_of(4 * 1024), "kort.pdf")
    assert response.status_code == 302, response.text[-2000:]
    (document,) = [row for row in stored() if row not in documents_before]
    assert document[2] == "kort.pdf"
    assert files_under(portal.media) == [document[0]]
    assert (portal.media / document[0]).stat().st_size == document[1] == 4 * 1024

    # A report whose PDF does not fit fails with the disk reason; no row names a file, no partial file is left.
    coordinator = signed_in(portal, "lan.samordnare")
    response = request_county_report(coordinator, portal)
    assert response.status_code == 302
    pk = report_id(response.headers["Location"])
    status, file_name, error = wait_for_report(postgres, portal_db, pk, seconds=90)
    reason = "the report could not be saved (the disk may be full). Try again later."
    assert (status, file_name) == ("failed", "")
    assert error == swedish("The report could not be produced: %(reason)s", reason=reason)
    page = coordinator.get(portal.base_url + response.headers["Location"], timeout=30)
    assert error in page.text
    assert files_under(portal.media) == [document[0]]
    assert portal.server_errors() == []
