"""A municipal officer talks about a measure in its thread and chooses how the portal e-mails them."""

import re

import pytest
from playwright.sync_api import expect

from actions.models import Comment
from core.roles import Role
from tests.factories import PASSWORD
from tests.helpers import sign_in
from tests.worlds import with_plans

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_comments_mentions_a_colleague_and_chooses_a_daily_digest(page, a11y, world, tmp_path):
    world = with_plans(world)
    steering = world.user(Role.STEERING_GROUP)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto(f"/insatser/{world.own_measure.pk}/")
    expect(page.get_by_text("Ingen har skrivit något om insatsen ännu.")).to_be_visible()
    a11y.check(page)

    page.get_by_role("link", name=re.compile("Hela diskussionen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Diskussion: {world.own_measure}")
    expect(page.get_by_text("Ingen har skrivit något ännu.", exact=False)).to_be_visible()
    a11y.check(page)

    # An empty comment is refused next to the field.
    page.get_by_role("button", name="Publicera kommentaren").click()
    expect(page.get_by_role("textbox", name="Kommentar")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Detta fält måste fyllas i.")).to_be_visible()
    a11y.check(page)

    page.get_by_role("textbox", name="Kommentar").fill("Hur går det med rekryteringen?\n<b>Rad två</b>")
    page.get_by_label("Nämn").select_option(label=str(steering))
    page.get_by_role("button", name="Publicera kommentaren").click()
    expect(page.get_by_text("Din kommentar är publicerad.")).to_be_visible()
    comment = Comment.objects.get()
    item = page.locator(f"#kommentar-{comment.pk}")
    expect(item).to_contain_text("<b>Rad två</b>")
    expect(item).to_contain_text(f"Nämnda: {steering}")
    # Whoever writes follows the measure.
    expect(page.get_by_role("button", name="Sluta följa")).to_be_visible()
    a11y.check(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=tmp_path / "discussion-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("link", name="Min profil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min profil")
    a11y.check(page)
    page.get_by_role("group", name="Kommentarer om insatser du följer").get_by_label(
        "I en daglig sammanfattning"
    ).check()
    page.get_by_role("group", name=re.compile("Språk i portalen")).get_by_label("English").check()
    page.get_by_role("button", name="Spara inställningarna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    a11y.check(page)
    officer = world.user(Role.MUNICIPAL_OFFICER)
    officer.refresh_from_db()
    assert officer.language == "en"
    assert officer.notice_choices["comment"] == "daily"
