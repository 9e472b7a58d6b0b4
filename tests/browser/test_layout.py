"""The page frame and the busiest pages on a phone and a laptop, as each role sees them.

WCAG 1.4.10 (reflow): from 320 px up the page never gets wider than the screen: a data table that
does not fit scrolls within itself or shows its rows as cards, and the header folds into a menu.
On a 1366 px laptop the header of a county user fits on its rows with no label broken over two
lines, and a long user name is cut short without pushing "Logga ut" off the screen. Chart text
stays readable on a phone.
"""

import datetime

import pytest
from playwright.sync_api import expect

from agreements.models import Deliverable
from core.roles import Role
from tests.factories import (
    PASSWORD,
    ActionPlanFactory,
    AgreementFactory,
    ComplianceItemFactory,
    GrantFactory,
    KeyFigureFactory,
    MeasureActorFactory,
    MeasureFactory,
    PledgeFactory,
    UserFactory,
    national_statuses,
    progress_update,
)
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()  # noqa: DTZ011 - test data relative to the server's day
DAY = datetime.timedelta(days=1)
WIDTHS = (320, 375, 1366)
USERS = {
    Role.COUNTY_COORDINATOR: "samordnare",
    Role.MUNICIPAL_OFFICER: "kommun",
    Role.ACTOR_CONTACT: "polis",
    Role.STEERING_GROUP: "styrgrupp",
    Role.NATIONAL_ADMIN: "admin",
}
LONG_NAME = "kristina.lindqvist.1234"  # 23 characters, and no first or last name to show instead

# How wide the page is, and what sticks out of it.
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth,
  screen: window.innerWidth,
  outside: [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute('class') || ''}`),
})"""
# The number of lines an element's text takes.
LINES = """(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
}"""
# The size chart text is drawn at on the screen: its font size times the chart's scale.
CHART_TEXT_PX = """(svg) => {
  const text = svg.querySelector('text');
  return parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
}"""


@pytest.fixture
def busy(world):
    """A county with a plan, deadlines, compliance and key figures: every table and chart on the pages."""
    national_statuses()
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    for number in range(1, 8):
        measure = MeasureFactory(plan=plan, number=number, title=f"Insats nummer {number} för ett tryggare län")
        MeasureActorFactory(measure=measure, actor=world.police, role="lead" if number % 2 else "participant")
        progress_update(measure, status_code="on_track", percent=10 * number, date=TODAY - number * 20 * DAY)
    agreement = AgreementFactory(municipality=world.own_municipality, title="Samverkansöverenskommelse Lund 2024–2027")
    for days in (3, 7, 12):
        Deliverable.objects.create(
            agreement=agreement,
            title=f"Lägesbild och åtgärdsplan till kommunstyrelsen {days}",
            due_date=TODAY + days * DAY,
        )
    PledgeFactory(
        municipality=world.own_municipality,
        agreement=agreement,
        title="Medborgarlöfte Lund 2026",
        period_start=TODAY - 300 * DAY,
        period_end=TODAY + 10 * DAY,
    )
    for obligation, status in (("situation_analysis", "in_place"), ("action_programme", "in_progress")):
        ComplianceItemFactory(
            municipality=world.own_municipality, obligation=obligation, status=status, date=TODAY, notes="Beslut i KS."
        )
    for year, population, crimes in ((2021, 124930, 13936), (2022, 125950, 14919), (2023, 126980, 14603)):
        KeyFigureFactory(municipality=world.own_municipality, year=year, population=population, reported_crimes=crimes)
    return world


def overflow_at(page, width: int) -> dict:
    page.set_viewport_size({"width": width, "height": 800})
    page.wait_for_timeout(50)  # one frame for the layout
    return page.evaluate(OVERFLOW)


def test_the_pages_fit_every_screen_from_320_px_as_every_role(page, a11y, busy):
    wider = []
    for role, username in USERS.items():
        page.set_viewport_size({"width": 1366, "height": 800})
        sign_in(page, a11y, username, PASSWORD)  # on to the dashboard
        for path in ("/", f"/kommuner/{busy.own_municipality.code}/"):
            if path != "/":
                page.goto(path)
            page.set_viewport_size({"width": 375, "height": 800})
            page.wait_for_timeout(50)
            a11y.check(page)  # axe-core where tables scroll or stack
            for width in WIDTHS:
                measured = overflow_at(page, width)
                if measured["page"] > measured["screen"]:
                    wider.append(f"{role} {path} at {width} px: {measured}")
        page.set_viewport_size({"width": 1366, "height": 800})
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_load_state("load")
        a11y.check(page)
    assert not wider, "pages wider than the screen:\n" + "\n".join(wider)


def test_the_compliance_table_shows_its_rows_as_cards_on_a_phone(page, a11y, busy):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto(f"/kommuner/{busy.own_municipality.code}/")
    a11y.check(page)
    table = page.get_by_role("table", name="Lagens skyldigheter och deras läge")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Lägesbild"))
    expect(row.get_by_role("cell").first).to_contain_text("Finns")
    update = row.get_by_role("link", name="Uppdatera Lägesbild")
    box = update.bounding_box()
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= 375, box


def test_a_county_users_header_fits_a_laptop_with_no_label_on_two_lines(page, a11y, busy):
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    items = [*nav.get_by_role("link").all(), *nav.get_by_role("button").all()]
    assert len(items) >= 8  # the county's pages, the password link and the sign-out button
    broken = [item.inner_text() for item in items if item.evaluate(LINES) != 1]
    assert not broken, f"labels on more than one line: {broken}"
    tops = {round(item.bounding_box()["y"]) for item in items}
    assert max(tops) - min(tops) < 10, f"the navigation and the account take more than one row: {sorted(tops)}"
    assert page.evaluate(OVERFLOW)["page"] <= 1366


def test_a_long_user_name_is_cut_short_and_sign_out_stays_on_the_screen(page, a11y, busy):
    user = UserFactory(username=LONG_NAME, first_name="", last_name="")
    GrantFactory(user=user, role=Role.COUNTY_COORDINATOR, county=busy.own_county)
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, a11y, LONG_NAME, PASSWORD)
    a11y.check(page)
    name = page.get_by_test_id("user-name")
    expect(name).to_have_text(LONG_NAME)  # the whole name for screen readers
    expect(page.locator(".portal-user")).to_have_attribute("title", LONG_NAME)  # and as a tooltip
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        menu = page.get_by_role("button", name="Visa eller dölj menyn")
        if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
            menu.click()
        sign_out = page.get_by_role("button", name="Logga ut")
        expect(sign_out).to_be_visible()
        box = sign_out.bounding_box()
        assert box["x"] >= 0, f"at {width} px: {box}"
        assert box["x"] + box["width"] <= width, f"at {width} px: {box}"
        assert page.evaluate(OVERFLOW)["page"] <= width, f"at {width} px: {page.evaluate(OVERFLOW)}"


@pytest.mark.parametrize(("username", "path"), [("samordnare", "/"), ("kommun", "/kommuner/1281/")])
def test_chart_text_is_readable_on_a_phone(page, a11y, busy, username, path):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, a11y, username, PASSWORD)
    if path != "/":
        a11y.check(page)
        page.goto(path)
    a11y.check(page)
    charts = page.locator("svg.chart")
    assert charts.count() >= 1
    sizes = [chart.evaluate(CHART_TEXT_PX) for chart in charts.all()]
    assert min(sizes) >= 11, f"chart text {sizes} px at 375 px"
    page.set_viewport_size({"width": 1366, "height": 800})
    sizes = [chart.evaluate(CHART_TEXT_PX) for chart in charts.all()]
    assert min(sizes) >= 12, f"chart text {sizes} px at 1366 px"
    assert max(sizes) <= 16, f"chart text {sizes} px at 1366 px"
