"""The plan page in the browser as a county coordinator: the summary and the measures table on the
first screen, the long description after them, its whole text opened from the keyboard, at
1366 px and at 375 px."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ActionPlanFactory, MeasureActorFactory, MeasureFactory, progress_update
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARAGRAPH = (
    "Länsstyrelsen samordnar det brottsförebyggande arbetet i länet tillsammans med kommunerna, "
    "Polisen, Region Skåne och Kriminalvården. Planen bygger på länets gemensamma lägesbild. "
) * 3
DESCRIPTION = "\n\n".join(PARAGRAPH.strip() for _ in range(8))
MEASURES_CAPTION = "Planens insatser med huvudaktör, status, framsteg och nästa förfallodatum"


@pytest.fixture
def plan(world):
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott", description=DESCRIPTION)
    first = MeasureFactory(plan=plan, number=1, title="Utvecklad avhopparverksamhet")
    MeasureActorFactory(measure=first, actor=world.police, role="lead")
    progress_update(first, percent=35)
    MeasureFactory(plan=plan, number=2, title="Trygghetsvandringar i centrum")
    return plan


@pytest.mark.parametrize("width", [1366, 375])
def test_the_measures_come_first_and_the_whole_description_opens_from_the_keyboard(page, a11y, plan, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.goto(plan.get_absolute_url())
    a11y.check(page)

    measures = page.get_by_role("table", name=MEASURES_CAPTION)
    about = page.get_by_role("heading", name="Om planen")
    expect(measures).to_be_visible()
    assert measures.bounding_box()["y"] < about.bounding_box()["y"]
    if width == 1366:  # the summary and the start of the measures on the first screen
        assert measures.bounding_box()["y"] < 900
    expect(page.get_by_text("18 %", exact=True).first).to_be_visible()

    full = page.get_by_test_id("description-full")
    expect(full).to_be_hidden()
    disclosure = page.get_by_text("Läs hela beskrivningen")
    disclosure.focus()
    page.keyboard.press("Enter")
    expect(full).to_be_visible()
    expect(full.locator("p")).to_have_count(8)
    a11y.check(page)
