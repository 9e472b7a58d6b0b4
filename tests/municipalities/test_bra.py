"""Brå's exports (CSV and Excel) of reported crimes per municipality, crime category and year: read
into an import that is previewed, refused with the reasons when a row cannot be read."""

import io
from decimal import Decimal
from pathlib import Path

import pytest

from municipalities.models import AreaKeyFigure, KeyFigure, KeyFigureImport, KeyFigureKind
from municipalities.services import apply_import, preview_import, read_bra_file
from municipalities.sources import SourceError
from municipalities.sources.bra import FileRowsError

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent / "sources" / "bra"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_an_export_is_previewed_and_saved_with_the_total_as_reported_crimes(world):
    batch = read_bra_file(world.own_county, (FILES / "anmalda_brott.csv").read_bytes(), "anmalda_brott.csv")
    preview = preview_import(batch)
    assert preview.valid
    added = {(getattr(v.area, "code", "riket"), v.kind.code): v.value for v in preview.added}
    assert added == {
        ("1281", "reported_crimes"): Decimal(14870),
        ("1281", "bra:person"): Decimal(2310),
        ("1281", "bra:damage"): Decimal(1905),
        ("1293", "bra:person"): Decimal(812),  # Hässleholm's damage is ".." at Brå: no value
        ("12", "bra:person"): Decimal(28500),
        ("riket", "bra:person"): Decimal(260000),
    }
    assert not KeyFigure.objects.exists()
    apply_import(batch)
    person = KeyFigure.objects.get(municipality=world.own_municipality, kind__code="bra:person")
    assert (person.value, person.source, person.source_ref, person.year) == (2310, "bra", "person", 2024)
    assert AreaKeyFigure.objects.get(county=None).value == 260000
    again = read_bra_file(world.own_county, (FILES / "anmalda_brott.csv").read_bytes(), "anmalda_brott.csv")
    assert not preview_import(again).has_changes


def test_an_excel_export_is_read_as_the_csv_is(world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Anmälda brott"])
    sheet.append(["Region", "Brottskategori", "År", "Antal"])
    sheet.append(["1281 Lund", "Narkotikabrott", 2023, 990])
    data = io.BytesIO()
    book.save(data)
    batch = read_bra_file(world.own_county, data.getvalue(), "brott.xlsx")
    [value] = preview_import(batch).added
    assert (value.area, value.kind.code, value.year, value.value) == (
        world.own_municipality,
        "bra:narcotics",
        2023,
        990,
    )


def test_every_row_that_cannot_be_read_is_listed_and_nothing_is_kept(world):
    with pytest.raises(FileRowsError) as refused:
        read_bra_file(world.own_county, (FILES / "felaktig.csv").read_bytes(), "felaktig.csv")
    assert refused.value.problems == [
        "Line 3: “många” is not a number of crimes.",
        "Line 4: “Cykelstölder” is not one of Brå's crime categories.",
        "Line 5: “Malmö” is not a region with a code.",
        "Line 6: the year must be between 1975 and 2026.".replace(
            "2026", str(__import__("datetime").date.today().year)
        ),
    ]
    assert not KeyFigureImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ((FILES / "fel_kolumner.csv").read_bytes(), "no header row naming the columns Region, Brottskategori"),
        (b"PK\x03\x04 not really a workbook", "cannot be read as an Excel workbook"),
        (b"\x00\x01\x02binary", "neither a CSV file nor an Excel workbook"),
    ],
)
def test_a_file_in_another_shape_is_refused_with_the_reason(world, content, reason):
    with pytest.raises(SourceError, match=reason):
        read_bra_file(world.own_county, content, "export.csv")
    assert not KeyFigureImport.objects.exists()


def test_a_municipality_of_another_county_makes_the_import_unsavable(world):
    data = b"Region;Brottskategori;\xc3\x85r;Antal\n0184 Solna;Narkotikabrott;2024;400\n"
    batch = read_bra_file(world.own_county, data, "solna.csv")
    assert preview_import(batch).unknown == ["0184 is not the code of a municipality in Skåne län."]


def test_a_coordinator_follows_a_category_and_uploads_an_export_through_the_page(client_as, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import parsed
    from tests.factories import KeyFigureFactory

    client = client_as("county_coordinator")
    person = KeyFigureKind.objects.get(code="bra:person")
    response = client.post("/lan/12/nyckeltal/", {"action": "follow_bra", "bra-kind": person.pk}, follow=True)
    assert parsed.messages(parsed.page(response)) == ["Skåne län följer Anmälda brott mot person."]
    bad = SimpleUploadedFile("felaktig.csv", (FILES / "felaktig.csv").read_bytes())
    response = client.post("/lan/12/nyckeltal/", {"action": "bra_file", "brafile-file": bad})
    errors = [parsed.text(e) for e in parsed.find_all(parsed.page(response), "*", class_="invalid-feedback")]
    assert "Rad 3: ”många” är inte ett antal brott." in " ".join(errors)
    good = SimpleUploadedFile("anmalda_brott.csv", (FILES / "anmalda_brott.csv").read_bytes())
    response = client.post("/lan/12/nyckeltal/", {"action": "bra_file", "brafile-file": good})
    batch = KeyFigureImport.objects.get()
    assert response.url == batch.get_absolute_url()
    client.post(response.url, {"action": "apply"})
    population = KeyFigureKind.objects.get(code="population")
    KeyFigureFactory(municipality=world.own_municipality, year=2024, kind=population, value=128000)
    page = parsed.page(client.get("/kommuner/1281/"))
    rows = parsed.rows(parsed.table(page, "Anmälda brott mot person: kommunen, länet och riket"))
    # Per 100 000 inhabitants: 2 310 crimes among 128 000 people; the county's and the country's
    # need their population, which this world does not have.
    assert rows[1][:2] == ["2024", "1 804,7"]
