"""The county overview, the municipality page and their edit forms, as each role uses them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from municipalities.models import (
    ComplianceDocument,
    ComplianceItem,
    CouncilMember,
    KeyFigure,
    KeyFigureKind,
    compliance_state,
)
from tests import parsed
from tests.factories import (
    MINIMAL_PDF,
    ComplianceItemFactory,
    CoordinatorFactory,
    CouncilMemberFactory,
    KeyFigureFactory,
    MunicipalityFactory,
    compliance_document,
)
from tests.helpers import page_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client_as):
    return client_as(Role.COUNTY_COORDINATOR)


@pytest.fixture
def officer_client(client_as):
    return client_as(Role.MUNICIPAL_OFFICER)


# --- County overview --------------------------------------------------------------------------


def test_county_overview_lists_figures_states_and_coordinators(coordinator_client, world):
    KeyFigureFactory(municipality=world.own_municipality, year=2024, population=128000, reported_crimes=14870)
    ComplianceItemFactory(municipality=world.own_municipality, obligation="situation_analysis", status="in_place")
    CoordinatorFactory(municipality=world.own_municipality, name="Sara Lindberg")
    page = page_source(coordinator_client.get("/lan/12/"))
    assert "128\xa0000" in page
    assert "11\xa0617" in page  # 14 870 per 128 000 inhabitants, per 100 000
    assert "Sara Lindberg" in page
    assert "Finns" in page
    assert "Saknas" in page
    assert "Visar 2 av 2 kommuner." in page


def test_compliance_matrix_counts_each_state(coordinator_client, world):
    ComplianceItemFactory(municipality=world.own_municipality, obligation="follow_up", status="in_progress")
    ComplianceItemFactory(
        municipality=world.neighbour_municipality,
        obligation="follow_up",
        status="in_place",
        date=datetime.date(2015, 1, 1),
    )
    response = coordinator_client.get("/lan/12/")
    matrix = {row[0]: row[2] for row in response.context["overview"].matrix}
    assert matrix["follow_up"] == {"missing": 0, "in_progress": 1, "in_place": 0, "outdated": 1}
    assert matrix["situation_analysis"]["missing"] == 2


def test_filter_by_state_and_sort_by_rate(coordinator_client, world):
    KeyFigureFactory(municipality=world.own_municipality, population=100000, reported_crimes=10000)
    KeyFigureFactory(municipality=world.neighbour_municipality, population=50000, reported_crimes=9000)
    ComplianceItemFactory(municipality=world.own_municipality, obligation="action_programme", status="in_progress")
    filtered = coordinator_client.get("/lan/12/?obligation=action_programme&state=in_progress")
    assert [r.municipality.name for r in filtered.context["overview"].rows] == ["Lund"]
    by_rate = coordinator_client.get("/lan/12/?sort=-rate")
    assert [r.municipality.name for r in by_rate.context["overview"].rows] == ["Hässleholm", "Lund"]
    by_name = coordinator_client.get("/lan/12/?q=häss")
    assert [r.municipality.name for r in by_name.context["overview"].rows] == ["Hässleholm"]
    empty = page_source(coordinator_client.get("/lan/12/?q=finnsinte"))
    assert "Ingen kommun matchar filtren." in empty


def test_county_overview_queries_do_not_grow_with_municipalities_or_years(coordinator_client, world):
    def grow(municipalities: int, years: int):
        for i in range(municipalities):
            municipality = MunicipalityFactory(county=world.own_county)
            CoordinatorFactory(municipality=municipality)
            ComplianceItemFactory(municipality=municipality)
            for year in range(2024 - years, 2024):
                KeyFigureFactory(municipality=municipality, year=year, population=10000 + i)

    grow(1, 1)
    with CaptureQueriesContext(connection) as small:
        assert coordinator_client.get("/lan/12/").status_code == 200
    grow(15, 8)
    with CaptureQueriesContext(connection) as large:
        assert coordinator_client.get("/lan/12/").status_code == 200
    assert len(small) == len(large) <= 12


# --- Municipality page ------------------------------------------------------------------------


def test_municipality_page_shows_profile_council_figures_chart_and_compliance(coordinator_client, world):
    lund = world.own_municipality
    lund.police_area = "Lokalpolisområde Lund"
    lund.save()
    CouncilMemberFactory(municipality=lund, organisation="Räddningstjänsten Syd", kind="rescue_service")
    KeyFigureFactory(municipality=lund, year=2023, population=127000, reported_crimes=15000)
    KeyFigureFactory(municipality=lund, year=2024, population=128000, reported_crimes=14000)
    KeyFigureFactory(municipality=world.neighbour_municipality, year=2024, population=53000, reported_crimes=16000)
    document = compliance_document(ComplianceItemFactory(municipality=lund), name="Lägesbild Lund 2024.pdf")
    response = coordinator_client.get("/kommuner/1281/")
    page = page_source(response)
    assert "Lokalpolisområde Lund" in page
    assert "Räddningstjänsten Syd" in page
    assert 'class="chart chart-line"' in page
    assert "Anmälda brott per 100 000 invånare i Lund" in page
    assert document.original_name in page
    lund_2024 = response.context["figures"][0]
    # Lund: largest population (1) but fewer reported crimes than Hässleholm (2).
    assert (lund_2024.year, lund_2024.population_rank, lund_2024.crime_rank) == (2024, 1, 2)


def test_empty_municipality_page_says_what_is_missing(officer_client, world):
    page = page_source(officer_client.get("/kommuner/1281/"))
    assert "Inga nyckeltal är registrerade ännu." in page
    assert "Inga ledamöter är registrerade ännu." in page
    assert "Lägg till nyckeltal" in page


def test_readers_see_no_edit_links(client_as):
    client = client_as(Role.STEERING_GROUP)
    page = page_source(client.get("/kommuner/1281/"))
    assert "Redigera" not in page


def test_municipality_page_queries_do_not_grow_with_data(coordinator_client, world):
    lund = world.own_municipality

    def grow(n: int):
        for _ in range(n):
            CouncilMemberFactory(municipality=lund)
            CoordinatorFactory(municipality=lund)
            KeyFigureFactory(municipality=lund, year=2000 + len(KeyFigure.objects.filter(municipality=lund)))
            KeyFigureFactory(municipality=MunicipalityFactory(county=world.own_county), year=2024)
        for obligation in ("situation_analysis", "action_programme", "coordinating_function", "follow_up")[:n]:
            item, _ = ComplianceItem.objects.get_or_create(municipality=lund, obligation=obligation)
            compliance_document(item)

    grow(1)
    with CaptureQueriesContext(connection) as small:
        coordinator_client.get("/kommuner/1281/")
    grow(4)
    coordinator_client.post("/kommuner/1281/profil/", {"police_area": "LPO Lund", "description": "Ny text"})
    with CaptureQueriesContext(connection) as large:
        coordinator_client.get("/kommuner/1281/")
    assert len(small) == len(large) <= 20


def test_ranks_answer_fifth_largest_and_sixth_by_reported_crimes(db):
    from municipalities.queries import ranked_key_figures
    from tests.factories import CountyFactory

    county = CountyFactory(code="12")
    sizes = [(362000, 58000), (151000, 20000), (128000, 15000), (87000, 9500), (53000, 6400), (46500, 6700)]
    municipalities = []
    for population, crimes in sizes:
        municipality = MunicipalityFactory(county=county)
        KeyFigureFactory(municipality=municipality, year=2024, population=population, reported_crimes=crimes)
        municipalities.append(municipality)
    figure = ranked_key_figures(municipalities[4])[0]
    assert (figure.population_rank, figure.crime_rank) == (5, 6)


# --- Editing ------------------------------------------------------------------------------


def test_officer_edits_profile_and_history_says_who_and_what(officer_client, world):
    response = officer_client.post(
        "/kommuner/1281/profil/",
        {
            "police_area": "Lokalpolisområde Lund",
            "description": "",
            "council_name": "BRÅ Lund",
            "council_description": "",
        },
        follow=True,
    )
    page = page_source(response)
    assert "Profilen för Lund är sparad." in page
    assert "Annica" in page  # who, in the change history
    assert "Lokalpolisområde: – → Lokalpolisområde Lund" in page


def test_council_members_are_added_and_removed_through_the_formset(officer_client, world):
    member = CouncilMemberFactory(municipality=world.own_municipality, organisation="Kultur")
    data = {
        "council_members-TOTAL_FORMS": "2",
        "council_members-INITIAL_FORMS": "1",
        "council_members-0-id": str(member.pk),
        "council_members-0-organisation": "Kultur",
        "council_members-0-kind": "administration",
        "council_members-0-DELETE": "on",
        "council_members-1-organisation": "Polisen",
        "council_members-1-kind": "police",
        "council_members-1-name": "Ulrika Olsson",
        "council_members-1-role": "chef för lokalpolisområdet",
    }
    assert officer_client.post("/kommuner/1281/rad/", data).status_code == 302
    assert list(CouncilMember.objects.values_list("organisation", flat=True)) == ["Polisen"]


def test_a_council_member_needs_organisation_and_kind(officer_client, world):
    data = {
        "council_members-TOTAL_FORMS": "1",
        "council_members-INITIAL_FORMS": "0",
        "council_members-0-name": "Någon",
    }
    response = officer_client.post("/kommuner/1281/rad/", data)
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert not CouncilMember.objects.exists()


def _key_figure_rows(*rows: tuple[str, str, str]) -> dict:
    kinds = {kind.code: kind.pk for kind in KeyFigureKind.objects.all()}
    data = {"key_figures-TOTAL_FORMS": str(len(rows)), "key_figures-INITIAL_FORMS": "0"}
    for i, (kind, year, value) in enumerate(rows):
        data |= {f"key_figures-{i}-kind": kinds[kind], f"key_figures-{i}-year": year, f"key_figures-{i}-value": value}
    return data


def test_key_figures_reject_a_year_in_the_future_and_save_nothing(officer_client, world):
    data = _key_figure_rows(("population", "2023", "128000"), ("reported_crimes", "2999", "14000"))
    response = officer_client.post("/kommuner/1281/nyckeltal/", data)
    assert response.status_code == 200
    assert "Ange ett år mellan 1968 och i år." in response.content.decode()
    assert not KeyFigure.objects.exists()


def test_key_figures_refuse_a_kind_twice_in_a_year_and_fractions_of_people(officer_client, world):
    data = _key_figure_rows(
        ("population", "2023", "128000"), ("population", "2023", "127000"), ("reported_crimes", "2023", "14000,5")
    )
    response = officer_client.post("/kommuner/1281/nyckeltal/", data)
    assert response.status_code == 200
    errors = [parsed.text(e) for e in parsed.find_all(parsed.page(response), "*", class_="invalid-feedback")]
    assert errors == ["Slaget av nyckeltal har redan ett värde för året.", "Ange ett heltal."]
    assert not KeyFigure.objects.exists()


def test_key_figures_typed_in_are_saved_as_values_of_their_kind_with_history(officer_client, world):
    data = _key_figure_rows(("population", "2023", "128000"), ("reported_crimes", "2023", "14000"))
    response = officer_client.post("/kommuner/1281/nyckeltal/", data)
    assert response.status_code == 302
    values = {(f.kind.code, f.year): (f.value, f.source) for f in KeyFigure.objects.select_related("kind")}
    assert values == {("population", 2023): (128000, "manual"), ("reported_crimes", 2023): (14000, "manual")}
    assert KeyFigure.history.filter(history_type="+").count() == 2


def test_compliance_item_with_period_end_before_start_is_refused(officer_client, world):
    data = {
        "status": "in_place",
        "date": "2024-05-01",
        "decided_by": "KF",
        "period_start": "2027",
        "period_end": "2024",
    }
    response = officer_client.post("/kommuner/1281/efterlevnad/action_programme/", data)
    assert response.status_code == 200
    assert "Perioden kan inte sluta innan den börjar." in response.content.decode()
    assert not ComplianceItem.objects.exists()


def test_compliance_item_with_a_document_is_saved_and_downloadable(officer_client, world, client):
    upload = SimpleUploadedFile("Lägesbild Lund.pdf", MINIMAL_PDF, content_type="application/pdf")
    data = {
        "status": "in_place",
        "date": "2024-08-30",
        "covers_mapping": "on",
        "covers_consequences": "on",
        "covers_analysis": "on",
        "document": upload,
    }
    response = officer_client.post("/kommuner/1281/efterlevnad/situation_analysis/", data, follow=True)
    assert "Lägesbild är sparad." in page_source(response)
    document = ComplianceDocument.objects.get()
    assert document.item.covers_analysis
    assert document.file.name.startswith("documents/municipalities/")
    assert "Lägesbild" not in document.file.name
    download = officer_client.get(f"/dokument/efterlevnad/{document.pk}/")
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", b"MZ\x90\x00 not a pdf at all", "Filen är inte ett PDF- eller Word-dokument"),
        ("rapport.txt", MINIMAL_PDF, "Filnamnet måste sluta på .pdf, .doc eller .docx."),
        ("rapport.pdf", b"", "Den skickade filen är tom."),
    ],
)
def test_a_bad_upload_is_explained_and_nothing_is_saved(officer_client, world, name, content, message):
    data = {"status": "in_place", "date": "2024-08-30", "document": SimpleUploadedFile(name, content)}
    response = officer_client.post("/kommuner/1281/efterlevnad/situation_analysis/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ComplianceItem.objects.exists()
    assert not ComplianceDocument.objects.exists()


def test_an_oversized_upload_is_refused(officer_client, world, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    data = {"status": "in_progress", "document": SimpleUploadedFile("stor.pdf", MINIMAL_PDF + b" " * 200)}
    response = officer_client.post("/kommuner/1281/efterlevnad/situation_analysis/", data)
    assert "gränsen är" in response.content.decode()
    assert not ComplianceItem.objects.exists()


def test_deleting_a_document_asks_first_then_removes_row_and_file(
    officer_client, world, django_capture_on_commit_callbacks
):
    document = compliance_document(ComplianceItemFactory(municipality=world.own_municipality))
    storage, name = document.file.storage, document.file.name
    confirm = officer_client.get(f"/dokument/efterlevnad/{document.pk}/ta-bort/")
    assert "Det går inte att ångra." in page_source(confirm)
    assert ComplianceDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/dokument/efterlevnad/{document.pk}/ta-bort/")
    assert not ComplianceDocument.objects.exists()
    assert not storage.exists(name)


def test_compliance_turns_outdated_after_the_configured_years(settings, world):
    item = ComplianceItemFactory(municipality=world.own_municipality, date=datetime.date(2020, 6, 1))
    settings.COMPLIANCE_OUTDATED_AFTER_YEARS = 4
    assert compliance_state(item, datetime.date(2024, 5, 31)) == "in_place"
    assert compliance_state(item, datetime.date(2024, 6, 2)) == "outdated"
    settings.COMPLIANCE_OUTDATED_AFTER_YEARS = 10
    assert compliance_state(item, datetime.date(2024, 6, 2)) == "in_place"
    assert compliance_state(None) == "missing"


def test_municipalities_are_listed_in_swedish_alphabetical_order(coordinator_client, world):
    for name in ("Östra Göinge", "Ängelholm", "Åstorp", "Ystad"):
        MunicipalityFactory(county=world.own_county, name=name)
    rows = coordinator_client.get("/lan/12/").context["overview"].rows
    names = [r.municipality.name for r in rows]
    assert names == ["Hässleholm", "Lund", "Ystad", "Åstorp", "Ängelholm", "Östra Göinge"]


def test_county_overview_exports_what_is_shown(coordinator_client, world):
    KeyFigureFactory(municipality=world.own_municipality, year=2024, population=128000, reported_crimes=14870)
    response = coordinator_client.get("/lan/12/?q=lund&format=csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Kommunkod;Kommun;År;Folkmängd")
    assert len(lines) == 2
    assert lines[1].startswith("1281;Lund;2024;128000;14870;11617,2;")
