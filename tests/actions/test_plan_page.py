"""The plan page as a coordinator reads it: the figures first (summary, the measures table), then
the plan's description, shortened with a way to read all of it; counts in Swedish plural forms;
progress written the one way the portal writes a percentage."""

import datetime
from decimal import Decimal

import pytest

from core.formatting import EXCERPT_CHARS
from core.roles import Role
from tests.factories import MeasureFactory, progress_update
from tests.parsed import XHTML, elements, parse, text

pytestmark = pytest.mark.django_db

MEASURES_CAPTION = "Planens insatser med huvudaktör, status, framsteg och nästa förfallodatum"
PARAGRAPH = (
    "Länsstyrelsen samordnar det brottsförebyggande arbetet i länet tillsammans med kommunerna, "
    "Polisen, Region Skåne och Kriminalvården. Planen bygger på länets gemensamma lägesbild. "
)
LONG = "\n\n".join((PARAGRAPH * 3).strip() for _ in range(8))  # some 4 000 characters in eight paragraphs


def _page(client, world, plan):
    client.force_login(world.user(Role.COUNTY_COORDINATOR))
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return parse(response.content)


def _one(root, predicate, what):
    found = [e for e in root.iter() if predicate(e)]
    assert len(found) == 1, f"{what}: {len(found)} found"
    return found[0]


def _table(root, caption):
    return _one(
        root,
        lambda e: e.tag == f"{XHTML}table" and any(text(c) == caption for c in e.iter(f"{XHTML}caption")),
        f"table captioned {caption!r}",
    )


def _heading(root, name):
    return _one(root, lambda e: e.tag in {f"{XHTML}h{n}" for n in range(1, 7)} and text(e) == name, name)


def _test_id(root, value):
    return [e for e in root.iter() if e.get("data-testid") == value]


def _position(root, element) -> int:
    return list(root.iter()).index(element)


def test_the_summary_and_the_measures_come_before_a_long_description(client, world):
    plan = world.own_plan
    plan.description = LONG
    plan.save()
    assert len(LONG) > 3500
    page = _page(client, world, plan)

    summary = _heading(page, "Planens framsteg")
    measures = _table(page, MEASURES_CAPTION)
    description = _heading(page, "Om planen")
    assert _position(page, summary) < _position(page, measures) < _position(page, description)

    (opening,) = _test_id(page, "description-opening")
    assert 0 < len(text(opening)) <= EXCERPT_CHARS
    assert text(opening).endswith("…")
    assert (PARAGRAPH * 3).startswith(text(opening)[:-1])
    # The whole text is one click away and needs no script: a disclosure whose summary says so.
    (details,) = elements(page, "details")
    (summary_line,) = elements(details, "summary")
    assert text(summary_line) == "Läs hela beskrivningen"
    (full,) = _test_id(details, "description-full")
    assert len(elements(full, "p")) == 8
    assert text(full).count("Planen bygger på länets gemensamma lägesbild.") == 24


def test_a_short_description_is_shown_whole_without_a_disclosure(client, world):
    plan = world.own_plan
    plan.description = "Planen antogs av sju aktörer."
    plan.save()
    page = _page(client, world, plan)
    (full,) = _test_id(page, "description-full")
    assert text(full) == "Planen antogs av sju aktörer."
    assert elements(page, "details") == []
    assert _test_id(page, "description-opening") == []


def test_a_plan_without_description_has_no_description_section(client, world):
    page = _page(client, world, world.own_plan)
    assert [h for h in elements(page, "h2") if text(h) == "Om planen"] == []


def _status(page) -> str:
    (status,) = [e for e in page.iter() if e.get("role") == "status"]
    return text(status)


def test_the_count_of_measures_shown_takes_the_plural_of_the_plans_measures(client, world):
    plan = world.own_plan  # one measure
    assert _status(_page(client, world, plan)) == "Visar 1 av 1 insats."
    MeasureFactory(plan=plan, number=2, title="Trygghetsvandringar")
    assert _status(_page(client, world, plan)) == "Visar 2 av 2 insatser."


def test_progress_is_a_whole_per_cent_with_a_no_break_space(client, world):
    plan = world.own_plan
    progress_update(world.own_measure, percent=35, date=datetime.date(2026, 3, 1))
    MeasureFactory(plan=plan, number=2, weight=Decimal(1))  # no update yet: 0 %, so the plan is at 17.5
    page = _page(client, world, plan)
    box = _heading(page, "Planens framsteg")
    container = next(e for e in page.iter() if box in list(e))
    (shown,) = [e for e in container.iter(f"{XHTML}span") if not list(e)]
    assert "".join(shown.itertext()) == "18\xa0%"
    table = _table(page, MEASURES_CAPTION)
    rows = [[text(td) for td in tr.iter(f"{XHTML}td")] for tr in table.iter(f"{XHTML}tr")][1:]
    assert [row[4] for row in rows] == ["35 % 35 %", "0 % 0 %"]  # <progress> fallback text, then the number
