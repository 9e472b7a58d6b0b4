"""A municipal officer records an agreement and a pledge with its follow-up; the county reviews it."""

import pytest
from playwright.sync_api import expect

from agreements.models import CitizenPledge, CooperationAgreement, FollowUp, QualityReview
from agreements.services import ensure_national_focus_areas
from tests.factories import PASSWORD
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_an_agreement_and_a_pledge_and_the_county_reviews_it(page, a11y, world):
    ensure_national_focus_areas()
    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto("/kommuner/1281/overenskommelser/")
    expect(page.get_by_text("Ingen överenskommelse är registrerad.")).to_be_visible()
    a11y.check(page)

    page.get_by_role("link", name="Ny samverkansöverenskommelse").click()
    a11y.check(page)
    page.get_by_label("Titel").fill("Samverkansöverenskommelse Lund 2024–2027")
    page.get_by_label("Lokalpolisområde").fill("Lokalpolisområde Lund")
    page.get_by_label("Från år").fill("2024")
    page.get_by_label("Till år").fill("2027")
    page.get_by_label("Undertecknad den").fill("2024-03-11")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Steg i Brås process").select_option("implementation")
    page.get_by_label("Barn och unga").check()
    page.get_by_label("Brott mot äldre personer").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samverkansöverenskommelse Lund 2024–2027")
    a11y.check(page)
    assert CooperationAgreement.objects.get().focus_areas.count() == 2

    page.goto("/kommuner/1281/medborgarloften/ny/")
    a11y.check(page)
    page.get_by_label("Titel").fill("Medborgarlöfte Lund 2026")
    page.get_by_label("Överenskommelse").select_option(label="Samverkansöverenskommelse Lund 2024–2027")
    page.get_by_label("Period från").fill("2026-01-01")
    page.get_by_label("Period till").fill("2026-06-30")
    page.get_by_label("Bakgrund").fill("Lägesbilden visar otrygghet vid stationen kvällstid.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Åtaganden")
    a11y.check(page)
    page.locator("#id_commitments-0-commitment").fill("Trygghetsvandringar vid stationen varje månad.")
    page.locator("#id_commitments-0-party").select_option("both")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medborgarlöfte Lund 2026")
    a11y.check(page)

    page.get_by_role("link", name="Redigera löftet").click()
    a11y.check(page)
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medborgarlöfte Lund 2026")
    expect(page.get_by_role("status")).to_contain_text("Löftet ”Medborgarlöfte Lund 2026” är sparat.")
    a11y.check(page)

    page.get_by_role("link", name="Registrera en uppföljning").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registrera en uppföljning")
    a11y.check(page)
    item = page.get_by_role("group", name="Punkt 1 av 1")
    expect(item).to_contain_text("Trygghetsvandringar vid stationen varje månad.")
    item.get_by_role("combobox").select_option("done")
    page.get_by_label("Samlad bedömning").select_option("good")
    page.get_by_label("Sammanfattning").fill("Vandringarna genomfördes varje månad.")
    page.get_by_role("button", name="Spara uppföljningen").click()
    expect(page.get_by_role("region", name="Uppföljningar")).to_contain_text("Vandringarna genomfördes")
    a11y.check(page)
    assert FollowUp.objects.count() == 1
    pledge = CitizenPledge.objects.get()

    page.get_by_role("button", name="Logga ut").click()
    a11y.check(page)
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.goto(f"/medborgarloften/{pledge.pk}/granskning/")
    a11y.check(page)
    for label in ("Bygger på en lägesbild", "Orsaksanalys finns", "Målen är specifika och mätbara"):
        page.get_by_label(label).fill("2")
    for label in ("Varje åtagande har en ägare", "Medborgardialog har hållits", "Perioden är angiven"):
        page.get_by_label(label).fill("3")
    page.get_by_label("Uppföljning och kommunikation är planerad").fill("2")
    page.get_by_label("Jämställdhetsperspektivet är beaktat").fill("1")
    page.get_by_role("button", name="Spara granskningen").click()
    expect(page.get_by_role("region", name="Länsstyrelsens kvalitetsgranskningar")).to_contain_text("18 av 24 poäng")
    a11y.check(page)
    assert QualityReview.objects.get().total == 18

    page.goto("/lan/12/overenskommelser/")
    expect(page.get_by_test_id("agreements-overview")).to_contain_text("75 %")
    a11y.check(page)
