"""A county coordinator adds the county's own actor in the browser, warned of a similar national one."""

import re

import pytest
from playwright.sync_api import expect

from actions.models import Actor
from tests.factories import PASSWORD, ActorFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_adds_an_actor_after_the_similar_name_warning(page, a11y, world):
    ActorFactory(name="Polisen Region Mitt", county=None, kind="police")
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Aktörer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktörer: Skåne län")
    national = page.get_by_role("table", name="Nationella aktörer")
    expect(national).to_contain_text("Polisen Region Mitt")
    expect(national.get_by_role("link", name=re.compile("^Redigera"))).to_have_count(0)
    a11y.check(page)

    page.get_by_role("link", name="Ny aktör").click()
    a11y.check(page)
    page.get_by_label("Namn").fill("Polisen Region")
    page.get_by_label("Typ").select_option("police")
    page.get_by_role("button", name="Spara", exact=True).click()
    warning = page.get_by_role("alert").filter(has_text="Aktörer med liknande namn")
    expect(warning).to_contain_text("Polisen Region Mitt (nationell aktör)")
    expect(page.get_by_label("Namn")).to_have_value("Polisen Region")
    a11y.check(page)
    assert not Actor.objects.filter(name="Polisen Region").exists()

    page.get_by_role("button", name="Spara ändå").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Polisen Region")
    expect(page.get_by_role("status")).to_contain_text("Aktören ”Polisen Region” är tillagd.")
    expect(page.get_by_role("region", name="Ändringshistorik")).to_contain_text("Lade till aktör: Polisen Region")
    a11y.check(page)
    assert Actor.objects.get(name="Polisen Region").county == world.own_county
