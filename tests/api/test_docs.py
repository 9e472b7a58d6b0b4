"""The API documentation page: built from the schema the API serves, in the portal's frame and language."""

import copy
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings

from portal.api import docs
from tests.parsed import elements, parse, text

pytestmark = pytest.mark.django_db


def table(root: ET.Element, caption: str) -> ET.Element:
    """The table whose caption reads ``caption``."""
    for candidate in elements(root, "table"):
        captions = elements(candidate, "caption")
        if captions and text(captions[0]) == caption:
            return candidate
    raise AssertionError(f"No table captioned {caption!r}: {[text(c) for c in elements(root, 'caption')]}")


def rows(table_element: ET.Element) -> list[list[str]]:
    return [[text(cell) for cell in row if cell.tag.endswith(("td", "th"))] for row in elements(table_element, "tr")]


def docs_page(client, language: str | None = None) -> ET.Element:
    if language:
        client.cookies["django_language"] = language
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return parse(response.content)


def test_every_operation_parameter_and_field_of_the_schema_has_its_words():
    built = docs.resources(docs.openapi_schema())
    assert [resource.tag for resource in built] == list(docs.RESOURCES)
    assert sum(len(resource.operations) for resource in built) == 12
    assert docs.untranslated(built) == []


def test_a_parameter_without_words_shows_the_schemas_english_marked_as_english():
    schema = copy.deepcopy(docs.openapi_schema())
    schema["paths"]["/api/plans/"]["get"]["parameters"].append(
        {"in": "query", "name": "theme", "description": "Only plans of this theme.", "schema": {"type": "string"}}
    )
    built = docs.resources(schema)
    assert docs.untranslated(built) == ["GET /api/plans/ parameter theme"]
    plans = next(resource for resource in built if resource.tag == "plans")
    theme = next(p for op in plans.operations for p in op.parameters if p.name == "theme")
    assert theme.description == docs.Text("Only plans of this theme.", lang="en")


@override_settings(LANGUAGE_CODE="sv")
def test_the_page_is_swedish_by_default_in_the_portal_frame(client, world):
    root = docs_page(client)
    assert root.get("lang") == "sv"
    assert [text(h1) for h1 in elements(root, "h1")] == ["API-dokumentation"]
    assert text(elements(root, "title")[0]) == "API-dokumentation – Trygghetsportalen"
    main = elements(root, "main")[0]

    # Every path of the schema, grouped by resource, each linked to its section.
    endpoints = table(main, "Alla anrop i API:t")
    groups = [text(elements(body, "th")[0]) for body in elements(endpoints, "tbody")]
    assert groups == ["Län", "Kommuner", "Regionala handlingsplaner", "Medborgarlöften", "Samverkansöverenskommelser"]
    listed = {text(a): a.get("href") for a in elements(endpoints, "a")}
    assert listed["GET /api/plans/"] == "#plans-list"
    assert {name.split(" ", 1)[1] for name in listed} == set(docs.openapi_schema()["paths"])
    assert ["GET /api/counties/", "Alla län, ordnade efter kod."] in rows(endpoints)

    parameters = rows(table(main, "Parametrar för GET /api/plans/"))
    assert parameters[0] == ["Parameter", "Typ", "Beskrivning"]
    county = next(row for row in parameters if row[0].startswith("county"))
    assert county == [
        "county frågesträng, valfri",
        "text",
        "Länets tvåsiffriga SCB-kod, t.ex. 12 (Skåne). mönster ^[0-9]{2}$",
    ]
    answers = dict(row for row in rows(table(main, "Svar från GET /api/plans/"))[1:])
    assert answers["200"] == "Svaret, som JSON. En sida med rader; varje rad: Regional handlingsplan (Plan)"
    assert answers["429"].startswith("För många anrop")
    fields = {row[0]: row[2] for row in rows(table(main, "Fält: Insats (Measure)"))[1:]}
    assert fields["target_date"] == "När insatsen ska vara klar."

    # How to authenticate, with the rates in force, and the raw schema.
    assert any(
        text(p).startswith("Antalet anrop är begränsat till 100 000 anrop per timme för varje nyckel")
        for p in elements(main, "p")
    )
    links = {text(a): a.get("href") for a in elements(main, "a")}
    assert links["OpenAPI-schemat (YAML)"] == "/api/schema/"
    assert links["samma schema som JSON"] == "/api/schema/?format=json"
    assert links["Logga in för att skapa en nyckel"] == "/accounts/login/?next=/api/nycklar/"
    # No renderer in the browser: the page's scripts are the frame's own, no Swagger UI or ReDoc.
    scripts = [script.get("src") for script in elements(root, "script")]
    assert scripts
    assert all(src.startswith("/static/") for src in scripts)
    assert [src for src in scripts if any(word in src.lower() for word in ("sidecar", "swagger", "redoc"))] == []


@override_settings(LANGUAGE_CODE="sv")
def test_the_page_follows_the_language_switch_and_the_schema_stays_english(client, municipal_officer):
    client.force_login(municipal_officer)
    root = docs_page(client, "en")
    assert root.get("lang") == "en"
    assert [text(h1) for h1 in elements(root, "h1")] == ["API documentation"]
    main = elements(root, "main")[0]
    endpoints = table(main, "Every endpoint of the API")
    assert ["GET /api/counties/", "All counties, ordered by code."] in rows(endpoints)
    assert {text(a): a.get("href") for a in elements(main, "a")}["Create and revoke your keys"] == "/api/nycklar/"
    # An object whose English name is the schema's is not named twice.
    assert rows(table(main, "Fields of Measure"))[0] == ["Field", "Type", "Description"]
    assert table(main, "Fields of Regional action plan (Plan)") is not None

    client.cookies["django_language"] = "sv"
    schema = client.get("/api/schema/?format=json").json()
    assert schema["info"]["description"].startswith("Read-only access to counties")
    assert schema["paths"]["/api/plans/"]["get"]["description"].startswith("Regional action plans")
