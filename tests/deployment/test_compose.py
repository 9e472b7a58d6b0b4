"""``docker-compose.yml`` as the deployment it describes: migrations once, health checks that can pass, one beat.

No container runs here: the file is read as compose reads it (YAML with merge keys), and the web
service's health check command is run as the container runs it, against gunicorn under the
compose file's production settings.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.resilience.stack import free_port

COMPOSE = Path(settings.BASE_DIR) / "docker-compose.yml"
PORTAL_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def command(service: dict) -> str:
    value = service.get("command", "")
    return " ".join(value) if isinstance(value, list) else value


def test_migrations_run_once_in_a_one_shot_service_that_every_portal_process_waits_for(services):
    assert "manage.py migrate" in command(services["migrate"])
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in command(services[name]), name
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name


def test_every_portal_process_runs_production_settings_with_files_in_the_shared_object_store(services):
    for name in PORTAL_SERVICES:
        environment = services[name]["environment"]
        assert environment["DJANGO_ENV"] == "production", name
        assert environment["OBJECT_STORE_BUCKET"], name
        assert "MEDIA_ROOT" not in environment, name
        assert "volumes" not in services[name], name  # nothing on one host's disk


def test_the_web_service_scales_behind_the_tls_proxy_and_beat_is_one(services):
    assert "ports" not in services["web"]  # replicas would fight over a published port
    assert "web:8000" in command(services["proxy"])
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    assert "deploy" not in services["beat"]


def test_the_web_health_check_passes_against_gunicorn_under_production_settings(services, gunicorn):
    check = services["web"]["healthcheck"]["test"]
    assert check[0] == "CMD"
    assert "/healthz" in check[-1]
    url = gunicorn()  # SECURE_SSL_REDIRECT on, as in the compose file
    argv = [part.replace("http://127.0.0.1:8000", url) for part in check[1:]]
    assert argv[0] == "python"
    result = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr


def test_the_web_health_check_fails_when_the_database_does_not_answer(services, gunicorn):
    url = gunicorn(DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/trygghetsportalen")
    check = services["web"]["healthcheck"]["test"]
    argv = [part.replace("http://127.0.0.1:8000", url) for part in check[2:]]
    result = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "503" in result.stderr
