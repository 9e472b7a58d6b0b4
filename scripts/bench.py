"""`make bench`: the portal's pages, throughput and county report at national scale 1 and 10.

For each scale the script

1. uses a database of its own, ``trygghetsportalen_bench_s<scale>`` on the PostgreSQL server of
   ``DATABASE_URL``, filled by ``generate_scale_data --scale <scale>`` (all 21 counties). A
   database that already holds complete generated data of that scale is reused (scale 10 takes
   some ten minutes to generate on two cores); ``--fresh`` drops and regenerates it;
2. runs the portal as in production (``Dockerfile``: gunicorn, 3 workers, ``DJANGO_ENV=production``,
   ``DEBUG=false``, collected static files) on a free loopback port, with
   ``DJANGO_SETTINGS_MODULE=devtools.bench_settings``: the production settings plus the
   ``devtools`` app (the commands below) and its Server-Timing middleware (devtools/bench.py):
   each response carries its time in Django and its SQL query count;
3. signs in through the real login form as the generated users of every role in Skåne
   (``manage.py benchmark_targets`` gives them a random password, and the coordinator and the
   administrator, whose roles need the second factor in production, authenticator apps whose codes
   the script computes from their keys as an app does) and requests every page kind
   ``--warmup`` times, then ``--requests`` times (fewer when a page is slow), one at a time;
4. measures throughput with ``wrk`` (a load generator in C, so it takes little of the two CPUs;
   ``--connections`` connections, ``--seconds`` each) against a bare template view, the bare
   signed-in frame (session, user, grants, the base template) and every signed-in HTML page kind,
   in the same run, and gives each as a share of the bare view;
5. times the county report (``manage.py benchmark_report``) at the scale.

The requests reach gunicorn over plain HTTP as the TLS proxy in front of it would: with
``X-Forwarded-Proto: https`` (``SECURE_PROXY_SSL_HEADER``), so the production settings stay as
shipped. Results are printed and written between the markers in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import redis
import requests

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DOCS = BASE_DIR / "docs" / "benchmarks.md"
BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"
COUNTY = "12"
BARE_PATH = "/bench/bare/"
FRAME_PATH = "/bench/frame/"
WORKERS = ("--workers", "3", "--timeout", "120")  # the Dockerfile's 3 sync workers
# The targets: queries and p95 of every page kind; throughput as a share of the bare view's
# (the frame and the coordinator's dashboard at least half, every other signed-in page a quarter).
MAX_QUERIES, MAX_P95_MS, MIN_THROUGHPUT_RATIO, MIN_PAGE_RATIO = 15, 50.0, 0.5, 0.25
MAX_REPORT_SECONDS = {1.0: 3.0, 10.0: 3.0}
PAGE_SECONDS = 15.0  # measuring one page stops after this long (at least MIN_SAMPLES requests)
MIN_SAMPLES = 5
STATIC_ROOT = Path(tempfile.gettempdir()) / "trygghetsportalen-bench-static"
TIMING = re.compile(r'app;dur=([\d.]+), db;dur=([\d.]+);desc="(\d+) queries"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The server's cache, as in production: Redis (make bench's REDIS_URL), under a prefix of this run.
CACHE_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
CACHE_PREFIX = f"bench-{os.getpid()}"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# --- Databases ------------------------------------------------------------------------------------


def database_url(name: str) -> str:
    base = urlparse(os.environ.get("DATABASE_URL") or "postgres://postgres:postgres@127.0.0.1:5432/postgres")
    return urlunparse(base._replace(path=f"/{name}"))


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(database_url("postgres"), autocommit=True)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def complete(name: str, scale: float) -> bool:
    """Whether the database holds generated data of this scale: every plan with its measures."""
    expected = max(1, round(10 * scale))
    try:
        with psycopg.connect(database_url(name)) as conn:
            rows = conn.execute(
                "SELECT count(*), min(n), max(n) FROM (SELECT count(m.id) AS n FROM actions_actionplan p "
                "LEFT JOIN actions_measure m ON m.plan_id = p.id WHERE p.title LIKE '[gen]%%' GROUP BY p.id) t"
            ).fetchone()
    except psycopg.Error:
        return False
    return rows == (21, expected, expected)


def prepare_database(scale: float, base_env: dict[str, str], *, fresh: bool) -> tuple[str, float | None]:
    """The scale's database, migrated and generated; returns its URL and the generation's seconds."""
    name = f"trygghetsportalen_bench_s{scale:g}".replace(".", "_")
    url = database_url(name)
    env = {**base_env, "DATABASE_URL": url}
    if not fresh and complete(name, scale):
        manage(env, "migrate", "--noinput", "-v", "0")
        log(f"scale {scale:g}: reusing database {name} (--fresh regenerates it)")
        return url, None
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v", "0")
    log(f"scale {scale:g}: generating data into {name} (load {load()})")
    started = time.monotonic()
    manage(env, "generate_scale_data", "--scale", f"{scale:g}")
    seconds = time.monotonic() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    log(f"scale {scale:g}: generated in {seconds:.0f} s")
    return url, seconds


def collect_static(env: dict[str, str]) -> None:
    """What the production image does at build time (manifest, compressed copies), kept between runs.

    Collecting takes a minute or two on two CPUs; it is done again when a static source is newer.
    """
    manifest = STATIC_ROOT / "staticfiles.json"
    sources = [BASE_DIR / "static", BASE_DIR / "package-lock.json", BASE_DIR / "node_modules" / ".installed"]
    newest = max(
        (f.stat().st_mtime for src in sources if src.exists() for f in [src, *src.rglob("*")] if f.is_file()),
        default=0,
    )
    if manifest.exists() and manifest.stat().st_mtime > newest:
        log(f"static files: reusing {STATIC_ROOT}")
        return
    log(f"static files: collecting into {STATIC_ROOT} as the production image does")
    manage({**env, "DATABASE_URL": "sqlite:///:memory:"}, "collectstatic", "--noinput", "--clear", "-v", "0")


# --- The server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(folder: Path) -> dict[str, str]:
    """Production settings as shipped; only the host, a random key and the API rate limits are the bench's."""
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        # Production's settings plus the devtools app, the Server-Timing middleware and the bare view.
        "DJANGO_SETTINGS_MODULE": "devtools.bench_settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(STATIC_ROOT),
        "MEDIA_ROOT": str(folder / "media"),
        "REDIS_URL": "",
        # The cache as in production: Redis (the broker stays a folder: the bench runs no jobs).
        "CACHE_URL": CACHE_URL,
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
        "LOG_LEVEL": "WARNING",
        # The same client asks the API hundreds of times a minute.
        "API_RATE_TOKEN": "1000000/hour",
        "API_RATE_ANONYMOUS": "1000000/hour",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


class Server:
    """gunicorn as the Dockerfile starts it (3 sync workers), on a free loopback port."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(folder / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}", *WORKERS],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if client(self.url).get(self.url + "/accounts/login/", timeout=15).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.stop()
        sys.exit(f"gunicorn did not start; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


USER_AGENT = "trygghetsportalen-bench"


def client(base_url: str) -> requests.Session:
    """A session that talks to gunicorn as the TLS proxy does."""
    session = requests.Session()
    session.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "sv", "User-Agent": USER_AGENT})
    session.headers["Origin"] = base_url.replace("http://", "https://", 1)
    return session


def keep_cookies(session: requests.Session) -> None:
    """The secure cookies travel over the loopback hop between the proxy and gunicorn, so send them over http."""
    for cookie in session.cookies:
        cookie.secure = False


# The authenticator apps each user has used (a code works once): the next sign-in takes the next app.
APPS_USED: dict[str, int] = {}


def signed_in(base_url: str, username: str, password: str, app_keys: dict[str, list[str]]) -> requests.Session:
    """A session signed in through the login form and, for a role that needs it, the second step."""
    session = client(base_url)
    page = session.get(base_url + "/accounts/login/")
    keep_cookies(session)
    token = CSRF.search(page.text)
    if not token:
        sys.exit("No CSRF token on the login page")
    response = session.post(
        base_url + "/accounts/login/",
        data={"csrfmiddlewaretoken": token[1], "username": username, "password": password},
        headers={"Referer": session.headers["Origin"] + "/accounts/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        sys.exit(f"Signing in as {username} failed: {response.status_code}")
    keep_cookies(session)
    if username in app_keys:
        second_step(session, base_url, username, app_keys[username])
    return session


def second_step(session: requests.Session, base_url: str, username: str, keys: list[str]) -> None:
    """Type the code the user's next authenticator app shows (django-otp's TOTP, as the app computes it)."""
    from django_otp.oath import totp  # noqa: PLC0415 - only here: the rest of the script needs no Django

    used = APPS_USED.get(username, 0)
    if used >= len(keys):
        sys.exit(f"{username} has no unused authenticator app left")
    APPS_USED[username] = used + 1
    step = base_url + "/accounts/tvastegsverifiering/"
    page = session.get(step)
    keep_cookies(session)
    token = CSRF.search(page.text)
    if not token:
        sys.exit("No CSRF token on the second step's page")
    response = session.post(
        step,
        data={"csrfmiddlewaretoken": token[1], "code": f"{totp(bytes.fromhex(keys[used])):06d}"},
        headers={"Referer": session.headers["Origin"] + "/accounts/tvastegsverifiering/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        sys.exit(f"The second step as {username} failed: {response.status_code}")
    keep_cookies(session)


# --- Pages ----------------------------------------------------------------------------------------


@dataclass
class PageResult:
    kind: str
    role: str
    path: str
    status: int = 0
    app_ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    # Server time and queries with the cache emptied first: the page computing its cached sections.
    cold_ms: list[float] = field(default_factory=list)
    cold_queries: list[int] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return percentile(self.app_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.app_ms, 95)

    @property
    def query_count(self) -> str:
        low, high = min(self.queries, default=0), max(self.queries, default=0)
        return str(high) if low == high else f"{low}–{high}"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


COLD_SAMPLES = 3


def clear_cache() -> None:
    """Empty the server's cache (the bench's keys in Redis)."""
    client_ = redis.Redis.from_url(CACHE_URL)
    keys = list(client_.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
    if keys:
        client_.delete(*keys)


def measure_page(session: requests.Session, base_url: str, page: dict, *, warmup: int, count: int) -> PageResult:
    result = PageResult(page["kind"], page["role"], page["path"])
    url = base_url + page["path"]
    for _ in range(COLD_SAMPLES):
        clear_cache()
        timing = TIMING.search(session.get(url, allow_redirects=False).headers.get("Server-Timing", ""))
        if timing:
            result.cold_ms.append(float(timing[1]))
            result.cold_queries.append(int(timing[3]))
    for _ in range(warmup):
        result.status = session.get(url, allow_redirects=False).status_code
    started = time.monotonic()
    for _ in range(count):
        before = time.perf_counter()
        response = session.get(url, allow_redirects=False)
        result.client_ms.append(1000 * (time.perf_counter() - before))
        result.status = response.status_code
        timing = TIMING.search(response.headers.get("Server-Timing", ""))
        if response.status_code != 200 or not timing:
            break
        result.app_ms.append(float(timing[1]))
        result.db_ms.append(float(timing[2]))
        result.queries.append(int(timing[3]))
        if time.monotonic() - started > PAGE_SECONDS and len(result.app_ms) >= MIN_SAMPLES:
            break
    return result


def measure_pages(
    base_url: str, targets: dict, password: str, *, warmup: int, count: int
) -> tuple[list[PageResult], dict[str, requests.Session]]:
    keys = targets["app_keys"]
    sessions = {role: signed_in(base_url, name, password, keys) for role, name in targets["users"].items()}
    sessions["anonymous"] = client(base_url)
    sessions["token"] = client(base_url)
    sessions["token"].headers["Authorization"] = f"Token {targets['token']}"
    results = []
    for page in targets["pages"]:
        result = measure_page(sessions[page["role"]], base_url, page, warmup=warmup, count=count)
        log(
            f"  {result.kind:<34} {result.status} queries {result.query_count:>5}  "
            f"p50 {result.p50:7.1f} ms  p95 {result.p95:7.1f} ms  (n={len(result.app_ms)})"
        )
        results.append(result)
    return results, sessions


# --- Throughput -----------------------------------------------------------------------------------


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_LATENCY = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
WRK_REQUESTS = re.compile(r"(\d+) requests in")
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def throughput(base_url: str, path: str, cookie: str, *, connections: int, seconds: int) -> dict:
    """``wrk``: ``connections`` connections each sending the next request as soon as the last is answered.

    It sends what the signed-in browser sent (the session's cookies and user agent: a session presented
    by another user agent is a different browser to the portal)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", "X-Forwarded-Proto: https"]
    command += ["-H", "Accept-Language: sv", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, base_url + path], capture_output=True, text=True, check=False, timeout=seconds + 60
    ).stdout
    latency = {pct: float(value) * UNIT_MS[unit] for pct, value, unit in WRK_LATENCY.findall(out)}
    errors = WRK_ERRORS.search(out)
    return {
        "path": path,
        "rps": float(WRK_RPS.search(out)[1]) if WRK_RPS.search(out) else 0.0,
        "requests": int(WRK_REQUESTS.search(out)[1]) if WRK_REQUESTS.search(out) else 0,
        "failures": int(errors[1]) if errors else 0,
        "p50": latency.get("50", math.nan),
        "p99": latency.get("99", math.nan),
    }


def cookie_of(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def measure_throughput(base_url: str, sessions: dict, pages: list[dict], *, connections: int, seconds: int) -> dict:
    """The bare view, the frame, each signed-in HTML page kind and the public pages, one after another on the
    same server."""
    coordinator = cookie_of(sessions["county_coordinator"])
    run = {"connections": connections, "seconds": seconds}
    bare = throughput(base_url, BARE_PATH, "", **run)
    measured = {"bare": bare, "frame": throughput(base_url, FRAME_PATH, coordinator, **run)}
    for page in pages:
        public = page["kind"].startswith("public")  # the public site: anonymous, and measured too
        if (page["role"] in {"anonymous", "token"} and not public) or "format=" in page["path"]:
            continue
        if page["path"].startswith("/api/"):
            continue
        session = sessions[page["role"]]
        status = session.get(base_url + page["path"], allow_redirects=False).status_code
        if status != 200:
            log(f"  {page['kind']:<34} answers {status}: not measured")
            continue
        measured[page["kind"]] = throughput(base_url, page["path"], cookie_of(session), **run)
    for kind, result in measured.items():
        result["ratio"] = result["rps"] / bare["rps"] if bare["rps"] else 0.0
        log(f"  {kind:<34} {result['rps']:8.1f} req/s  p50 {ms(result['p50'])} ms  ratio {result['ratio']:.2f}")
    return measured


# --- The report -----------------------------------------------------------------------------------


def report(env: dict[str, str], runs: int) -> dict:
    out = manage(env, "benchmark_report", "--county", COUNTY, "--runs", str(runs), "--json")
    return json.loads(out.strip().splitlines()[-1])


# --- Exports --------------------------------------------------------------------------------------

# Rows per second of a CSV and an Excel export, where the rate is the writer's: exports of at least
# EXPORT_TARGET_ROWS rows (a few dozen rows take the time of their page's queries, whatever the writer).
MIN_EXPORT_ROWS_PER_SECOND = {"csv": 50_000, "xlsx": 10_000}
EXPORT_TARGET_ROWS = 10_000


def exports(env: dict[str, str]) -> dict:
    """Every export of the county built in-process through its view (``manage.py benchmark_exports``)."""
    out = manage(env, "benchmark_exports", "--county", COUNTY, "--json")
    return json.loads(out.strip().splitlines()[-1])


def export_verdict(export: dict) -> str:
    if export["rows"] < EXPORT_TARGET_ROWS:
        return "–"
    wanted = MIN_EXPORT_ROWS_PER_SECOND[export["fmt"]]
    return "holds" if export["rows_per_second"] >= wanted else f"**{export['rows_per_second']:.0f} rows/s**"


# --- Output ---------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with admin_connection() as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB RAM, Linux {platform.release()}; "
        f"Python {platform.python_version()}, PostgreSQL {pg} on the same machine"
    )


def ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1f}"  # NaN: no sample


def markdown(results: dict, args: argparse.Namespace) -> str:
    scales = list(results["scales"])
    lines = [
        BEGIN,
        "",
        f"Measured {results['date']} by `make bench` ({results['minutes']:.1f} min). {results['machine']}.",
        f"Load average (1/5/15 min) at the start {results['load_start']}, at the end {results['load_end']}: "
        "the machine is shared, so single figures vary.",
        "",
        "### Pages: server time and SQL queries",
        "",
        f"Server time is Django's, from the first middleware in to the response (`Server-Timing`), "
        f"{args.warmup} warm-up requests and then up to {args.requests} (fewer when a page takes long: at least "
        f"{MIN_SAMPLES}), one at a time, as the generated users of Skåne (county {COUNTY}). Exports are "
        'drawn in full inside that time. "cold" is the median of '
        f"{COLD_SAMPLES} requests each made with the cache emptied first (the page computes what it caches), "
        "with its queries; the other columns are the pages as users get them, their cached sections read from "
        f"the cache. Targets: at most {MAX_QUERIES} queries, the same at both scales, p95 at most "
        f"{MAX_P95_MS:.0f} ms at the largest scale.",
        "",
    ]
    head = "| page | role |" + "".join(
        f" cold ms (queries) s{s} | queries s{s} | p50 ms s{s} | p95 ms s{s} |" for s in scales
    )
    lines += [head + " targets |", "| --- | --- |" + " ---: | ---: | ---: | ---: |" * len(scales) + " --- |"]
    by_scale = {s: {r["kind"]: r for r in results["scales"][s]["pages"]} for s in scales}
    for kind, first in by_scale[scales[0]].items():
        row = f"| {kind} | {first['role'].replace('_', ' ')} |"
        for s in scales:
            r = by_scale[s].get(kind)
            row += (
                f" {ms(r['cold_p50'])} ({r['cold_queries']}) | {r['queries']} | {ms(r['p50'])} | {ms(r['p95'])} |"
                if r
                else " – | – | – | – |"
            )
        lines.append(row + f" {'; '.join(results['misses'].get(kind, [])) or 'hold'} |")
    lines += [
        "",
        "### Throughput: every signed-in page against a bare template view",
        "",
        f"wrk (C, one thread), {args.connections} connections without pauses, {args.seconds} s each, on the same "
        "machine as gunicorn (3 sync workers), all in one run. The bare view renders a small template and "
        "touches neither the database nor the session; the frame is a signed-in page with nothing in it "
        "(session, user, grants and the base template with its navigation), what the frame costs every page. "
        f"Targets: the frame and the county coordinator's dashboard at least {MIN_THROUGHPUT_RATIO:.0%} of the "
        f"bare view, every other signed-in page at least {MIN_PAGE_RATIO:.0%}.",
        "",
    ]
    head = "| page |" + "".join(f" req/s s{s} | p50 / p99 ms s{s} | share s{s} |" for s in scales) + " targets |"
    lines += [head, "| --- |" + " ---: | ---: | ---: |" * len(scales) + " --- |"]
    kinds = list(results["scales"][scales[0]]["throughput"])
    for kind in kinds:
        row = f"| {kind} |"
        for s in scales:
            t = results["scales"][s]["throughput"].get(kind)
            row += f" {t['rps']:.1f} | {ms(t['p50'])} / {ms(t['p99'])} | {t['ratio']:.2f} |" if t else " – | – | – |"
        lines.append(row + f" {'; '.join(results['throughput_misses'].get(kind, [])) or 'hold'} |")
    lines += [
        "",
        "### Exports: rows per second",
        "",
        f"`benchmark_exports --county {COUNTY}`: each export built in-process by its view for the county's "
        "coordinator and drawn in full, median of 3 runs; peak memory is what Python allocated at the most while "
        f"building one (tracemalloc). Targets, for exports of at least {EXPORT_TARGET_ROWS} rows (fewer take the "
        f"time of their page's queries): CSV at least {MIN_EXPORT_ROWS_PER_SECOND['csv']} and Excel at least "
        f"{MIN_EXPORT_ROWS_PER_SECOND['xlsx']} rows a second, memory flat in the rows.",
        "",
        "| export | format |"
        + "".join(f" rows s{s} | s s{s} | rows/s s{s} | peak KiB s{s} |" for s in scales)
        + " target |",
        "| --- | --- |" + " ---: | ---: | ---: | ---: |" * len(scales) + " --- |",
    ]
    by_export = {s: {(e["kind"], e["fmt"]): e for e in results["scales"][s]["exports"]["exports"]} for s in scales}
    for key in by_export[scales[-1]]:
        row = f"| {key[0]} | {key[1]} |"
        for s in scales:
            e = by_export[s].get(key)
            row += (
                f" {e['rows']} | {e['seconds']:.3f} | {e['rows_per_second']:.0f} | {e['peak_memory'] / 1024:.0f} |"
                if e
                else " – | – | – | – |"
            )
        lines.append(row + f" {export_verdict(by_export[scales[-1]][key])} |")
    lines += [
        "",
        "### County report (Skåne)",
        "",
        f"`benchmark_report --county {COUNTY} --runs {args.report_runs}`, medians. Peak memory is the process's "
        "peak resident set during a run. Targets: "
        + ", ".join(f"at most {v:g} s at scale {k:g}" for k, v in MAX_REPORT_SECONDS.items())
        + ".",
        "",
        "| scale | gather s | queries (all) | HTML s | PDF s | total s | pages | size KiB | peak MiB | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in scales:
        r = results["scales"][s]["report"]
        lines.append(
            f"| {s} | {r['gather_seconds']:.3f} | {r['gather_queries']} ({r['build_queries']}) | "
            f"{r['html_seconds']:.3f} | {r['pdf_seconds']:.3f} | {r['total_seconds']:.3f} | {r['pages']} | "
            f"{r['size'] / 1024:.0f} | {r['peak_rss'] / 2**20:.0f} | {r['verdict']} |"
        )
    generated = [f"scale {s}: {results['scales'][s]['generated']}" for s in scales]
    lines += ["", "Data generation: " + "; ".join(generated) + ".", "", END]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## `make bench`: latest figures\n\n" + section + "\n"
    DOCS.write_text(text)


def throughput_verdicts(results: dict) -> dict[str, list[str]]:
    misses: dict[str, list[str]] = {}
    for s, entry in results["scales"].items():
        for kind, t in entry["throughput"].items():
            if kind == "bare":
                continue
            wanted = MIN_THROUGHPUT_RATIO if kind in {"frame", "dashboard: county coordinator"} else MIN_PAGE_RATIO
            if t["ratio"] < wanted:
                misses.setdefault(kind, []).append(f"**{t['ratio']:.2f} at s{s}**")
            if t["failures"]:
                misses.setdefault(kind, []).append(f"{t['failures']} failures at s{s}")
    return misses


def verdicts(results: dict) -> dict[str, list[str]]:
    """Each page's missed targets, in words; also sets the report's and the throughput's verdicts."""
    scales = list(results["scales"])
    misses: dict[str, list[str]] = {}
    largest = scales[-1]
    counts: dict[str, set[str]] = {}
    for s in scales:
        for page in results["scales"][s]["pages"]:
            kind = page["kind"]
            counts.setdefault(kind, set()).add(page["queries"])
            if page["status"] != 200:
                misses.setdefault(kind, []).append(f"status {page['status']} at s{s}")
            if page["max_queries"] > MAX_QUERIES:
                misses.setdefault(kind, []).append(f"**{page['max_queries']} queries at s{s}**")
            if s == largest and page["p95"] > MAX_P95_MS:
                misses.setdefault(kind, []).append(f"**p95 {page['p95']:.0f} ms**")
    for kind, seen in counts.items():
        if len(seen) > 1:
            misses.setdefault(kind, []).append("**count differs between scales**")
    results["throughput_misses"] = throughput_verdicts(results)
    for s in scales:
        r = results["scales"][s]["report"]
        limit = MAX_REPORT_SECONDS.get(float(s))
        r["verdict"] = "–" if limit is None else ("holds" if r["total_seconds"] <= limit else "**missed**")
    return misses


# --- Main -----------------------------------------------------------------------------------------


def bench_scale(scale: float, args: argparse.Namespace, base_env: dict, password: str, folder: Path) -> dict:
    """One scale: its database, the pages, the throughput and the county report."""
    label = f"{scale:g}"
    url, generated = prepare_database(scale, base_env, fresh=args.fresh)
    env = {**base_env, "DATABASE_URL": url, "BENCH_PASSWORD": password}
    targets = json.loads(manage(env, "benchmark_targets", "--county", COUNTY).strip().splitlines()[-1])
    if args.pages:
        targets["pages"] = [p for p in targets["pages"] if args.pages in p["kind"]]
    entry: dict = {"generated": "reused" if generated is None else f"{generated:.0f} s"}
    server = Server(env, folder)
    try:
        log(f"scale {label}: {len(targets['pages'])} pages at {server.url} (load {load()})")
        pages, sessions = measure_pages(server.url, targets, password, warmup=args.warmup, count=args.requests)
        entry["pages"] = [
            {
                "kind": p.kind,
                "role": p.role,
                "path": p.path,
                "status": p.status,
                "queries": p.query_count,
                "max_queries": max(p.queries, default=0),
                "cold_queries": max(p.cold_queries, default=0),
                "cold_p50": percentile(p.cold_ms, 50),
                "p50": p.p50,
                "p95": p.p95,
                "n": len(p.app_ms),
            }
            for p in pages
        ]
        if not args.pages:
            log(
                f"scale {label}: throughput, wrk with {args.connections} connections × {args.seconds} s (load {load()})"
            )
            entry["throughput"] = measure_throughput(
                server.url, sessions, targets["pages"], connections=args.connections, seconds=args.seconds
            )
    finally:
        server.stop()
    if not args.pages:
        log(f"scale {label}: county report × {args.report_runs} (load {load()})")
        r = entry["report"] = report(env, args.report_runs)
        log(
            f"  gather {r['gather_seconds']:.3f} s, HTML {r['html_seconds']:.3f} s, PDF {r['pdf_seconds']:.3f} s, "
            f"total {r['total_seconds']:.3f} s, {r['pages']} pages, peak {r['peak_rss'] / 2**20:.0f} MiB"
        )
        log(f"scale {label}: exports (load {load()})")
        entry["exports"] = exports(env)
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests per page (default 3)")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections (default 10)")
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--report-runs", type=int, default=3, help="county reports per scale (default 3)")
    parser.add_argument("--pages", help="only page kinds containing this text (no docs are written)")
    parser.add_argument("--fresh", action="store_true", help="regenerate the databases even if complete")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()

    started = time.monotonic()
    results: dict = {"date": time.strftime("%Y-%m-%d"), "load_start": load(), "scales": {}}
    results["machine"] = machine()
    password = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        folder = Path(tmp)
        base_env = production_env(folder)
        collect_static(base_env)
        for scale in args.scales:
            results["scales"][f"{scale:g}"] = bench_scale(scale, args, base_env, password, folder)
    results["load_end"] = load()
    results["minutes"] = (time.monotonic() - started) / 60
    raw = Path(tempfile.gettempdir()) / "trygghetsportalen-bench.json"
    raw.write_text(json.dumps(results, indent=1))
    log(f"raw figures in {raw}")
    if args.pages:
        return
    results["misses"] = verdicts(results)
    section = markdown(results, args)
    print(section)
    if not args.no_docs:
        write_docs(section)
        log(f"wrote {DOCS.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
