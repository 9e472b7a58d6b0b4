"""`make bench`'s server side (devtools/bench.py): only in devtools.bench_settings, and there truthful."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

TIMING = re.compile(r'^app;dur=([\d.]+), db;dur=([\d.]+);desc="(\d+) queries"$')


@pytest.fixture
def bench_settings(settings):
    settings.MIDDLEWARE = ["devtools.bench.ServerTimingMiddleware", *settings.MIDDLEWARE]
    settings.ROOT_URLCONF = "devtools.bench"
    return settings


def test_server_timing_reports_the_time_and_every_query_of_a_request(bench_settings, client, county_coordinator):
    client.force_login(county_coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    timing = TIMING.match(response["Server-Timing"])
    assert timing, response["Server-Timing"]
    app_ms, db_ms, count = float(timing[1]), float(timing[2]), int(timing[3])
    assert count == len(queries) > 0
    assert 0 < db_ms <= app_ms


def test_an_export_is_timed_with_the_queries_that_produce_its_rows(bench_settings, client, county_coordinator, world):
    client.force_login(county_coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/lan/{world.own_county.code}/?format=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the CSV, whole
    assert int(TIMING.match(response["Server-Timing"])[3]) == len(queries)


def test_the_bare_view_uses_no_database(bench_settings, client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/bare/")
    assert response.status_code == 200
    assert b"Trygghetsportalen" in response.content
    assert len(queries) == 0
    assert TIMING.match(response["Server-Timing"])[3] == "0"


def test_without_the_switch_there_is_no_timing_header_and_no_bare_view(client, county_coordinator):
    client.force_login(county_coordinator)
    assert "Server-Timing" not in client.get("/")
    assert client.get("/bench/bare/").status_code == 404


@pytest.mark.parametrize("module", ["portal.settings", "devtools.bench_settings"])
def test_only_the_bench_settings_switch_it_on(module):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MIDDLEWARE[0], settings.ROOT_URLCONF)"
    )
    # The variable that once swapped the URLconf no longer does anything.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": module, "BENCH_SERVER_TIMING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    if module == "devtools.bench_settings":
        assert result.stdout.split() == ["devtools.bench.ServerTimingMiddleware", "devtools.bench"]
    else:
        assert result.stdout.split() == ["django.middleware.security.SecurityMiddleware", "portal.urls"]
