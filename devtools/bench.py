"""What `make bench` (scripts/bench.py) needs inside the server, used only by ``devtools/bench_settings.py``.

- ``ServerTimingMiddleware`` times each request from the outermost middleware in and counts its
  SQL queries, and reports both in a ``Server-Timing`` header::

      Server-Timing: app;dur=12.41, db;dur=3.07;desc="9 queries"

  ``app`` is the whole request in Django (every middleware, the view, the template), ``db`` the
  time spent in SQL and, in its description, the number of queries.
- ``bare`` is a template view that touches neither the database nor the session: the yardstick
  every page's throughput is compared with; ``frame`` is the bare signed-in page: the session, the
  user, the grants and the base template (navigation, header, footer) with nothing in it, what the
  frame costs every signed-in page. Their URLs exist only in ``urlpatterns`` below, the bench
  settings' ``ROOT_URLCONF``.

The portal's own settings and URLconf never import this module.
"""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.shortcuts import render
from django.urls import include, path

BARE_PATH = "bench/bare/"
FRAME_PATH = "bench/frame/"


class _QueryCounter:
    """A ``connection.execute_wrapper``: counts the queries and adds up their time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    """Adds ``Server-Timing`` with the request's time in Django and its SQL queries.

    It must be the first middleware, so that the others' queries (session, user, grants)
    count too. A streamed response (CSV and Excel exports) is drawn in full here, so that the
    time and the queries of producing its rows count as well: the client then receives the
    file in one piece, which is fine for a benchmark and never happens otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
            if response.streaming:
                response.streaming_content = [b"".join(response.streaming_content)]
        elapsed = time.perf_counter() - started
        response["Server-Timing"] = (
            f'app;dur={1000 * elapsed:.2f}, db;dur={1000 * counter.seconds:.2f};desc="{counter.count} queries"'
        )
        return response


def bare(request):
    """A template, no data: what a request costs the server before the portal does any work."""
    return render(request, "bench/bare.html")


@login_required
def frame(request):
    """The base template for a signed-in user, with nothing in it: what the frame costs every page."""
    return render(request, "bench/frame.html")


urlpatterns = [
    path(BARE_PATH, bare, name="bench_bare"),
    path(FRAME_PATH, frame, name="bench_frame"),
    path("", include("portal.urls")),
]
