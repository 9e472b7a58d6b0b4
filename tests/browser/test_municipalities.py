"""County coordinators and municipal officers keep the municipality picture current in the browser."""

import re

import pytest
from playwright.sync_api import expect

from municipalities.models import ComplianceDocument, KeyFigure
from tests.factories import MINIMAL_PDF, PASSWORD, ComplianceItemFactory, KeyFigureFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_filters_the_county_overview_and_opens_a_municipality(page, a11y, world):
    KeyFigureFactory(municipality=world.own_municipality, year=2023, population=127000, reported_crimes=15000)
    KeyFigureFactory(municipality=world.own_municipality, year=2024, population=128000, reported_crimes=14000)
    ComplianceItemFactory(municipality=world.own_municipality, obligation="situation_analysis", status="in_progress")
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)

    page.goto("/lan/12/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skåne län")
    expect(page.get_by_test_id("county-overview")).to_contain_text("Hässleholm")
    a11y.check(page)

    page.get_by_label("Skyldighet").select_option("situation_analysis")
    page.get_by_label("Läge", exact=True).select_option("in_progress")
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.get_by_role("status").last).to_have_text("Visar 1 av 2 kommuner.")
    a11y.check(page)

    page.get_by_test_id("county-overview").get_by_role("link", name="Lund").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lund")
    expect(page.locator("svg.chart")).to_have_attribute("role", "img")
    a11y.check(page)


def test_officer_records_a_situation_analysis_with_its_document(page, a11y, world, tmp_path):
    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto("/kommuner/1281/efterlevnad/situation_analysis/")
    a11y.check(page)

    page.get_by_label("Status").select_option("in_place")
    page.get_by_label("Datum").fill("2024-08-30")
    page.get_by_label("innehåller en kartläggning av brottsligheten").check()
    bad = tmp_path / "lägesbild.pdf"
    bad.write_bytes(b"GIF89a not a pdf")
    page.get_by_label("Lägg till ett dokument").set_input_files(str(bad))
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Filen är inte ett PDF- eller Word-dokument")
    assert not ComplianceDocument.objects.exists()
    a11y.check(page)

    good = tmp_path / "Lägesbild Lund 2024.pdf"
    good.write_bytes(MINIMAL_PDF)
    page.get_by_label("Lägg till ett dokument").set_input_files(str(good))
    page.get_by_role("button", name="Spara").click()
    expect(page).to_have_url(re.compile(r"/kommuner/1281/$"))
    expect(page.get_by_role("status")).to_contain_text("Lägesbild är sparad.")
    expect(page.get_by_role("link", name="Lägesbild Lund 2024.pdf")).to_be_visible()
    expect(page.get_by_role("heading", name="Ändringshistorik")).to_be_visible()
    a11y.check(page)


def test_officer_edits_key_figures_and_sees_the_chart(page, a11y, world):
    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto("/kommuner/1281/nyckeltal/")
    a11y.check(page)
    # One row per kind and year: the population first, then "Lägg till rad" for the reported crimes.
    for row, (kind, value) in enumerate((("Folkmängd", "128000"), ("Anmälda brott", "14870"))):
        if row:
            page.get_by_role("button", name="Lägg till rad").click()
        fields = page.get_by_role("group", name="Ny rad").nth(row)
        fields.get_by_label("Slag av nyckeltal").select_option(label=kind)
        fields.get_by_label("År").fill("2024")
        fields.get_by_label("Värde").fill(value)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Nyckeltalen för Lund är sparade.")
    expect(page.locator("svg.chart")).to_be_visible()
    assert KeyFigure.objects.get(kind__code="reported_crimes").value == 14870
    a11y.check(page)


def test_coordinator_imports_key_figures_and_sees_row_errors(page, a11y, world, tmp_path):
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.goto("/nyckeltal/import/")
    a11y.check(page)
    bad = tmp_path / "nyckeltal.csv"
    bad.write_text("kommunkod;år;folkmängd;anmälda brott\n1281;2024;128 000;14 870\n9999;2024;1;1\n", encoding="utf-8")
    page.get_by_label("CSV-fil").set_input_files(str(bad))
    page.get_by_role("button", name="Kontrollera och importera").click()
    expect(page.locator("#import-errors")).to_contain_text("Rad 3: Det finns ingen kommun med koden 9999.")
    assert not KeyFigure.objects.exists()
    a11y.check(page)
