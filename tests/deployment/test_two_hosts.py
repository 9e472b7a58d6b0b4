"""Two web hosts and a worker host that share nothing but PostgreSQL, Redis and the object store.

Each host is a network namespace of this machine (``tests/deployment/hosts.py``) running the portal as
the production image does: gunicorn with ``DJANGO_ENV=production`` on hosts A and B, a Celery worker on
host C, each with folders of its own. The test talks to A and B as the TLS proxy does (plain HTTP,
``X-Forwarded-Proto: https``) and checks that the hosts are interchangeable: a session started on A
works on B, a document uploaded through A downloads through B, a report ordered on A and built on C is
served by B, and a change made through A is on B's next page.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import psycopg
import pytest
import requests

from tests.deployment.hosts import Host, Network
from tests.deployment.objectstore import ObjectStoreServer
from tests.parsed import find_all, links, main, parse, text
from tests.resilience.stack import (
    PYTHON,
    PrivatePostgres,
    Service,
    collect_static,
    free_port,
    manage,
    production_env,
)
from tests.resilience.web import form_with, login, prepare_session, report_id
from tests.worker import wait_for

OFFICER = "kommun.samordnare"  # the demo's officer of Lund and Hässleholm (portal/demo.py)
LUND = "1281"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n% uploaded through host A\n%%EOF\n"


class SharedPostgres(PrivatePostgres):
    """A private cluster that also listens on ``address`` and trusts the hosts' subnet."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def start(self) -> None:
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write("host all all 10.0.0.0/8 trust\n")
        listen = ",".join(sorted({"127.0.0.1", self.address}))
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses={listen} -c max_connections=60 "
            "-c shared_buffers=32MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def url_from_hosts(self, database: str) -> str:
        return f"postgres://postgres@{self.address}:{self.port}/{database}"


@pytest.fixture
def network():
    with Network(3) as made:
        yield made


@pytest.fixture
def shared_servers(network, tmp_path):
    """PostgreSQL with the demo, Redis and the object store with a bucket, all on the network's gateway."""
    postgres = SharedPostgres(network.gateway)
    redis_port = free_port()
    redis_bind = sorted({"127.0.0.1", network.gateway})
    redis = None
    store = ObjectStoreServer(tmp_path, host=network.gateway)
    try:
        postgres.start()
        database = postgres.create_database("portal")
        env = {**os.environ, **production_env(), "DATABASE_URL": postgres.url(database), "REDIS_URL": ""}
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo")
        redis = Service(
            "redis-server",
            [
                *("redis-server", "--port", str(redis_port), "--bind", *redis_bind, "--save", "", "--appendonly", "no"),
                # Bound to loopback and the hosts' private gateway only; the hosts are "outside" to Redis.
                *("--protected-mode", "no"),
            ],
            tmp_path / "redis.log",
            dict(os.environ),
        )
        store.start()
        bucket = store.create_bucket()
        yield {
            "postgres": postgres,
            "database": database,
            "store": store,
            "bucket": bucket,
            "env": {
                "DATABASE_URL": postgres.url_from_hosts(database),
                "REDIS_URL": f"redis://{network.gateway}:{redis_port}/0",
                **store.env(bucket),
            },
        }
    finally:
        store.stop()
        if redis is not None:
            redis.stop()
        postgres.cleanup()


class PortalHosts:
    """gunicorn on hosts A and B, the worker on host C: one image, each with folders of its own."""

    def __init__(self, network: Network, shared: dict[str, str], folder: Path) -> None:
        self.services: list[Service] = []
        self.web_a, self.web_b, self.worker_host = network.hosts
        self.ports = {self.web_a.name: free_port(), self.web_b.name: free_port()}
        queue = f"two-hosts-{uuid.uuid4().hex[:8]}"
        static_root = collect_static()
        allowed = ",".join(sorted({self.web_a.address, self.web_b.address}))
        # One installation: every host has the same SECRET_KEY (sessions and signed links are checked with it).
        production = production_env()

        def environment(host: Host) -> dict[str, str]:
            own = folder / host.name
            (own / "media").mkdir(parents=True)
            return {
                **os.environ,
                **production,
                **shared,
                "ALLOWED_HOSTS": allowed,
                "CELERY_TASK_DEFAULT_QUEUE": queue,
                "STATIC_ROOT": str(static_root),
                "MEDIA_ROOT": str(own / "media"),
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(own / "mail"),
                "DATABASE_POOL_MAX": "4",
                "PYTHONDONTWRITEBYTECODE": "1",
                "LOG_LEVEL": "INFO",
            }

        self.media = {host.name: folder / host.name / "media" for host in network.hosts}
        try:
            for host in (self.web_a, self.web_b):
                argv = [
                    *host.exec_prefix,
                    *(PYTHON, "-m", "gunicorn", "portal.wsgi:application"),
                    *("--bind", f"{host.address}:{self.ports[host.name]}", "--workers", "2", "--threads", "2"),
                    *("--worker-class", "gthread", "--no-control-socket", "--access-logfile", "-"),
                ]
                self.services.append(
                    Service(f"gunicorn on {host.name}", argv, folder / f"{host.name}.log", environment(host))
                )
            worker_argv = [
                *self.worker_host.exec_prefix,
                *(PYTHON, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO", "-Q", queue),
                *("-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            ]
            self.worker = Service(
                f"worker on {self.worker_host.name}", worker_argv, folder / "worker.log", environment(self.worker_host)
            )
            self.services.append(self.worker)
            self.worker.wait_for(lambda: "ready." in self.worker.text(), 90, "the worker to be ready")
            for host, service in zip((self.web_a, self.web_b), self.services, strict=False):
                service.wait_for(lambda host=host: self._healthy(host), 90, "gunicorn to be healthy")
        except BaseException:
            self.stop()
            raise

    def url(self, host: Host) -> str:
        return f"http://{host.address}:{self.ports[host.name]}"

    def _healthy(self, host: Host) -> bool:
        try:
            answer = requests.get(self.url(host) + "/healthz", timeout=10)
        except requests.RequestException:
            return False
        return answer.status_code == 200 and answer.json()["status"] == "ok"

    def stop(self) -> None:
        for service in self.services:
            service.stop()


@pytest.fixture
def portal_hosts(network, shared_servers, tmp_path):
    hosts = PortalHosts(network, shared_servers["env"], tmp_path / "hosts")
    try:
        yield hosts
    finally:
        hosts.stop()


def session_for(base_url: str) -> requests.Session:
    session = requests.Session()
    prepare_session(session, base_url)
    return session


def compliance_links(html: str) -> dict[str, str]:
    root = main(parse(html))
    section = next(find_all(root, "section", **{"aria-labelledby": "compliance-heading"}))
    return links(section)


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_two_web_hosts_and_a_worker_host_serve_one_portal(network, shared_servers, portal_hosts):
    a_url, b_url = portal_hosts.url(portal_hosts.web_a), portal_hosts.url(portal_hosts.web_b)
    if network.isolated:
        assert len({a_url, b_url}) == 2
        assert portal_hosts.web_a.address != portal_hosts.web_b.address  # two hosts, two addresses

    # A session started on A works on B: the same cookies, another host.
    on_a = session_for(a_url)
    assert login(on_a, a_url, OFFICER, timeout=30).status_code == 302
    on_b = session_for(b_url)
    for cookie in on_a.cookies:
        on_b.cookies.set(cookie.name, cookie.value)
    before = on_b.get(f"{b_url}/kommuner/{LUND}/", allow_redirects=False, timeout=30)
    assert before.status_code == 200  # not the sign-in page
    assert [text(h1) for h1 in find_all(parse(before.text), "h1")] == ["Lund"]
    name = f"Åtgärdsprogram {uuid.uuid4().hex[:6]}.pdf"
    assert name not in compliance_links(before.text).values()

    # A document uploaded through A: B's next page lists it, and B serves it.
    compliance = f"{a_url}/kommuner/{LUND}/efterlevnad/action_programme/"
    form = form_with(on_a.get(compliance, timeout=30).text, "document")
    form.fields.update(status="in_place", date="2026-01-15")
    uploaded = on_a.post(
        compliance,
        data=form.fields,
        files={"document": (name, PDF, "application/pdf")},
        allow_redirects=False,
        timeout=60,
    )
    assert uploaded.status_code == 302, uploaded.text[-2000:]
    after = on_b.get(f"{b_url}/kommuner/{LUND}/", allow_redirects=False, timeout=30)
    (href,) = [href for href, label in compliance_links(after.text).items() if label == name]
    download = on_b.get(b_url + href, timeout=30)
    assert download.status_code == 200
    assert download.content == PDF

    # A report ordered on A, built by the worker on C, served by B.
    reports = f"{a_url}/kommuner/{LUND}/rapporter/"
    order = form_with(on_a.get(reports, timeout=30).text, "period_start")
    ordered = on_a.post(reports, data=order.fields, allow_redirects=False, timeout=60)
    assert ordered.status_code == 302, ordered.text[-2000:]
    pk = report_id(ordered.headers["Location"])

    def finished() -> str | None:
        with psycopg.connect(shared_servers["postgres"].url(shared_servers["database"])) as conn:
            status, file = conn.execute("SELECT status, file FROM portal_report WHERE id = %s", (pk,)).fetchone()
        return (status, file) if status in {"done", "failed"} else None

    status, file = wait_for(finished, seconds=180, interval=1)
    assert status == "done", portal_hosts.worker.tail()
    assert "portal.tasks.build_report" in portal_hosts.worker.text()
    pdf = on_b.get(f"{b_url}/rapporter/{pk}/fil/", timeout=60)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    stored = shared_servers["store"].checksums(shared_servers["bucket"])
    assert stored[file] == hashlib.sha256(pdf.content).hexdigest()
    assert f"GET /rapporter/{pk}/fil/" in portal_hosts.services[1].text()  # B's access log
    assert f"GET /rapporter/{pk}/fil/" not in portal_hosts.services[0].text()  # not A's

    # Every file is in the object store; no host kept one on its own disk.
    for folder in portal_hosts.media.values():
        assert files_under(folder) == []
