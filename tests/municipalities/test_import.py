"""Key figures from CSV: every row checked first, all or nothing, the same file twice changes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from core.roles import Role
from municipalities.models import KeyFigure
from municipalities.services import import_key_figures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English here; the page test below reads them in Swedish."""
    from django.utils import translation

    with translation.override("en"):
        yield


GOOD = (
    "kommunkod;år;folkmängd;anmälda brott\n"
    "1281;2023;127 500;14 700\n"
    "1281;2024;128\xa0000;14 870\n"
    "1293;2024;53000;6512\n"
)


def figures() -> dict[tuple[str, int], dict[str, int]]:
    """The stored values by municipality code and year: {kind code: value}."""
    found: dict[tuple[str, int], dict[str, int]] = {}
    for code, year, kind, value in KeyFigure.objects.values_list("municipality__code", "year", "kind__code", "value"):
        found.setdefault((code, year), {})[kind] = int(value)
    return found


def test_a_valid_file_is_imported_with_swedish_number_formats(world):
    result = import_key_figures(GOOD.encode())
    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert figures()[("1281", 2024)] == {"population": 128000, "reported_crimes": 14870}
    lund = KeyFigure.objects.get(municipality__code="1281", year=2024, kind__code="population")
    assert (lund.source, lund.gender, lund.preliminary) == ("manual", "T", False)


def test_importing_the_same_file_again_changes_nothing(world):
    import_key_figures(GOOD.encode())
    again = import_key_figures(GOOD.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert KeyFigure.objects.count() == 6  # population and reported crimes of three years
    assert KeyFigure.history.count() == 6


def test_a_changed_row_is_updated_and_kept_in_history(world):
    import_key_figures(GOOD.encode())
    result = import_key_figures(GOOD.replace("6512", "6600").encode())
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert figures()[("1293", 2024)] == {"population": 53000, "reported_crimes": 6600}
    changed = KeyFigure.history.filter(history_type="~")
    assert [(h.kind.code, h.value, h.prev_record.value) for h in changed] == [("reported_crimes", 6600, 6512)]


def test_every_bad_row_is_listed_and_nothing_is_saved(world):
    data = (
        "kommunkod,år,folkmängd,anmälda brott\n"
        "1281,2024,128000,14870\n"  # fine, but must not be saved
        "9999,2024,1000,10\n"
        "1293,1850,53000,6512\n"
        "1293,2024,0,6512\n"
        "1293,2024,53000,-5\n"
        "12a3,2024,53000,100\n"
        "1281,2024,128000,14870\n"
        "1281\n"
    )
    result = import_key_figures(data.encode())
    assert not result.ok
    lines = {error.line: error.message for error in result.errors}
    assert set(lines) == {3, 4, 5, 6, 7, 8, 9}
    assert "9999" in lines[3]
    assert "1968" in lines[4]
    assert "above zero" in lines[5]
    assert "zero or more" in lines[6]
    assert "four digits" in lines[7]
    assert "already on line 2" in lines[8]
    assert "too few columns" in lines[9]
    assert KeyFigure.objects.count() == 0


def test_messages_are_in_swedish_for_swedish_users(world):
    from django.utils import translation

    with translation.override("sv"):
        result = import_key_figures(b"kommunkod;\xc3\xa5r;folkm\xc3\xa4ngd;anm\xc3\xa4lda brott\n9999;2024;1000;10\n")
    assert result.errors[0].message == "Det finns ingen kommun med koden 9999."


def test_a_missing_header_is_explained(world):
    result = import_key_figures(b"1281;2024;128000;14870\n")
    assert [e.line for e in result.errors] == [1]
    assert "kommunkod" in result.errors[0].message


def test_excel_files_in_windows_1252_and_codes_without_leading_zero(world):
    from tests.factories import MunicipalityFactory

    MunicipalityFactory(code="0114", name="Upplands Väsby", county=world.foreign_county)
    data = "kommunkod;år;folkmängd;anmälda brott\r\n114;2024;48 000;4 100\r\n".encode("cp1252")
    assert import_key_figures(data).ok
    assert figures()[("0114", 2024)] == {"population": 48000, "reported_crimes": 4100}


def test_an_officer_may_only_import_their_own_municipality(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    result = import_key_figures(GOOD.encode(), user=officer)
    assert [(e.line, e.message) for e in result.errors] == [(4, "You may not change the figures of Hässleholm.")]
    assert KeyFigure.objects.count() == 0
    foreign = import_key_figures(b"kommunkod;ar;folkmangd;anmalda_brott\n0184;2024;80000;7000\n", user=officer)
    assert "No municipality has the code 0184" in foreign.errors[0].message


def test_the_browser_page_lists_errors_and_imports_a_good_file(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.user(Role.COUNTY_COORDINATOR))
    bad = SimpleUploadedFile(
        "nyckeltal.csv", b"kommunkod;\xc3\xa5r;folkm\xc3\xa4ngd;anm\xc3\xa4lda brott\n1281;2024;x;1\n"
    )
    response = client.post("/nyckeltal/import/", {"file": bad})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Inget importerades" in page
    assert "Rad 2" in page
    assert KeyFigure.objects.count() == 0

    good = SimpleUploadedFile("nyckeltal.csv", GOOD.encode())
    response = client.post("/nyckeltal/import/", {"file": good}, follow=True)
    assert "3 nya" in response.content.decode()
    assert len(figures()) == 3


def test_management_command_imports_or_lists_errors(world, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_key_figures", str(good), stdout=out)
    assert "3 new" in out.getvalue()

    bad = tmp_path / "bad.csv"
    bad.write_text("kommunkod;år;folkmängd;anmälda brott\n1281;2024;;1\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_key_figures", str(bad), stderr=err)
    assert "Rad 2" in err.getvalue()
