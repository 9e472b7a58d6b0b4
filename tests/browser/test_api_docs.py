"""The API documentation page as a developer reads it: in the portal's frame, Swedish by default,
English with the language switch, signed in or not, with zero axe-core violations."""

import os

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep screenshots of the page at 1366 px and 375 px.
SCREENSHOTS = os.environ.get("API_DOCS_SCREENSHOTS")


def read_docs(page, a11y, *, lang: str, h1: str, endpoints: str, parameters: str, schema_link: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    expect(page.get_by_role("main")).to_be_visible()
    table = page.get_by_role("table", name=endpoints)
    expect(table).to_be_visible()
    # Grouped by resource: five resources, each with its list and its single object, and a plan's
    # measures and a pledge's commitments at addresses of their own.
    expect(table.locator("tbody")).to_have_count(5)
    expect(table.get_by_role("link")).to_have_count(12)
    expect(table.get_by_role("link", name="GET /api/plans/", exact=True)).to_have_attribute("href", "#plans-list")
    # Each operation's parameters are a table of their own, found by its caption.
    params = page.get_by_role("table", name=parameters)
    expect(params.get_by_role("rowheader", name="county")).to_be_visible()
    expect(params.get_by_role("rowheader", name="period_from")).to_be_visible()
    expect(page.get_by_role("link", name=schema_link)).to_have_attribute("href", "/api/schema/")
    a11y.check(page)
    # On a phone the page reflows: nothing wider than the screen, no sideways scrolling (WCAG 1.4.10).
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    a11y.check(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/api-docs-{lang}-375.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=f"{SCREENSHOTS}/api-docs-{lang}-1366.png")
    page.set_viewport_size({"width": 1280, "height": 720})


def switch_language(page, button: str, language: str) -> None:
    page.locator("#language-select").select_option(language)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


def test_the_api_documentation_reads_in_swedish_and_english_signed_in_or_not(page, a11y, world):
    page.goto("/api/docs/")
    read_docs(
        page,
        a11y,
        lang="sv",
        h1="API-dokumentation",
        endpoints="Alla anrop i API:t",
        parameters="Parametrar för GET /api/plans/",
        schema_link="OpenAPI-schemat (YAML)",
    )
    # Anonymous readers are told how to get a key.
    expect(page.get_by_role("link", name="Logga in för att skapa en nyckel")).to_be_visible()

    switch_language(page, "Byt språk", "en")
    expect(page).to_have_url("/api/docs/")
    read_docs(
        page,
        a11y,
        lang="en",
        h1="API documentation",
        endpoints="Every endpoint of the API",
        parameters="Parameters of GET /api/plans/",
        schema_link="The OpenAPI schema (YAML)",
    )

    switch_language(page, "Change language", "sv")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    a11y.check(page)

    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto("/api/docs/")
    read_docs(
        page,
        a11y,
        lang="sv",
        h1="API-dokumentation",
        endpoints="Alla anrop i API:t",
        parameters="Parametrar för GET /api/plans/",
        schema_link="OpenAPI-schemat (YAML)",
    )
    # The page is in the portal's frame: the signed-in navigation, and the way to the user's keys.
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
    expect(page.get_by_role("link", name="Skapa och återkalla dina nycklar")).to_have_attribute("href", "/api/nycklar/")

    switch_language(page, "Byt språk", "en")
    read_docs(
        page,
        a11y,
        lang="en",
        h1="API documentation",
        endpoints="Every endpoint of the API",
        parameters="Parameters of GET /api/plans/",
        schema_link="The OpenAPI schema (YAML)",
    )
    expect(page.get_by_role("link", name="Create and revoke your keys")).to_be_visible()
