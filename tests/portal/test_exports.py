"""CSV and Excel exports: what Swedish Excel needs, formula injection, streaming, the download headers."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy, override

from core.exports import (
    CSV_CHUNK_ROWS,
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Column,
    csv_response,
    export_response,
    sanitise_sheet_title,
    xlsx_response,
)

BOM = b"\xef\xbb\xbf"
NAME = Column("Namn", lambda row: row[0])
VALUE = Column("Värde", lambda row: row[1])
COLUMNS = [NAME, VALUE]

FORMULA_TEXTS = [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+1", "'+1"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-", "'-"),
]


def csv_content(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    content = csv_content(response)
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.active


def xlsx_values(response) -> list[list]:
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_semicolons_and_crlf():
    content = csv_content(csv_response("x.csv", COLUMNS, [("Hässleholm", 1), ("Örkelljunga", 2)]))

    assert content.startswith(BOM)
    assert content == BOM + "Namn;Värde\r\nHässleholm;1\r\nÖrkelljunga;2\r\n".encode()


def test_csv_keeps_swedish_characters():
    rows = csv_rows(csv_response("x.csv", COLUMNS, [("Hässleholm", "Åtgärd för ökad trygghet"), ("Örkelljunga", "")]))

    assert rows == [["Namn", "Värde"], ["Hässleholm", "Åtgärd för ökad trygghet"], ["Örkelljunga", ""]]


def test_csv_quotes_fields_with_semicolons_quotes_and_newlines():
    text = 'Trygg; "säker"\nkommun'

    rows = csv_rows(csv_response("x.csv", COLUMNS, [(text, 1)]))

    assert rows[1] == [text, "1"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.5, "1234,5"),
        (Decimal("1234.50"), "1234,50"),
        (Decimal("1E+3"), "1000"),
        (1000000, "1000000"),
        (-5, "-5"),
        (-2.25, "-2,25"),
        (0.1, "0,1"),
        (1e20, "100000000000000000000"),
        (0, "0"),
    ],
)
def test_csv_writes_numbers_as_swedish_excel_reads_them(value, expected):
    rows = csv_rows(csv_response("x.csv", COLUMNS, [("n", value)]))

    assert rows[1] == ["n", expected]


def test_csv_writes_dates_iso_and_datetimes_in_stockholm_time():
    rows = [
        ("date", date(2025, 3, 14)),
        ("winter", datetime(2025, 3, 14, 8, 30, tzinfo=UTC)),  # CET, UTC+1
        ("summer", datetime(2025, 7, 1, 8, 30, 59, tzinfo=UTC)),  # CEST, UTC+2
        ("naive", datetime(2025, 3, 14, 9, 30)),  # noqa: DTZ001 - a naive value is taken as local time
    ]

    result = csv_rows(csv_response("x.csv", COLUMNS, rows))

    assert result[1:] == [
        ["date", "2025-03-14"],
        ["winter", "2025-03-14 09:30"],
        ["summer", "2025-07-01 10:30"],
        ["naive", "2025-03-14 09:30"],
    ]


def test_csv_writes_booleans_in_the_request_language_and_none_as_empty():
    rows = [("yes", True), ("no", False), ("none", None)]

    with override("sv"):
        swedish = csv_rows(csv_response("x.csv", COLUMNS, rows))
    with override("en"):
        english = csv_rows(csv_response("x.csv", COLUMNS, rows))

    assert swedish[1:] == [["yes", "Ja"], ["no", "Nej"], ["none", ""]]
    assert english[1:] == [["yes", "Yes"], ["no", "No"], ["none", ""]]


def test_csv_resolves_language_when_the_response_is_built_not_when_it_is_sent():
    with override("sv"):
        response = csv_response("x.csv", [Column(gettext_lazy("Yes"), lambda row: row)], [True])
    with override("en"):
        rows = csv_rows(response)

    assert rows == [["Ja"], ["Ja"]]


@pytest.mark.parametrize(("text", "expected"), FORMULA_TEXTS)
def test_csv_neutralises_formula_text(text, expected):
    rows = csv_rows(csv_response("x.csv", COLUMNS, [(text, -5)]))

    assert rows[1] == [expected, "-5"]


def test_csv_neutralises_formula_headers_and_other_objects():
    class Odd:
        def __str__(self) -> str:
            return "=1+1"

    rows = csv_rows(csv_response("x.csv", [Column("=cmd", lambda row: row)], [Odd()]))

    assert rows == [["'=cmd"], ["'=1+1"]]


def test_csv_is_streamed_in_chunks_from_a_generator():
    consumed = []

    def generate():
        for number in range(10_000):
            consumed.append(number)
            yield (f"Kommun {number}", number)

    response = csv_response("x.csv", COLUMNS, generate())

    assert isinstance(response, StreamingHttpResponse)
    assert consumed == []  # nothing is read before the body is sent
    chunks = iter(response.streaming_content)
    assert next(chunks) == BOM + "Namn;Värde\r\n".encode()
    assert consumed == []
    first = next(chunks)
    assert first == "".join(f"Kommun {n};{n}\r\n" for n in range(CSV_CHUNK_ROWS)).encode()
    assert consumed == list(range(CSV_CHUNK_ROWS))  # one chunk read, not the whole generator
    rest = list(chunks)
    assert len(rest) == 10_000 // CSV_CHUNK_ROWS - 1
    rows = list(csv.reader(io.StringIO((first + b"".join(rest)).decode(), newline=""), delimiter=";"))
    assert len(rows) == 10_000
    assert rows[-1] == ["Kommun 9999", "9999"]


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_keeps_types_and_swedish_characters():
    rows = [
        ("Hässleholm", 1234.5),
        ("Örkelljunga", Decimal("0.10")),
        ("int", -5),
        ("date", date(2025, 3, 14)),
        ("winter", datetime(2025, 3, 14, 8, 30, tzinfo=UTC)),
        ("summer", datetime(2025, 7, 1, 8, 30, tzinfo=UTC)),
        ("none", None),
        ("code", "0184"),
    ]

    sheet = xlsx_sheet(xlsx_response("x.xlsx", COLUMNS, rows))
    values = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}

    assert values["Hässleholm"].value == 1234.5
    assert values["Hässleholm"].data_type == "n"
    assert values["Örkelljunga"].value == pytest.approx(0.1)
    assert values["Örkelljunga"].data_type == "n"
    assert values["int"].value == -5
    assert values["int"].data_type == "n"
    assert values["date"].value == datetime(2025, 3, 14)  # noqa: DTZ001 - Excel dates are naive
    assert values["date"].is_date
    assert values["date"].number_format == "yyyy-mm-dd"
    assert values["winter"].value == datetime(2025, 3, 14, 9, 30)  # noqa: DTZ001 - Excel dates are naive
    assert values["winter"].number_format == "yyyy-mm-dd hh:mm"
    assert values["summer"].value == datetime(2025, 7, 1, 10, 30)  # noqa: DTZ001 - Excel dates are naive
    assert values["none"].value is None
    assert values["code"].value == "0184"
    assert values["code"].data_type == "s"


def test_xlsx_writes_booleans_as_ja_nej():
    with override("sv"):
        values = xlsx_values(xlsx_response("x.xlsx", COLUMNS, [("yes", True), ("no", False)]))

    assert values[1:] == [["yes", "Ja"], ["no", "Nej"]]


def test_xlsx_header_row_is_bold_text():
    with override("sv"):
        columns = [Column(gettext_lazy("Yes"), lambda row: row[0]), VALUE]
        sheet = xlsx_sheet(xlsx_response("x.xlsx", columns, [("a", 1)]))

    header = list(next(sheet.iter_rows(max_row=1)))
    assert [cell.value for cell in header] == ["Ja", "Värde"]
    assert all(cell.font.b for cell in header)
    assert all(cell.data_type == "s" for cell in header)
    assert not any(cell.font.b for cell in next(sheet.iter_rows(min_row=2, max_row=2)))


@pytest.mark.parametrize(("text", "expected"), FORMULA_TEXTS)
def test_xlsx_neutralises_formula_text_and_stores_it_as_a_string(text, expected):
    sheet = xlsx_sheet(xlsx_response("x.xlsx", COLUMNS, [(text, -5)]))
    name, value = next(sheet.iter_rows(min_row=2))

    # XML readers normalise a carriage return to a line feed; the leading quote is what matters.
    assert name.value == expected.replace("\r", "\n")
    assert name.data_type == "s"
    assert value.value == -5
    assert value.data_type == "n"


def test_xlsx_removes_characters_that_are_illegal_in_xml():
    text = "Trygg\x00het\x08s\x0bpor\x0ctal\x1fen\ttab\nrad\rretur"

    values = xlsx_values(xlsx_response("x.xlsx", COLUMNS, [(text, "\x01=1+1")]))

    # Tab, line feed and carriage return are legal XML; readers normalise the carriage return to a line feed.
    assert values[1] == ["Trygghetsportalen\ttab\nrad\nretur", "'=1+1"]


def test_xlsx_takes_rows_from_a_generator():
    rows = ((f"Kommun {number}", number) for number in range(10_000))

    sheet = xlsx_sheet(xlsx_response("x.xlsx", COLUMNS, rows))

    assert sheet.max_row == 10_001
    assert [cell.value for cell in next(sheet.iter_rows(min_row=10_001))] == ["Kommun 9999", 9999]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Åtgärder", "Åtgärder"),
        ("Plan: [Skåne] 2025/2026*?\\", "Plan Skåne 2025 2026"),
        ("Åtgärder i Skånes regionala handlingsplan 2025", "Åtgärder i Skånes regionala han"),
        ("'Citat'", "Citat"),
        ("[]:*?/\\", "Export"),
        ("", "Export"),
        ("Kontroll\x00tecken", "Kontrolltecken"),
    ],
)
def test_sheet_title_is_sanitised(title, expected):
    assert sanitise_sheet_title(title) == expected
    assert len(sanitise_sheet_title(title)) <= 31


def test_xlsx_uses_the_sanitised_sheet_title():
    response = xlsx_response("x.xlsx", COLUMNS, [], sheet_title="Åtgärder: Skåne/Hässleholm [2025] med lång titel")

    sheet = xlsx_sheet(response)

    assert sheet.title == "Åtgärder Skåne Hässleholm 2025"
    assert sheet.max_row == 1


# --- both ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "response_class"),
    [("csv", CSV_CONTENT_TYPE, StreamingHttpResponse), ("xlsx", XLSX_CONTENT_TYPE, FileResponse)],
)
def test_export_response_headers(fmt, content_type, response_class):
    response = export_response(fmt, "Åtgärder i Hässleholm – ö", COLUMNS, [("a", 1)])

    assert isinstance(response, response_class)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    filename = f"Åtgärder i Hässleholm – ö.{fmt}"
    assert response["Content-Disposition"] == content_disposition_header(True, filename)
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%C3%85tg%C3%A4rder%20i%20H%C3%A4ssleholm" in response["Content-Disposition"]


def test_export_response_content_matches_the_format():
    csv_rows_ = csv_rows(export_response("csv", "x", COLUMNS, [("Hässleholm", 1234.5)]))
    xlsx_rows = xlsx_values(export_response("xlsx", "x", COLUMNS, [("Hässleholm", 1234.5)], sheet_title="Kommuner"))

    assert csv_rows_ == [["Namn", "Värde"], ["Hässleholm", "1234,5"]]
    assert xlsx_rows == [["Namn", "Värde"], ["Hässleholm", 1234.5]]


def test_filename_cannot_break_the_header_or_name_a_path():
    response = export_response("csv", "../a/b\\c\r\nSet-Cookie: x", COLUMNS, [])

    assert response["Content-Disposition"] == 'attachment; filename="..-a-b-c--Set-Cookie: x.csv"'


def test_xlsx_content_length_is_set():
    response = xlsx_response("x.xlsx", COLUMNS, [("a", 1)])

    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))


@pytest.mark.parametrize("fmt", ["pdf", "", "CSV", "xls", "csv "])
def test_unknown_format_is_404(fmt):
    with pytest.raises(Http404):
        export_response(fmt, "x", COLUMNS, [])
