"""A national administrator finds a person, reads where the portal holds their data, and removes them."""

import pytest
from playwright.sync_api import expect

from core.roles import Role
from municipalities.models import CouncilMember
from portal.models import User
from tests.factories import PASSWORD, CouncilMemberFactory, GrantFactory, UserFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_finds_a_person_and_removes_them(page, a11y, world):
    anna = UserFactory(username="anna.a", first_name="Anna", last_name="Andersson", email="anna.andersson@lund.se")
    GrantFactory(user=anna, role=Role.MUNICIPAL_OFFICER, municipality=world.own_municipality)
    member = CouncilMemberFactory(municipality=world.own_municipality, name="Anna Andersson", role="Ordförande")

    sign_in(page, a11y, "admin", PASSWORD)
    a11y.check(page)
    page.get_by_role("link", name="Personuppgifter", exact=True).first.click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personuppgifter")
    a11y.check(page)

    page.get_by_label("Namn, e-postadress eller användarnamn").fill("andersson")
    page.get_by_role("button", name="Sök").last.click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_role("link", name="Anna Andersson").first.click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personuppgifter: Anna Andersson")
    a11y.check(page)

    # The PDF is produced in the background: its page says it is queued (no worker runs in this test).
    page.get_by_role("button", name="Ta fram en PDF").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Utdrag av personuppgifter: Anna Andersson")
    expect(page.get_by_role("status")).to_contain_text("kö")
    a11y.check(page)
    page.go_back()
    page.wait_for_load_state("load")
    a11y.check(page)

    page.get_by_role("link", name="Ta bort personuppgifterna …").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta bort personuppgifterna: Anna Andersson")
    expect(page.get_by_role("checkbox")).to_be_checked()
    a11y.check(page)
    page.get_by_role("button", name="Ta bort personuppgifterna").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personuppgifter")
    expect(page.get_by_role("status")).to_contain_text("Tidigare användare")
    a11y.check(page)

    anna.refresh_from_db()
    assert (anna.get_full_name(), anna.is_active) == ("Tidigare användare", False)
    assert CouncilMember.objects.get(pk=member.pk).name == "Tidigare användare"
    assert not User.objects.filter(last_name="Andersson").exists()
