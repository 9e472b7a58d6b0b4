"""Playwright driving Debian's Chromium against the live server, with axe-core and the W3C Nu
HTML Checker on every page.

Every document the browser loads must be checked with ``a11y.check(page)`` before the
next navigation (or the end of the test); the ``page`` fixture fails a test that let a
page go by unchecked, so "every page the browser tests visit" is enforced, not hoped for.
``a11y.check`` also keeps the page's markup as the browser holds it; at the end of the test the
``page`` fixture validates every kept page with the Nu HTML Checker (npm ``vnu-jar``, one Java run
for all of them) and fails the test with the errors listed by URL.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import html_errors

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class A11yTracker:
    """Counts loaded documents and axe checks; one check is owed per document."""

    def __init__(self) -> None:
        self.owed: list[str] = []
        self.missed: list[str] = []
        self.checked: list[str] = []
        self.documents: list[tuple[str, str]] = []  # (url, markup) of every checked page, for the Nu checker
        self.axe_source = (Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js").read_text()

    def on_load(self, page) -> None:
        if self.owed:
            self.missed.extend(self.owed)
        self.owed = [page.url]

    def check(self, page) -> None:
        """Run axe-core on the current page: zero WCAG 2.1 A/AA violations."""
        page.wait_for_load_state("load")
        self.documents.append((page.url, page.content()))  # before axe-core adds anything to the page
        page.evaluate(self.axe_source)
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        assert not violations, f"axe-core found violations on {page.url}:\n{json.dumps(violations, indent=2)}"
        self.checked.append(page.url)
        self.owed = []


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs it, or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def a11y():
    return A11yTracker()


@pytest.fixture
def page(browser, live_server, a11y):
    """A fresh browser tab on the live server; console errors (CSP included) fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(f"{msg.text} ({page.url})") if msg.type == "error" else None)
    page.on("load", lambda: a11y.on_load(page))
    yield page
    context.close()
    assert not console_errors, f"The browser console showed errors: {console_errors}"
    missed = a11y.missed + a11y.owed
    assert not missed, f"Pages loaded without an accessibility check: {missed}"
    invalid = html_errors(a11y.documents)
    assert not invalid, "The Nu HTML Checker found errors:\n" + "\n".join(
        f"{url}:\n  " + "\n  ".join(messages) for url, messages in invalid.items()
    )
