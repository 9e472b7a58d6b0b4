"""Helper functions the test modules share, one per concern. Fixtures live in the ``conftest.py`` files.

- ``page_source(response)``: a response's HTML with white space folded, for a test that looks for
  markup or a phrase in the source. A page's elements, and an element's text as its reader gets it,
  are found with ``tests/parsed.py`` (``parse``, ``page``, ``text``, ``table``, …).
- ``signed_in(client, world, role)``: the client signed in as the world's user of a role (the
  ``client_as`` fixture).
- ``sign_in(page, a11y, username, password)``: a browser test signs in through the form.
- ``token_auth(key)``: the header an API caller sends its token in.
- ``PRODUCTION_ENV``, ``python(…)``, ``manage(…)``: Python (or ``manage.py``) in a process of its own,
  with production settings when given ``**PRODUCTION_ENV``.
- ``html_errors(documents)``: the W3C Nu HTML Checker's errors in pages, by URL (the browser tests'
  ``page`` fixture checks every page it kept with it).

The worlds tests run in are built in ``tests/worlds.py``, the factories are in ``tests/factories.py``,
the permission matrix is ``tests/matrix.py`` with every app's rows in ``tests/matrix_rows/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings


def page_source(response) -> str:
    """The response's HTML with every run of ASCII white space folded to one space (non-breaking
    spaces are kept, so a Swedish number reads as it is written)."""
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def signed_in(client, world, role: str):
    """``client``, signed in as ``world``'s user of ``role``."""
    client.force_login(world.user(role))
    return client


def sign_in(page, a11y, username: str, password: str) -> None:
    """Sign in through the login form in the browser (checking the form's page), and wait for the next page."""
    page.goto("/accounts/login/")
    a11y.check(page)
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("load")


SCREEN_WIDTHS = (1366, 375)
# How wide the page is: nothing may stick out sideways at 375 px (a table scrolls inside its own box).
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def screenshots(page, name: str, folder: Path) -> None:
    """The page at each of ``SCREEN_WIDTHS``, the whole page, into ``folder``; at 375 px nothing sticks out sideways."""
    for width in SCREEN_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate(PAGE_WIDTH) <= width, f"{name} is wider than {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})


def labelled(page, label: str):
    """The form control labelled exactly ``label`` (a required field's asterisk aside)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def token_auth(key: str) -> dict:
    """The request header that carries an API token: ``client.get(url, **token_auth(key))``."""
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


# Settings production accepts (with an in-memory database): pass as ``**PRODUCTION_ENV`` to ``python``.
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x7#kP2!mQ9zL4@vN8&wR3^tY6*uB1(cD5)eF0-gH2+jK4=lM6_nO8~pQ0|rS2<tU4>",
    "ALLOWED_HOSTS": "trygghetsportalen.example.se",
    "DATABASE_URL": "sqlite:///:memory:",
}


def python(*args: str, timeout: float | None = None, **env: str) -> subprocess.CompletedProcess:
    """``python *args`` in a process of its own, with ``env`` in place of this run's DEBUG, key and hosts."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return python("manage.py", *args, **env)


VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(documents: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The W3C Nu HTML Checker's errors in each ``(url, html)`` document, by URL (only URLs with errors).

    One Java process validates them all: starting the JVM costs a second, a page a few milliseconds.
    """
    java = os.environ.get("JAVA") or shutil.which("java")
    if not java:
        pytest.fail("Java is missing: `make test` installs default-jre-headless for the Nu HTML Checker, or set JAVA.")
    if not VNU_JAR.exists():
        pytest.fail(f"The Nu HTML Checker is missing at {VNU_JAR}: `make setup` installs it (npm vnu-jar).")
    if not documents:
        return {}
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        urls = {}
        for number, (url, html) in enumerate(documents):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            urls[path.name] = url
        command = [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only", *sorted(urls)]
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"The Nu HTML Checker did not answer (exit {result.returncode}): {result.stderr[-2000:]}")
    errors: dict[str, list[str]] = {}
    for message in messages:
        if message.get("type") == "info":
            continue
        url = urls.get(Path(message.get("url", "")).name, message.get("url", "?"))
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        extract = f" [{message['extract'].strip()[:160]}]" if message.get("extract") else ""
        errors.setdefault(url, []).append(f"{where}{message.get('message', '')}{extract}")
    return errors
