"""50 users of every role, each doing a fixed script of work against the portal under gunicorn: no
failed request, nothing lost.

locust runs headless in its own process, on loopback only, with ``LOAD_USERS`` users (default 50)
who each do ``LOAD_ROUNDS`` rounds (default 3) of their role's task mix (``locustfile.py``): read
pages, post progress updates and pledge follow-ups, import key figures from CSV, ask for a report.
The run ends when the last user has finished: two to three minutes on an idle machine, longer on a
busy one, with the same work done (2 000 requests with the defaults). ``LOAD_TIME_LIMIT`` (default
1800 s) only bounds a run that hangs. Afterwards the test checks what does not depend on the
machine's speed: every user finished its script, no request failed, every write the users planned
was confirmed and is found in the database (the same number of rows with the run's marker, the same
key figure values), and every requested report finished as done with its PDF on disk. How fast the
portal is belongs to ``make bench``.
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
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "3"))
# A bound for a run that hangs, not a measure: the users stop when their scripts are done.
TIME_LIMIT = int(os.environ.get("LOAD_TIME_LIMIT", "1800"))
# After the load, the one worker finishes the reports still in its queue; each takes about a second.
REPORTS_DRAIN_SECONDS = 600


def run_locust(portal, folder: Path, plan: dict) -> tuple[list[dict], list[dict], list[dict]]:
    """Run the load; (stats rows, failure rows, the users' records: planned, confirmed and finished)."""
    plan_file, results = folder / "plan.json", folder / "results.jsonl"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    results.touch()
    prefix = folder / "locust"
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan_file),
        "LOAD_RESULTS": str(results),
        "LOAD_USERS": str(USERS),
        "LOAD_ROUNDS": str(ROUNDS),
        "PYTHONPATH": str(BASE_DIR),
    }
    command = [
        *(str(Path(PYTHON).parent / "locust"), "-f", str(BASE_DIR / "tests" / "resilience" / "locustfile.py")),
        *("--headless", "-u", str(USERS), "-r", "5", "-t", f"{TIME_LIMIT}s", "--host", portal.base_url),
        *("--stop-timeout", "30", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"),
    ]
    completed = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False, timeout=TIME_LIMIT + 180
    )
    # locust exits 1 when any request failed; the rows below say which, so the exit code is not asserted.
    stats_file = Path(f"{prefix}_stats.csv")
    assert stats_file.is_file(), f"locust wrote no statistics:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    with stats_file.open(encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    with Path(f"{prefix}_failures.csv").open(encoding="utf-8") as handle:
        failures = list(csv.DictReader(handle))
    records = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if line.strip()]
    return stats, failures, records


def test_fifty_users_doing_a_fixed_script_get_no_failure_and_every_write_and_report_is_there(
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
    stats, failures, results = run_locust(portal, tmp_path, plan)
    elapsed = time.monotonic() - started

    total = next(row for row in stats if row["Name"] == "Aggregated")
    print(f"\nload: {USERS} users × {ROUNDS} rounds, {total['Request Count']} requests in {elapsed:.0f} s")  # noqa: T201
    print(f"{'request':<32} {'count':>6} {'fail':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")  # noqa: T201
    for row in stats:
        print(  # noqa: T201
            f"{row['Name'][:32]:<32} {row['Request Count']:>6} {row['Failure Count']:>5} {row['50%']:>7} "
            f"{row['95%']:>7} {float(row['Max Response Time']):>7.0f}"
        )

    # Every user did all of its work: the amounts below are those of the scripts, whatever the speed.
    planned = {row["user"]: row for row in results if row["kind"] == "planned"}
    finished = {row["user"]: row for row in results if row["kind"] == "finished"}
    assert len(planned) == USERS, f"{len(planned)} of {USERS} users started"
    unfinished = {user: row for user, row in planned.items() if user not in finished}
    assert unfinished == {}, f"{len(unfinished)} users did not finish within {TIME_LIMIT} s: {list(unfinished)[:10]}"
    short = {user: row for user, row in finished.items() if row["steps"] != row["planned"]}
    assert short == {}, short
    assert {row["role"] for row in planned.values()} == {
        "CountyCoordinator",
        "MunicipalOfficer",
        "ActorContact",
        "SteeringGroup",
        "Administrator",
    }

    # Nothing was refused, nothing answered with a server error.
    assert failures == [], failures[:10]
    assert int(total["Failure Count"]) == 0
    assert portal.server_errors() == [], portal.server_errors()[:10]

    # Every write the scripts planned was confirmed by the portal.
    expected = Counter()
    for row in planned.values():
        expected.update(row["writes"])
    writes = [row for row in results if row["kind"] not in {"planned", "finished"}]
    kinds = Counter(write["kind"] for write in writes)
    print(f"planned writes: {dict(expected)}; confirmed: {dict(kinds)}")  # noqa: T201
    assert all(expected[kind] > 0 for kind in ("progress_update", "follow_up", "key_figure", "report")), expected
    assert kinds == expected

    # Every confirmed write is readable afterwards, once.
    with postgres.connect(portal_db) as conn:
        updates = data.count_with_marker(conn, "actions_progressupdate", "done_text", f"{marker}-pu-")
        follow_ups = data.count_with_marker(conn, "agreements_followup", "summary", f"{marker}-fu-")
        assert (updates, follow_ups) == (kinds["progress_update"], kinds["follow_up"])
        figures: dict[tuple[str, int], dict[str, int]] = {}
        for code, year, kind, value in conn.execute(
            "SELECT k.code, f.year, t.code, f.value FROM municipalities_keyfigure f "
            "JOIN municipalities_municipality k ON k.id = f.municipality_id "
            "JOIN municipalities_keyfigurekind t ON t.id = f.kind_id WHERE f.year BETWEEN 1970 AND 2020"
        ):
            figures.setdefault((code, year), {})[kind] = int(value)
    for write in (w for w in writes if w["kind"] == "key_figure"):
        wanted = {"population": write["population"], "reported_crimes": write["crimes"]}
        assert figures.get((write["code"], write["year"])) == wanted, write

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
    assert len(set(report_ids)) == len(report_ids) == len(states)
    not_done = {pk: state for pk, state in states.items() if state[0] != "done" or state[2]}
    assert not_done == {}, (not_done, portal.logs())
    files = [state[1] for state in states.values()]
    assert len(set(files)) == len(files)
    assert all((portal.media / name).read_bytes()[:4] == b"%PDF" for name in files)
    assert portal.server_errors() == []
