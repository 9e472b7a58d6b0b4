"""50 users of every role for 3 minutes against the portal under gunicorn: no server error, nothing lost.

locust runs headless in its own process, on loopback only, bounded in users (``LOAD_USERS``,
default 50) and time (``LOAD_SECONDS``, default 180). Its users (``locustfile.py``) read pages,
post progress updates and pledge follow-ups, import key figures from CSV and request reports;
every write the portal confirmed is written to a results file, and afterwards each one is looked
up in the database: the same number of rows with the run's marker, the same key figure values,
and every requested report finished as done with its PDF on disk.
"""

import csv
import json
import os
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.resilience import data
from tests.resilience.stack import BASE_DIR, PYTHON

pytestmark = pytest.mark.resilience

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "180"))
# After the load, the one worker finishes the reports still in its queue; each takes about a second.
REPORTS_DRAIN_SECONDS = 600


def run_locust(portal, folder: Path, plan: dict) -> tuple[list[dict], list[dict], list[dict]]:
    """Run the load; (stats rows, failure rows, confirmed writes)."""
    plan_file, results = folder / "plan.json", folder / "results.jsonl"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    results.touch()
    prefix = folder / "locust"
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan_file),
        "LOAD_RESULTS": str(results),
        "PYTHONPATH": str(BASE_DIR),
    }
    command = [
        *(str(Path(PYTHON).parent / "locust"), "-f", str(BASE_DIR / "tests" / "resilience" / "locustfile.py")),
        *("--headless", "-u", str(USERS), "-r", "5", "-t", f"{SECONDS}s", "--host", portal.base_url),
        *("--stop-timeout", "30", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"),
    ]
    completed = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False, timeout=SECONDS + 180
    )
    # locust exits 1 when any request failed; the rows below say which, so the exit code is not asserted.
    stats_file = Path(f"{prefix}_stats.csv")
    assert stats_file.is_file(), f"locust wrote no statistics:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    with stats_file.open(encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    with Path(f"{prefix}_failures.csv").open(encoding="utf-8") as handle:
        failures = list(csv.DictReader(handle))
    writes = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line.strip()]
    return stats, failures, writes


def test_fifty_users_for_three_minutes_get_no_server_error_and_every_write_and_report_is_there(
    start_portal, postgres, portal_db, tmp_path
):
    portal = start_portal()
    marker = f"LOAD-{uuid.uuid4().hex[:8]}"
    with postgres.connect(portal_db) as conn:
        plan = {
            "marker": marker,
            "county": data.SKANE,
            "actor_measures": data.actor_measures(conn),
            "officer_measures": data.officer_measures(conn),
            "pledges": data.officer_pledges(conn),
            "officer_municipalities": list(data.OFFICER_MUNICIPALITIES),
            "municipalities": data.county_municipalities(conn),
        }
    assert all(plan[key] for key in ("actor_measures", "officer_measures", "pledges", "municipalities")), plan

    started = time.monotonic()
    stats, failures, writes = run_locust(portal, tmp_path, plan)
    elapsed = time.monotonic() - started

    total = next(row for row in stats if row["Name"] == "Aggregated")
    requests_made = int(total["Request Count"])
    rate = float(total["Requests/s"])
    print(f"\nload: {USERS} users, {elapsed:.0f} s, {requests_made} requests, {rate:.1f} requests/s")  # noqa: T201
    print(f"{'request':<32} {'count':>6} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")  # noqa: T201
    for row in stats:
        print(  # noqa: T201
            f"{row['Name'][:32]:<32} {row['Request Count']:>6} {row['Failure Count']:>5} {row['50%']:>7} "
            f"{row['95%']:>7} {float(row['Max Response Time']):>7.0f}"
        )

    # Every role got through; nothing was refused, nothing answered with a server error.
    assert requests_made > USERS * 20, f"only {requests_made} requests in {SECONDS} s"
    assert failures == [], failures[:10]
    assert int(total["Failure Count"]) == 0
    assert portal.server_errors() == [], portal.server_errors()[:10]

    # Every confirmed write is readable afterwards, once.
    kinds = Counter(write["kind"] for write in writes)
    print(f"confirmed writes: {dict(kinds)}")  # noqa: T201
    assert kinds["progress_update"] > 50
    assert kinds["follow_up"] > 10
    assert kinds["key_figure"] > 10
    assert kinds["report"] > 5
    with postgres.connect(portal_db) as conn:
        updates = data.count_with_marker(conn, "actions_progressupdate", "done_text", f"{marker}-pu-")
        follow_ups = data.count_with_marker(conn, "agreements_followup", "summary", f"{marker}-fu-")
        assert (updates, follow_ups) == (kinds["progress_update"], kinds["follow_up"])
        figures = {
            (row[0], row[1]): (row[2], row[3])
            for row in conn.execute(
                "SELECT k.code, f.year, f.population, f.reported_crimes FROM municipalities_keyfigure f "
                "JOIN municipalities_municipality k ON k.id = f.municipality_id WHERE f.year BETWEEN 1970 AND 2020"
            )
        }
    for write in (w for w in writes if w["kind"] == "key_figure"):
        assert figures.get((write["code"], write["year"])) == (write["population"], write["crimes"]), write

    # Every report requested under load finishes, as done, each with its own PDF.
    report_ids = [write["id"] for write in writes if write["kind"] == "report"]
    deadline = time.monotonic() + REPORTS_DRAIN_SECONDS
    with postgres.connect(portal_db) as conn:
        while True:
            states = data.report_states(conn, report_ids)
            if all(state[0] in {"done", "failed"} for state in states.values()) or time.monotonic() > deadline:
                break
            time.sleep(2)
    drained = time.monotonic() - started - elapsed
    print(f"reports: {len(report_ids)} requested, all finished {drained:.0f} s after the load ended")  # noqa: T201
    assert len(states) == len(report_ids)
    unfinished = {pk: state for pk, state in states.items() if state[0] != "done" or state[2]}
    assert unfinished == {}, (unfinished, portal.logs())
    files = [state[1] for state in states.values()]
    assert len(set(files)) == len(files)
    assert all((portal.media / name).read_bytes()[:4] == b"%PDF" for name in files)
    assert portal.server_errors() == []
