"""A signed-in user searches from the header and finds a measure, the word highlighted."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ActionPlanFactory, MeasureFactory, PledgeFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_from_the_header_shows_highlighted_results(page, a11y, world):
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    MeasureFactory(
        plan=plan,
        title="Det brottsförebyggande arbetet",
        description="Kommunerna samordnar brottsförebyggande insatser med polisen.",
    )
    PledgeFactory(municipality=world.foreign_municipality, title="Brottsförebyggande i Solna")

    sign_in(page, a11y, "styrgrupp", PASSWORD)
    a11y.check(page)
    page.goto("/lan/12/")
    a11y.check(page)

    # The labels are "Sök" once the catalogue has the new strings; the ids hold either way.
    header_search = page.get_by_role("search")
    expect(header_search).to_have_count(1)
    header_search.get_by_role("searchbox").fill("brottsförebyggandet")
    header_search.get_by_role("button").click()
    page.wait_for_load_state("load")

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    results = page.get_by_test_id("search-results")
    expect(results.get_by_role("listitem")).to_have_count(1)
    item = results.get_by_role("listitem").first
    expect(item).to_contain_text("Insats")
    expect(item.get_by_role("link")).to_have_text("Det brottsförebyggande arbetet")
    expect(item.locator("mark").first).to_have_text("brottsförebyggande")
    expect(item.locator("p mark")).to_have_text("brottsförebyggande")
    # Nothing from the foreign county.
    expect(results).not_to_contain_text("Solna")
    # The query stays in both search boxes.
    expect(page.locator("#header-search-query")).to_have_value("brottsförebyggandet")
    expect(page.locator("#search-page-query")).to_have_value("brottsförebyggandet")
    a11y.check(page)

    page.locator("#search-page-query").fill("finnsinteiportalen")
    page.get_by_test_id("search-page-form").get_by_role("button").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("search-results")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("finnsinteiportalen")
    a11y.check(page)

    item_link = "Det brottsförebyggande arbetet"
    page.locator("#header-search-query").fill("brottsförebyggande")
    page.get_by_test_id("header-search").get_by_role("button").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_role("link", name=item_link).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(item_link)
    a11y.check(page)
