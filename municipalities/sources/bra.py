"""Reported crimes per municipality, crime category and year, as Brå's statistics database exports them.

The export (CSV, or Excel) has a header row naming the columns ``Region``, ``Brottskategori``, ``År``
and ``Antal`` (``Kommun``, ``Brott`` and ``Anmälda brott`` are read too); lines before the header
(the table's title) are skipped. A region is a municipality ("1281 Lund" or "1281"), a county
("12 Skåne län") or the whole country ("Hela landet", "Riket"); Brå writes ".." where a number is
missing, which is no value. The categories are Brå's main groups (``CATEGORIES``); "Samtliga brott"
is the total.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from municipalities.sources import SourceError, SourceValue

NATIONAL = "0000"
# Brå's name of each main group: (our identifier, the name the kind gets)
CATEGORIES = {
    "samtliga brott": ("total", "Anmälda brott"),
    "brott mot person": ("person", "Anmälda brott mot person"),
    "stöld-, rån- och häleribrott": ("theft", "Anmälda stöld-, rån- och häleribrott"),
    "skadegörelsebrott": ("damage", "Anmälda skadegörelsebrott"),
    "narkotikabrott": ("narcotics", "Anmälda narkotikabrott"),
    "bedrägeribrott": ("fraud", "Anmälda bedrägeribrott"),
}
COLUMNS = {
    "region": {"region", "kommun", "län/kommun"},
    "category": {"brottskategori", "brott", "brottstyp"},
    "year": {"år", "ar"},
    "value": {"antal", "anmälda brott", "anmalda brott"},
}
MAX_ROWS = 100_000


class FileRowsError(SourceError):
    """Rows of the file cannot be read: ``problems`` lists each with its line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:3]))
        self.problems = problems


def _rows(data: bytes, name: str) -> list[list[str]]:
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook  # noqa: PLC0415 (only for Excel files)

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as error:
            raise SourceError(gettext("The file cannot be read as an Excel workbook.")) from error
        return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise SourceError(gettext("The file is neither a CSV file nor an Excel workbook."))
    lines = text.splitlines()
    delimiter = max(";,\t", key=lambda d: sum(line.count(d) for line in lines[:20]))
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as error:
        raise SourceError(gettext("The file cannot be read as CSV.")) from error


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:20]):
        names = [" ".join(cell.strip().casefold().split()) for cell in row]
        found = {key: next((i for i, n in enumerate(names) if n in options), None) for key, options in COLUMNS.items()}
        if all(i is not None for i in found.values()):
            return index, found
    raise SourceError(gettext("The file has no header row naming the columns Region, Brottskategori, År and Antal."))


def _region(text: str) -> str | None:
    text = " ".join(text.split())
    if text.casefold() in ("hela landet", "riket", "sverige"):
        return NATIONAL
    match = re.match(r"^(\d{1,4})\b", text)
    if not match:
        return None
    code = match.group(1)
    if len(code) <= 2:
        return f"00{int(code):02d}"  # a county: Kolada's and this importer's "00" + the county code
    return code.zfill(4)


def _check(line: int, row: list[str], columns: dict[str, int], this_year: int) -> SourceValue | str | None:
    """The row's value, what is wrong with it, or None for a number Brå marks as missing."""
    region_text, category = row[columns["region"]], row[columns["category"]].strip()
    year_text, number = row[columns["year"]].strip(), "".join(row[columns["value"]].split()).replace(",", ".")
    region, known = _region(region_text), CATEGORIES.get(re.sub(r"\s*\(.*\)$", "", category).casefold())
    where = {"line": line, "region": region_text, "category": category, "year": this_year, "value": number}
    if number in ("..", "-", ""):
        return None
    if region is None:
        return gettext("Line %(line)s: “%(region)s” is not a region with a code.") % where
    if known is None:
        return gettext("Line %(line)s: “%(category)s” is not one of Brå's crime categories.") % where
    if not (year_text.isdigit() and 1975 <= int(year_text) <= this_year):
        return gettext("Line %(line)s: the year must be between 1975 and %(year)s.") % where
    if not re.fullmatch(r"\d+(\.0+)?", number):
        return gettext("Line %(line)s: “%(value)s” is not a number of crimes.") % where
    return SourceValue(region, known[0], int(year_text), "T", Decimal(number))


def parse(data: bytes, name: str) -> list[SourceValue]:
    """Every value of the file, or ``FileRowsError`` listing every row that cannot be read."""
    rows = _rows(data, name)
    start, columns = _header(rows)
    this_year = timezone.localdate().year
    values, problems = [], []
    width = max(columns.values())
    for line, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in row):
            continue
        if line > MAX_ROWS:
            problems.append(gettext("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
            break
        if len(row) <= width:
            problems.append(gettext("Line %(line)s has too few columns.") % {"line": line})
            continue
        checked = _check(line, row, columns, this_year)
        if isinstance(checked, SourceValue):
            values.append(checked)
        elif checked:
            problems.append(checked)
    if problems:
        raise FileRowsError(problems)
    if not values:
        raise SourceError(gettext("The file has no values."))
    return values
