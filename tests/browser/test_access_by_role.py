"""What each role finds in the browser: a draft action plan is the county coordinators' own, and a
compliance document the municipality keeps to itself is not shown to the rest of the county."""

import re

import pytest
from playwright.sync_api import expect

from municipalities.models import ComplianceDocument
from tests.factories import MINIMAL_PDF, PASSWORD, ActionPlanFactory, MeasureFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page, a11y):
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state("load")
    a11y.check(page)


def test_a_draft_plan_is_listed_for_the_coordinator_and_not_found_by_the_actor_contact(page, a11y, world):
    ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott", status="active")
    draft = ActionPlanFactory(county=world.own_county, title="Planutkast 2027", status="draft")
    MeasureFactory(plan=draft, number=1, title="Nattvandring i utkastet")

    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.goto("/lan/12/handlingsplaner/")
    expect(page.get_by_role("link", name="Planutkast 2027")).to_be_visible()
    a11y.check(page)
    page.get_by_role("link", name="Planutkast 2027").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planutkast 2027")
    a11y.check(page)
    sign_out(page, a11y)

    sign_in(page, a11y, "polis", PASSWORD)
    a11y.check(page)
    page.goto("/lan/12/handlingsplaner/")
    expect(page.get_by_role("link", name="Skåne tillsammans mot brott")).to_be_visible()
    expect(page.get_by_role("link", name="Planutkast 2027")).to_have_count(0)
    a11y.check(page)
    page.goto("/sok/?q=nattvandring")
    expect(page.get_by_role("link", name=re.compile("Nattvandring"))).to_have_count(0)
    a11y.check(page)


def test_the_officer_shares_one_document_with_the_county_and_keeps_the_other(page, a11y, world, tmp_path):
    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    for name, choice in (("Lägesbild för länet.pdf", "Alla inloggade i länet"), ("Lägesbild internt.pdf", None)):
        page.goto("/kommuner/1281/efterlevnad/situation_analysis/")
        a11y.check(page)
        page.get_by_label("Status").select_option("in_place")
        page.get_by_label("Datum").fill("2025-08-30")
        file = tmp_path / name
        file.write_bytes(MINIMAL_PDF)
        page.get_by_label("Lägg till ett dokument").set_input_files(str(file))
        expect(page.get_by_label("Kommunen och länets samordnare")).to_be_checked()
        if choice:
            page.get_by_label(choice).check()
        page.get_by_role("button", name="Spara").click()
        expect(page).to_have_url(re.compile(r"/kommuner/1281/$"))
        a11y.check(page)
    compliance = page.get_by_role("region", name="Efterlevnad av lag (2023:196)")
    expect(compliance.get_by_role("link", name="Lägesbild för länet.pdf")).to_be_visible()
    expect(compliance.get_by_role("link", name="Lägesbild internt.pdf")).to_be_visible()
    expect(compliance).to_contain_text("(bara kommunen och länets samordnare)")
    assert dict(ComplianceDocument.objects.values_list("original_name", "visibility")) == {
        "Lägesbild för länet.pdf": "county",
        "Lägesbild internt.pdf": "municipality",
    }
    sign_out(page, a11y)

    sign_in(page, a11y, "polis", PASSWORD)
    a11y.check(page)
    page.goto("/kommuner/1281/")
    compliance = page.get_by_role("region", name="Efterlevnad av lag (2023:196)")
    expect(compliance.get_by_role("link", name="Lägesbild för länet.pdf")).to_be_visible()
    expect(compliance.get_by_role("link", name="Lägesbild internt.pdf")).to_have_count(0)
    a11y.check(page)
