"""``/healthz``: what a load balancer, the TLS proxy and the container's health check ask each web process.

It answers on the plain internal hop (HTTP from the proxy or from inside the container): the path is
exempt from the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``) and is answered before the host name is
checked, the session read or anything else of the site runs, so a probe never needs the public host
name, a cookie or TLS. It is a middleware, not a view, for that reason.

* The database is the one thing a web process cannot serve a page without: when it does not answer,
  the status is 503 and the orchestrator takes the process out of service.
* The broker (Redis) and the file store are reported but never fail the check: without them pages are
  still served (jobs are sent again by their sweeps, a failed upload says so on its form), and taking
  every web process out of service because the object store is down would turn a partial outage into
  a full one.

The body is JSON: ``{"status": "ok" | "degraded" | "unavailable", "checks": {"database": "ok", ...}}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from kombu.exceptions import OperationalError as BrokerError

from portal.celery import app as celery_app

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
OK, UNAVAILABLE = "ok", "unavailable"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database does not answer", exc_info=True)
        return UNAVAILABLE
    return OK


def check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=settings.HEALTH_TIMEOUT)
    except (BrokerError, OSError):
        logger.warning("Health check: the broker does not answer", exc_info=True)
        return UNAVAILABLE
    return OK


def check_store() -> str:
    try:
        # The folder takes files, or the bucket answers (core/files/storage.py).
        default_storage.check_available()
    except OSError:
        logger.warning("Health check: the file store does not answer", exc_info=True)
        return UNAVAILABLE
    return OK


CHECKS: dict[str, Callable[[], str]] = {"database": check_database, "broker": check_broker, "store": check_store}
# The checks whose failure takes the web process out of service.
REQUIRED = frozenset({"database"})


def health_response() -> JsonResponse:
    checks = {name: check() for name, check in CHECKS.items()}
    failed = {name for name, state in checks.items() if state != OK}
    if failed & REQUIRED:
        status, code = UNAVAILABLE, 503
    else:
        status, code = ("degraded" if failed else OK), 200
    response = JsonResponse({"status": status, "checks": checks}, status=code)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers ``GET``/``HEAD /healthz`` itself; every other request goes on to the site."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") == HEALTH_PATH and request.method in {"GET", "HEAD"}:
            return health_response()
        return self.get_response(request)
