"""``/healthz``: the database decides, the broker and the store are reported, and it answers on the plain internal hop.

The in-process tests ask the site as the test client does; the others start gunicorn with production
settings, as the container runs it, and ask over plain HTTP from loopback with a host name the site
does not serve, as the container's health check and the proxy's probe do.
"""

import json

import pytest
import requests

from tests.deployment.objectstore import ObjectStoreServer, use_bucket
from tests.resilience.stack import free_port

pytestmark = pytest.mark.django_db


def test_it_answers_ok_when_the_database_the_broker_and_the_folder_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "store": "ok"}}


def test_it_stays_200_and_says_degraded_when_only_the_store_is_down(client, settings, tmp_path):
    server = ObjectStoreServer(tmp_path)
    server.start()
    use_bucket(settings, server)
    assert client.get("/healthz").json()["checks"]["store"] == "ok"
    server.stop()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "ok", "store": "unavailable"},
    }


def test_it_stays_200_and_says_degraded_when_the_folder_cannot_take_files(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_text("a file where the folder should be")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "store": "unavailable"}


def dead_port_url(scheme: str, path: str = "") -> str:
    return f"{scheme}://127.0.0.1:{free_port()}{path}"


def health(url: str) -> tuple[int, dict]:
    response = requests.get(url + "/healthz", timeout=30, allow_redirects=False)
    return response.status_code, json.loads(response.content)


def test_under_production_settings_it_answers_plain_http_while_every_page_is_redirected_to_https(gunicorn):
    url = gunicorn()
    assert health(url) == (200, {"status": "ok", "checks": {"database": "ok", "broker": "ok", "store": "ok"}})
    # What the old container check asked for: the login page, redirected to HTTPS (which gunicorn does not speak).
    login = requests.get(
        url + "/accounts/login/", headers={"Host": "trygghetsportalen.example.se"}, allow_redirects=False, timeout=10
    )
    assert login.status_code == 301
    assert login.headers["Location"] == "https://trygghetsportalen.example.se/accounts/login/"


def test_under_production_settings_a_database_that_does_not_answer_is_503(gunicorn):
    url = gunicorn(DATABASE_URL=dead_port_url("postgres", "/trygghetsportalen"))
    status, body = health(url)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"


def test_under_production_settings_the_broker_and_the_store_down_are_reported_without_failing(gunicorn, tmp_path):
    store = ObjectStoreServer(tmp_path)  # never started: nothing answers on its port
    url = gunicorn(REDIS_URL=dead_port_url("redis", "/0"), **store.env("portal-files"))
    status, body = health(url)
    assert (status, body) == (
        200,
        {"status": "degraded", "checks": {"database": "ok", "broker": "unavailable", "store": "unavailable"}},
    )
