"""Editing the rows of an object: one empty row, "Lägg till rad" for as many more as needed, one save.

The same mechanism (core.editing) serves the eleven formsets of the three apps; without
JavaScript "Lägg till rad" posts the rows typed so far and gets them back with one more empty row,
nothing saved. The browser test (tests/browser/test_actions.py) covers the same with JavaScript.
"""

import pytest
import tinyhtml5
from django.urls import reverse

from agreements.services import ensure_national_focus_areas
from tests.factories import AgreementFactory, MeasureFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200, response.status_code
    return tinyhtml5.parse(response.content.decode(), namespace_html_elements=False)


def main_form(document):
    main = next(element for element in document.iter("main"))
    return next(form for form in main.iter("form") if form.get("method") == "post")


def rows(form, prefix: str) -> list:
    """The row fieldsets of the formset as shown (the <template> copied by JavaScript left out)."""
    shown = next(div for div in form.iter("div") if div.get("data-formset") == prefix)
    container = next(div for div in shown.iter("div") if div.get("data-formset-rows") is not None)
    return [fieldset for fieldset in container if fieldset.tag == "fieldset"]


def add_row_button(form):
    return next(
        button for button in form.iter("button") if " ".join("".join(button.itertext()).split()) == "Lägg till rad"
    )


def selected(form, name: str) -> str | None:
    select = next(select for select in form.iter("select") if select.get("name") == name)
    return next((option.get("value") for option in select.iter("option") if option.get("selected") is not None), None)


@pytest.fixture
def coordinator(client_as):
    return client_as("county_coordinator")


def test_a_coordinator_adds_three_actors_in_one_save_without_javascript(coordinator, world):
    measure = MeasureFactory(plan=world.own_plan, number=7, title="Ny insats")
    url = f"/insatser/{measure.pk}/aktorer/"
    form = main_form(parse(coordinator.get(url)))
    assert len(rows(form, "participants")) == 1
    button = add_row_button(form)
    assert (button.get("type"), button.get("name"), button.get("value")) == ("submit", "add_row", "participants")

    typed = {
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-actor": str(world.police.pk),
        "participants-0-role": "lead",
    }
    response = coordinator.post(url, {**typed, "add_row": "participants"})
    form = main_form(parse(response))
    assert len(rows(form, "participants")) == 2
    assert selected(form, "participants-0-actor") == str(world.police.pk)  # what was typed is kept
    assert selected(form, "participants-0-role") == "lead"
    assert not measure.participants.exists()  # nothing saved yet

    typed.update(
        {
            "participants-TOTAL_FORMS": "2",
            "participants-1-actor": str(world.own_actor.pk),
            "participants-1-role": "participant",
        }
    )
    form = main_form(parse(coordinator.post(url, {**typed, "add_row": "participants"})))
    assert len(rows(form, "participants")) == 3
    assert selected(form, "participants-1-actor") == str(world.own_actor.pk)
    assert not measure.participants.exists()

    third = world.own_county.actors.create(name="Länsstyrelsen Skåne", kind="county_board")
    typed.update(
        {"participants-TOTAL_FORMS": "3", "participants-2-actor": str(third.pk), "participants-2-role": "participant"}
    )
    assert coordinator.post(url, typed).status_code == 302
    assert {(p.actor.name, p.role) for p in measure.participants.select_related("actor")} == {
        ("Polisen", "lead"),
        ("Region Skåne", "participant"),
        ("Länsstyrelsen Skåne", "participant"),
    }


def test_the_help_text_tells_how_to_add_rows(coordinator, world):
    document = parse(coordinator.get(f"/insatser/{world.own_measure.pk}/aktorer/"))
    main = next(document.iter("main"))
    texts = [" ".join("".join(p.itertext()).split()) for p in main.iter("p")]
    assert (
        "Ändra de rader du behöver och fyll i den tomma raden för att lägga till en; välj ”Lägg till rad” för fler "
        "tomma rader. Kryssa i ”Ta bort” för att ta bort en rad. Ingenting sparas förrän du väljer ”Spara”."
    ) in texts


def test_the_empty_row_offers_only_the_countys_actors(coordinator, world):
    document = parse(coordinator.get(f"/insatser/{world.own_measure.pk}/aktorer/"))
    template = next(t for t in main_form(document).iter("template"))
    select = next(s for s in template.iter("select") if s.get("name") == "participants-__prefix__-actor")
    offered = {"".join(option.itertext()) for option in select.iter("option") if option.get("value")}
    assert offered == {"Polisen", "Region Skåne"}  # not Stockholm's actors


def test_indicator_values_get_another_row_without_javascript(coordinator, world):
    indicator = world.own_measure.indicators.create(name="Avhopp")
    url = f"/indikatorer/{indicator.pk}/"
    data = {
        "name": "Avhopp",
        "unit": "",
        "direction": "higher",
        "values-TOTAL_FORMS": "1",
        "values-INITIAL_FORMS": "0",
        "values-0-date": "2026-01-31",
        "values-0-value": "3",
    }
    assert len(rows(main_form(parse(coordinator.get(url))), "values")) == 1
    form = main_form(parse(coordinator.post(url, {**data, "add_row": "values"})))
    assert len(rows(form, "values")) == 2
    assert not indicator.values.exists()
    data.update({"values-TOTAL_FORMS": "2", "values-1-date": "2026-02-28", "values-1-value": "5"})
    assert coordinator.post(url, data).status_code == 302
    assert [str(v.value) for v in indicator.values.order_by("date")] == ["3.00", "5.00"]


def test_a_broken_row_count_with_add_row_is_refused_not_an_error(coordinator, world):
    url = f"/insatser/{world.own_measure.pk}/delmal/"
    response = coordinator.post(
        url, {"milestones-TOTAL_FORMS": "²", "milestones-INITIAL_FORMS": "0", "add_row": "milestones"}
    )
    assert response.status_code == 200


@pytest.fixture
def everything(world):
    ensure_national_focus_areas()
    agreement = AgreementFactory(municipality=world.own_municipality, title="Överenskommelse Lund")
    pledge = PledgeFactory(municipality=world.own_municipality, agreement=agreement, title="Löfte Lund")
    world.own_measure.indicators.create(name="Avhopp")
    return {"agreement": agreement, "pledge": pledge}


# The eleven formsets: (URL name, kwargs, role, prefix).
FORMSETS = [
    ("actions:measure_actors_edit", "measure", "county_coordinator", "participants"),
    ("actions:working_group_edit", "measure", "county_coordinator", "working_group"),
    ("actions:milestones_edit", "measure", "county_coordinator", "milestones"),
    ("actions:indicator_edit", "indicator", "county_coordinator", "values"),
    ("municipalities:council_members_edit", "municipality", "municipal_officer", "council_members"),
    ("municipalities:coordinators_edit", "municipality", "municipal_officer", "coordinators"),
    ("municipalities:key_figures_edit", "municipality", "municipal_officer", "key_figures"),
    ("agreements:signatories_edit", "agreement", "municipal_officer", "signatories"),
    ("agreements:problems_edit", "agreement", "municipal_officer", "problems"),
    ("agreements:deliverables_edit", "agreement", "municipal_officer", "deliverables"),
    ("agreements:commitments_edit", "pledge", "municipal_officer", "commitments"),
]


@pytest.mark.parametrize(("name", "target", "role", "prefix"), FORMSETS, ids=[f[0] for f in FORMSETS])
def test_every_formset_shows_one_empty_row_and_adds_more(client_as, world, everything, name, target, role, prefix):
    kwargs = {
        "measure": lambda: {"pk": world.own_measure.pk},
        "indicator": lambda: {"pk": world.own_measure.indicators.get().pk},
        "municipality": lambda: {"code": world.own_municipality.code},
        "agreement": lambda: {"pk": everything["agreement"].pk},
        "pledge": lambda: {"pk": everything["pledge"].pk},
    }[target]()
    client = client_as(role)
    url = reverse(name, kwargs=kwargs)
    form = main_form(parse(client.get(url)))
    legends = [" ".join("".join(row.find("legend").itertext()).split()) for row in rows(form, prefix)]
    assert [legend for legend in legends if legend in ("Ny rad", "Nytt värde")] == [legends[-1]]  # one empty row
    assert add_row_button(form).get("value") == prefix
    assert any(t.tag == "template" for t in form.iter("template"))

    data = {}
    for element in form.iter("input"):
        if element.get("name") and "__prefix__" not in element.get("name") and element.get("type") != "checkbox":
            data[element.get("name")] = element.get("value") or ""
    for element in form.iter("select"):
        name_ = element.get("name")
        if "__prefix__" not in name_:
            chosen = [o.get("value") for o in element.iter("option") if o.get("selected") is not None]
            data[name_] = chosen[0] if chosen else next(o.get("value") for o in element.iter("option"))
    for element in form.iter("textarea"):
        if "__prefix__" not in element.get("name"):
            data[element.get("name")] = "".join(element.itertext())
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    again = main_form(parse(client.post(url, {**data, "add_row": prefix})))
    assert len(rows(again, prefix)) == total + 1
