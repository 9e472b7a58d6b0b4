"""Production settings refuse unsafe values, and `check --deploy` is clean with real ones."""

import ast

from django.conf import settings

from tests.helpers import PRODUCTION_ENV, manage, python


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION_PACKAGES = ("portal", "municipalities", "actions", "agreements")


def _imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_production_installs_no_development_tooling():
    """The scale-data generator and the benchmark commands (devtools/) exist outside production only.

    Production code imports neither them nor Django's test utilities, and no environment
    variable swaps its URLconf or its middleware.
    """
    offending = sorted(
        f"{path.relative_to(settings.BASE_DIR)}: {name}"
        for package in PRODUCTION_PACKAGES
        for path in (settings.BASE_DIR / package).rglob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] == "devtools" or name == "django.test" or name.startswith("django.test.")
    )
    assert offending == []
    code = (
        "import sys, django; django.setup(); from django.apps import apps; from django.conf import settings; "
        "from django.core.management import get_commands; from django.urls import get_resolver; "
        "get_resolver().url_patterns; import portal.wsgi, portal.tasks; "
        "print(apps.is_installed('devtools'), settings.ROOT_URLCONF, settings.MIDDLEWARE[0], "
        "'generate_scale_data' in get_commands(), "
        "sorted(m for m in sys.modules if m == 'devtools' or m.startswith('devtools.')))"
    )
    result = python("-c", code, DJANGO_SETTINGS_MODULE="portal.settings", BENCH_SERVER_TIMING="1", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "portal.urls",
        "django.middleware.security.SecurityMiddleware",
        "False",
        "[]",
    ]
    development = python(
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_ENV="development",
        DATABASE_URL=PRODUCTION_ENV["DATABASE_URL"],
    )
    assert development.returncode == 0, development.stderr
    assert development.stdout.split()[0] == "True"
    assert development.stdout.split()[3] == "True"


def test_production_refuses_the_development_secret_key():
    result = manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "requires SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", **{**PRODUCTION_ENV, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "requires ALLOWED_HOSTS" in result.stderr


def test_security_headers_on_every_response(client, db):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_swedish_is_the_default_with_iso_dates_and_swedish_numbers(client, db):
    import datetime

    from django.utils import formats, translation

    with translation.override("sv"):
        assert formats.date_format(datetime.date(2025, 3, 14)) == "2025-03-14"
        assert formats.number_format(1234.5, decimal_pos=1, use_l10n=True, force_grouping=True) == "1\xa0234,5"
    assert client.get("/accounts/login/").content.decode().startswith('<!doctype html>\n\n<html lang="sv">')


def test_swedish_even_when_the_browser_prefers_english_until_the_user_switches(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Logga in i Trygghetsportalen" in page.content.decode()
    assert page["Content-Language"] == "sv"
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Sign in to Trygghetsportalen" in client.get("/accounts/login/").content.decode()
