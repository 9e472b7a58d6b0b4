"""The one way every list page exports "what is shown, as filtered" to CSV and Excel.

A view builds the same filtered, scoped queryset it renders, describes the columns it shows and
hands both over::

    columns = [
        Column(gettext("Measure"), lambda m: m.title),
        Column(gettext("Deadline"), lambda m: m.deadline),
        Column(gettext("Cost (SEK)"), lambda m: m.cost),
    ]
    rows = measures.iterator(chunk_size=500)
    return export_response(request.GET.get("format", ""), gettext("measures"), columns, rows)

Both formats are written for Swedish civil servants who double-click the file and get Excel:

* CSV is UTF-8 with a byte order mark (without it Excel reads the file as Windows-1252 and
  mangles å ä ö), separated by ``;`` (Swedish Excel uses the comma as decimal separator and
  therefore expects semicolons), with CRLF line endings and numbers with a decimal comma and no
  thousand separator (``1234,5``), which Swedish Excel reads back as numbers. It is streamed in
  chunks of ``CSV_CHUNK_ROWS`` rows, so an export of every measure in the country never sits in memory.
* XLSX has real number and date cells and is written by XlsxWriter in constant-memory mode into a
  spooled temporary file that spills to disk above ``XLSX_SPOOL_MAX_BYTES``.

In both, text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return first) gets a leading ``'`` (OWASP "CSV injection"): exported data comes from users, and
a cell such as ``=HYPERLINK("http://evil", "Klicka")`` must stay text in a colleague's Excel.

Known limit: Excel opening a CSV turns text that looks like a number into a number, so codes with
leading zeros (municipality ``0184``) lose them there; the XLSX export keeps them as text.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any, TypeVar

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
CSV_DELIMITER = ";"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Rows a CSV chunk holds: one write to the network each, as many rows as an iterator's database chunk.
CSV_CHUNK_ROWS = 500
# Above this the finished workbook moves from memory to a temporary file on disk.
XLSX_SPOOL_MAX_BYTES = 8 * 1024 * 1024
MAX_SHEET_TITLE = 31
DEFAULT_SHEET_TITLE = "Export"

# What a spreadsheet treats as the start of a formula (OWASP CSV injection guidance).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return, the two
# non-characters and lone surrogates): Excel refuses a file with the controls, and a lone surrogate
# cannot be encoded as UTF-8 in either format.
_ILLEGAL_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Excel refuses these in a sheet name.
_ILLEGAL_SHEET_TITLE_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL_FILENAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")

_Response = TypeVar("_Response", bound=StreamingHttpResponse)


@dataclass(frozen=True)
class Column:
    """One exported column: its header and how a row object becomes the cell's value.

    ``header`` is already translated by the caller (it may be a lazy string); ``value`` returns
    ``str``, ``int``, ``float``, ``Decimal``, ``date``, ``datetime``, ``bool`` or ``None``.
    Anything else is exported as its ``str()``.
    """

    header: str
    value: Callable[[Any], Any]


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """``choices``' labels by value, translated now: for columns of ``values()`` rows, which have no
    ``get_FOO_display()`` and should not translate the same label once a row."""
    return {value: str(label) for value, label in choices}


@dataclass(frozen=True)
class _Context:
    """What rendering a cell depends on, fixed when the response is built.

    The body of a streamed response is produced after the view has returned, when the request's
    language and time zone may no longer be active in this thread; so "Ja"/"Nej" and the time
    zone are resolved while they still are.
    """

    yes: str
    no: str
    tz: tzinfo

    @classmethod
    def current(cls) -> _Context:
        return cls(yes=gettext("Yes"), no=gettext("No"), tz=timezone.get_current_timezone())

    def local(self, value: datetime) -> datetime:
        """``value`` as naive local wall-clock time; naive values are taken to be local already."""
        if timezone.is_aware(value):
            value = timezone.localtime(value, self.tz)
        return value.replace(tzinfo=None)


def _text(value: object) -> str:
    """``value`` as text that is safe in a cell: no XML-illegal characters, never a formula.

    The characters are removed before the check, so ``"\\x00=cmd"`` cannot slip past it.
    """
    text = _ILLEGAL_XML_CHARACTERS.sub("", str(value))
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def _is_finite_number(value: object) -> bool:
    """Whether ``value`` is a number a spreadsheet can hold (booleans, NaN and infinities are not)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return False


def _swedish_number(value: int | float | Decimal) -> str:
    """``value`` as Swedish Excel reads a number: decimal comma, no thousand separator, no exponent.

    A float goes through its shortest round-trip ``repr`` so that 0.1 is written ``0,1`` and not
    ``0,1000000000000000055511151231257827``.
    """
    if isinstance(value, int):
        return str(value)
    decimal = Decimal(repr(value)) if isinstance(value, float) else value
    return format(decimal, "f").replace(".", ",")


# --- CSV -------------------------------------------------------------------------------------


def _csv_cell(value: Any, context: _Context) -> str:
    """One CSV field. Order matters: ``bool`` is an ``int`` and ``datetime`` is a ``date``."""
    kind = type(value)
    if kind is str:  # most cells: text and whole numbers, then the rest
        return _text(value)
    if kind is int:
        return str(value)
    return _csv_other_cell(value, context)


def _csv_other_cell(value: Any, context: _Context) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return context.yes if value else context.no
    if _is_finite_number(value):
        return _swedish_number(value)
    if isinstance(value, datetime):
        return context.local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)


def _csv_chunks(
    header: list[str], columns: Sequence[Column], rows: Iterable[Any], context: _Context
) -> Iterator[bytes]:
    """The CSV file in encoded chunks: the BOM with the header row, then ``CSV_CHUNK_ROWS`` rows at a time.

    csv.writer writes a chunk's rows into one buffer, which is encoded and emptied once per chunk:
    a line per write to the network would cost more than the line itself.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    yield (BOM + buffer.getvalue()).encode()
    values = [column.value for column in columns]
    for chunk in _chunked(rows, CSV_CHUNK_ROWS):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[_csv_cell(value(row), context) for value in values] for row in chunk])
        yield buffer.getvalue().encode()


def _chunked(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Any]) -> StreamingHttpResponse:
    """``rows`` as a streamed CSV download for Swedish Excel, named ``filename``.

    ``rows`` is consumed lazily while the response is sent, once, ``CSV_CHUNK_ROWS`` at a time:
    pass ``queryset.iterator(chunk_size=…)`` (or a list) so a large export never sits in memory.
    Headers are resolved now, in the request's language.
    """
    header = [_text(column.header) for column in columns]
    chunks = _csv_chunks(header, columns, rows, _Context.current())
    response = StreamingHttpResponse(chunks, content_type=CSV_CONTENT_TYPE)
    return _as_download(response, filename)


# --- XLSX ------------------------------------------------------------------------------------


def sanitise_sheet_title(title: str) -> str:
    """``title`` as Excel accepts a sheet name: at most 31 characters, none of ``[]:*?/\\``.

    Excel also refuses a name that is empty or starts or ends with an apostrophe; those become
    ``"Export"`` or lose the apostrophe.
    """
    text = _ILLEGAL_XML_CHARACTERS.sub("", str(title))
    text = _ILLEGAL_SHEET_TITLE_CHARACTERS.sub(" ", text)
    text = " ".join(text.split())[:MAX_SHEET_TITLE].strip().strip("'").strip()
    return text or DEFAULT_SHEET_TITLE


@dataclass(frozen=True)
class _Sheet:
    """A worksheet being written and the cell formats its dates need."""

    sheet: Worksheet
    date: Format
    datetime: Format
    context: _Context

    def write(self, row: int, col: int, value: Any) -> None:
        """One cell with its real type: numbers as numbers, dates as dates, everything else as text.

        Each kind is written by its own method, never by ``write()``, which would take ``=…`` for a
        formula and ``http…`` for a link. An empty value writes no cell. (``write_rows`` writes
        text and whole numbers itself, the most cells by far.)
        """
        if value is None:
            return
        if isinstance(value, bool):
            self.sheet.write_string(row, col, self.context.yes if value else self.context.no)
        elif _is_finite_number(value):
            self.sheet.write_number(row, col, value if type(value) is int else float(value))
        elif isinstance(value, datetime):
            self.sheet.write_datetime(row, col, self.context.local(value), self.datetime)
        elif isinstance(value, date):
            self.sheet.write_datetime(row, col, value, self.date)
        else:
            self.sheet.write_string(row, col, _cell_text(value))

    def write_rows(self, columns: Sequence[Column], rows: Iterable[Any]) -> None:
        """``rows`` from the sheet's second row on, a cell per column."""
        write_string, write_number, write = self.sheet.write_string, self.sheet.write_number, self.write
        values = list(enumerate(column.value for column in columns))
        for number, row in enumerate(rows, start=1):
            for col, cell in values:
                value = cell(row)
                kind = type(value)
                if kind is str:
                    write_string(number, col, _cell_text(value))
                elif kind is int:
                    write_number(number, col, value)
                else:
                    write(number, col, value)


def _cell_text(value: object) -> str:
    """Text for a workbook cell, where a line break is a line feed.

    XlsxWriter would keep a carriage return as the escape ``_x000D_``, which Excel shows as a
    line break but other readers show as it is.
    """
    text = _text(value)
    if "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def xlsx_response(
    filename: str, columns: Sequence[Column], rows: Iterable[Any], *, sheet_title: str = DEFAULT_SHEET_TITLE
) -> FileResponse:
    """``rows`` as an Excel workbook download with one sheet, named ``filename``.

    A ZIP archive cannot be written front to back while it is sent, so the workbook is built
    first, into a spooled temporary file that moves to disk above ``XLSX_SPOOL_MAX_BYTES``, and
    the response streams that file (and closes, hence deletes, it when done). XlsxWriter's
    constant-memory mode writes each row to a temporary file as soon as the next one starts, so
    only the current row is in memory while building (and strings are written in their cells
    rather than in a shared table).
    """
    context = _Context.current()
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_MAX_BYTES)  # noqa: SIM115 - the response closes it
    try:
        workbook = Workbook(spool, {"constant_memory": True})
        sheet = workbook.add_worksheet(sanitise_sheet_title(sheet_title))
        sheet.freeze_panes(1, 0)
        bold = workbook.add_format({"bold": True})
        for col, column in enumerate(columns):
            sheet.write_string(0, col, _cell_text(column.header), bold)
        cells = _Sheet(
            sheet,
            date=workbook.add_format({"num_format": DATE_FORMAT}),
            datetime=workbook.add_format({"num_format": DATETIME_FORMAT}),
            context=context,
        )
        cells.write_rows(columns, rows)
        workbook.close()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return _as_download(FileResponse(spool, content_type=XLSX_CONTENT_TYPE), filename)


# --- both ------------------------------------------------------------------------------------


def _as_download(response: _Response, filename: str) -> _Response:
    """Mark ``response`` as an attachment named ``filename`` that browsers must not sniff.

    Control characters would make the header invalid and slashes a path; å ä ö are fine
    (``content_disposition_header`` writes them as RFC 5987 ``filename*``).
    """
    safe_name = _ILLEGAL_FILENAME_CHARACTERS.sub("-", filename)
    response["Content-Disposition"] = content_disposition_header(True, safe_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_response(
    fmt: str,
    filename_stem: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    sheet_title: str = DEFAULT_SHEET_TITLE,
) -> StreamingHttpResponse:
    """The export in format ``fmt`` (``"csv"`` or ``"xlsx"``), named ``filename_stem`` plus its extension.

    Any other format is a 404: it usually comes straight from the query string.
    """
    if fmt == CSV:
        return csv_response(f"{filename_stem}.{CSV}", columns, rows)
    if fmt == XLSX:
        return xlsx_response(f"{filename_stem}.{XLSX}", columns, rows, sheet_title=sheet_title)
    raise Http404(f"Unknown export format: {fmt!r}")
