"""A county's coordinators keep the county's own actors in the portal, warned of names like existing ones."""

import pytest
import tinyhtml5
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Actor
from tests.factories import ActorFactory
from tests.parsed import text

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200, response.status_code
    return tinyhtml5.parse(response.content.decode(), namespace_html_elements=False)


def table(document, caption: str):
    return next(
        t for t in document.iter("table") if t.find("caption") is not None and text(t.find("caption")) == caption
    )


def column(table_element, index: int = 0) -> list[str]:
    return [text(row.findall("td")[index]) for row in table_element.find("tbody").findall("tr")]


def field_errors(document, field_id: str) -> list[str]:
    """The error messages shown with the field (crispy's invalid-feedback beside the input)."""
    field = next(e for e in document.iter() if e.get("id") == field_id)
    assert field.get("aria-invalid") == "true" or "is-invalid" in (field.get("class") or "")
    return [text(e) for e in document.iter() if (e.get("id") or "").startswith(f"error_1_{field_id}")]


def nav_labels(document) -> list[str]:
    nav = next(n for n in document.iter("nav") if n.get("aria-label") == "Huvudmeny")
    return [text(a) for a in nav.iter("a")]


@pytest.fixture
def coordinator(client_as):
    return client_as("county_coordinator")


def test_the_county_lists_its_own_actors_and_the_national_ones_read_only(coordinator, world):
    document = parse(coordinator.get("/lan/12/aktorer/"))
    assert text(next(document.iter("h1"))) == "Aktörer: Skåne län"
    own = table(document, "Länets egna aktörer")
    assert column(own) == ["Region Skåne"]
    assert column(own, 2) == ["Redigera Region Skåne"]
    national = table(document, "Nationella aktörer")
    assert column(national) == ["Polisen"]
    assert not [a for a in national.iter("a") if "redigera" in a.get("href")]
    assert "Region Stockholm" not in text(document)
    assert any(text(a) == "Ny aktör" for a in document.iter("a"))
    assert "Aktörer" in nav_labels(document)


def test_readers_see_the_list_without_changing_it(client_as):
    client = client_as("steering_group")
    document = parse(client.get("/lan/12/aktorer/"))
    assert column(table(document, "Länets egna aktörer")) == ["Region Skåne"]
    assert not any(text(a) in ("Ny aktör", "Redigera Region Skåne") for a in document.iter("a"))
    assert "Aktörer" not in nav_labels(document)


def test_an_empty_county_says_how_to_start(coordinator, world):
    world.own_actor.delete()
    document = parse(coordinator.get("/lan/12/aktorer/"))
    section = next(s for s in document.iter("section") if s.get("aria-labelledby") == "own-actors-heading")
    assert "Länet har inga egna aktörer ännu. Lägg till länsstyrelsen, regionen" in text(section)


def test_a_coordinator_adds_an_actor_with_its_history(coordinator, world):
    response = coordinator.post("/lan/12/aktorer/ny/", {"name": " Länsstyrelsen  Skåne ", "kind": "county_board"})
    actor = Actor.objects.get(name="Länsstyrelsen Skåne")
    assert (actor.county, actor.kind) == (world.own_county, "county_board")
    assert response["Location"] == f"/aktorer/{actor.pk}/"
    assert coordinator.post(f"/aktorer/{actor.pk}/redigera/", {"name": "Länsstyrelsen i Skåne", "kind": "county_board"})
    document = parse(coordinator.get(f"/aktorer/{actor.pk}/"))
    section = next(s for s in document.iter("section") if s.get("aria-labelledby") == "history-heading")
    lines = [text(li) for li in section.iter("li")]
    assert any("Lade till aktör: Länsstyrelsen Skåne" in line for line in lines), lines
    assert any("Ändrade aktör: Länsstyrelsen i Skåne" in line for line in lines), lines
    assert "Namn: Länsstyrelsen Skåne → Länsstyrelsen i Skåne" in lines
    # The new actor can take part in the county's measures.
    page = coordinator.get(f"/insatser/{world.own_measure.pk}/aktorer/").content.decode()
    assert "Länsstyrelsen i Skåne" in page


def test_a_similar_name_is_saved_only_when_confirmed(coordinator, world):
    ActorFactory(name="Polisen Region Mitt", county=None)
    data = {"name": "polisen", "kind": "police"}
    document = parse(coordinator.post("/lan/12/aktorer/ny/", data))
    assert not Actor.objects.filter(county=world.own_county, name__iexact="polisen").exists()
    # "polisen" is Polisen's name but for case: an error, not a question.
    assert field_errors(document, "id_name") == ["Det finns redan en aktör som heter ”Polisen” (nationell aktör)."]

    data["name"] = "Polisen Region"
    document = parse(coordinator.post("/lan/12/aktorer/ny/", data))
    assert field_errors(document, "id_name") == [
        "Kontrollera namnet: det finns aktörer med liknande namn. Spara ändå om det är en annan aktör."
    ]
    warning = next(d for d in document.iter("div") if d.get("id") == "similar-actors")
    assert [text(li) for li in warning.iter("li")] == [
        "Polisen (nationell aktör)",
        "Polisen Region Mitt (nationell aktör)",
    ]
    confirm = next(b for b in document.iter("button") if text(b) == "Spara ändå")
    assert not Actor.objects.filter(name="Polisen Region").exists()

    # Confirming another name than the one warned about checks that name again.
    changed = {"name": "Polisen Region Syd", "kind": "police", confirm.get("name"): confirm.get("value")}
    parse(coordinator.post("/lan/12/aktorer/ny/", changed))
    assert not Actor.objects.filter(name="Polisen Region Syd").exists()

    response = coordinator.post("/lan/12/aktorer/ny/", {**data, confirm.get("name"): confirm.get("value")})
    assert response.status_code == 302
    assert Actor.objects.get(name="Polisen Region").county == world.own_county


def test_the_same_name_twice_in_a_county_is_an_error_next_to_the_field(coordinator, world):
    for name in ("Region Skåne", "region  skåne"):
        data = {"name": name, "kind": "region", "save_anyway": name}
        document = parse(coordinator.post("/lan/12/aktorer/ny/", data))
        assert field_errors(document, "id_name") == ["Det finns redan en aktör som heter ”Region Skåne” (Skåne län)."]
    assert Actor.objects.filter(county=world.own_county, name__iexact="region skåne").count() == 1
    # Another county's actor of the same name is not this county's concern.
    response = coordinator.post("/lan/12/aktorer/ny/", {"name": "Region Stockholm", "kind": "region"})
    assert response.status_code == 302


def test_editing_an_actor_does_not_warn_about_itself(coordinator, world):
    data = {"name": "Region Skåne", "kind": "other_agency"}
    assert coordinator.post(f"/aktorer/{world.own_actor.pk}/redigera/", data).status_code == 302
    world.own_actor.refresh_from_db()
    assert world.own_actor.kind == "other_agency"


def test_the_actor_list_keeps_its_query_count_as_actors_grow(coordinator, world):
    def grow(n):
        for _ in range(n):
            ActorFactory(county=world.own_county)
            ActorFactory(county=None)

    grow(1)
    with CaptureQueriesContext(connection) as small:
        assert coordinator.get("/lan/12/aktorer/").status_code == 200
    grow(10)
    with CaptureQueriesContext(connection) as large:
        coordinator.get("/lan/12/aktorer/")
    assert len(small) == len(large) <= 15


def test_the_actors_of_a_measure_link_to_the_countys_actors(client_as, world):
    client = client_as("county_coordinator")
    document = parse(client.get(f"/insatser/{world.own_measure.pk}/aktorer/"))
    link = next(a for a in next(document.iter("main")).iter("a") if text(a).startswith("Saknas en aktör?"))
    assert (text(link), link.get("href")) == (
        "Saknas en aktör? Lägg till den bland länets aktörer.",
        "/lan/12/aktorer/",
    )
