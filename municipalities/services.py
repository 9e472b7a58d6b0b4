"""Domain operations on counties and municipalities."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.editing import save_values
from core.files.models import fill_document
from municipalities.models import (
    ComplianceDocument,
    ComplianceItem,
    County,
    DocumentVisibility,
    KeyFigure,
    Municipality,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LoadResult:
    counties_created: int
    counties_updated: int
    municipalities_created: int
    municipalities_updated: int


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_reference_data(data_dir: Path = DATA_DIR) -> LoadResult:
    """Load SCB's counties and municipalities from the shipped CSV files.

    Idempotent: rows are matched on their SCB code, names are updated, nothing is
    duplicated or deleted, so data linked to a county or municipality is kept.
    """
    counties = {c.code: c for c in County.objects.all()}
    c_created = c_updated = 0
    for row in _read(data_dir / "counties.csv"):
        code, name, short = row["county_code"], row["county_name"], row["county_name_short"]
        county = counties.get(code)
        if county is None:
            counties[code] = County.objects.create(code=code, name=name, short_name=short)
            c_created += 1
        elif (county.name, county.short_name) != (name, short):
            county.name, county.short_name = name, short
            county.save(update_fields=["name", "short_name"])
            c_updated += 1

    municipalities = {m.code: m for m in Municipality.objects.all()}
    m_created = m_updated = 0
    for row in _read(data_dir / "municipalities.csv"):
        code, name = row["municipality_code"], row["municipality_name"]
        county = counties[row["county_code"]]
        municipality = municipalities.get(code)
        if municipality is None:
            Municipality.objects.create(code=code, name=name, county=county)
            m_created += 1
        elif (municipality.name, municipality.county_id) != (name, county.pk):
            municipality.name, municipality.county = name, county
            municipality.save(update_fields=["name", "county"])
            m_updated += 1
    return LoadResult(c_created, c_updated, m_created, m_updated)


# --- County overview and municipality page -----------------------------------------------


def update_profile(municipality: Municipality, values: dict) -> Municipality:
    """Save the municipality's profile (its council, contact and description)."""
    return save_values(municipality, values)


@transaction.atomic
def save_compliance_item(
    municipality: Municipality,
    obligation: str,
    item: ComplianceItem | None,
    values: dict,
    *,
    document=None,
    visibility: str = "",
    user=None,
) -> ComplianceItem:
    """Save how the municipality meets ``obligation`` (``item`` None: the first time) and, when one was
    given, its new document: both or neither."""
    item = save_values(item or ComplianceItem(municipality=municipality, obligation=obligation), values)
    if document:
        new_document = ComplianceDocument(item=item, visibility=visibility or DocumentVisibility.MUNICIPALITY)
        fill_document(new_document, document, user).save()
    return item


@transaction.atomic
def delete_compliance_document(document: ComplianceDocument) -> str:
    """Delete the document (its file goes once the deletion commits); returns its name for the message."""
    name = document.original_name
    document.delete()
    return name


# --- Key figure import ---------------------------------------------------------------------

HEADERS = {
    "code": {"kommunkod", "kommun", "municipality_code", "code"},
    "year": {"år", "ar", "year"},
    "population": {"folkmängd", "folkmangd", "befolkning", "invånare", "invanare", "population"},
    "reported_crimes": {"anmälda brott", "anmalda brott", "anmälda_brott", "anmalda_brott", "reported_crimes"},
}
MAX_IMPORT_ROWS = 50_000
# Far above 50 000 rows of four short columns; a larger file is refused before it is read.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(data: bytes) -> str | None:
    """The file's text, or None when it is not text (binary content, or neither encoding fits)."""
    # Excel on Swedish Windows saves CSV as Windows-1252; everything else is UTF-8.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return None
    return None if "\x00" in text else text


def _whole_number(text: str) -> int | None:
    cleaned = "".join(text.split()).replace("\u202f", "")
    # ASCII digits only: str.isdigit() also accepts superscripts such as "²", which int() refuses.
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() else None


UNREADABLE_ROW = gettext_noop(
    "The row cannot be read as CSV (for example a quotation mark that is never closed, "
    "or a value that is far too long)."
)


def _records(reader):
    """The reader's rows, ending with None at a row the csv module cannot read (it stops there)."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None
            return


def parse_key_figures(data: bytes) -> tuple[list[tuple[int, str, int, int, int]], list[RowError]]:
    """Read the CSV into (line, code, year, population, crimes) rows, and every row's errors."""
    text = _decode(data)
    if text is None:
        return [], [
            RowError(
                1,
                gettext(
                    "The file is not a text file in UTF-8 or Windows-1252; save it from Excel as CSV and try again."
                ),
            )
        ]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [RowError(1, gettext("The file is empty."))]
    delimiter = max(";,\t", key=lines[0].count)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = [" ".join(h.strip().casefold().replace("_", " ").split()) for h in next(reader)]
    except csv.Error:
        return [], [RowError(1, gettext(UNREADABLE_ROW))]
    columns = {}
    for key, names in HEADERS.items():
        normalised = {" ".join(n.replace("_", " ").split()) for n in names}
        found = [i for i, h in enumerate(header) if h in normalised]
        if not found:
            return [], [
                RowError(
                    1,
                    gettext("The header row must name the columns kommunkod, år, folkmängd and anmälda brott."),
                )
            ]
        columns[key] = found[0]
    rows, errors = [], []
    this_year = timezone.localdate().year
    for line, record in enumerate(_records(reader), start=2):
        if record is None:
            errors.append(RowError(line, gettext(UNREADABLE_ROW)))
            break
        if not any(cell.strip() for cell in record):
            continue
        if line > MAX_IMPORT_ROWS + 1:
            errors.append(RowError(line, gettext("The file has more than %(max)s rows.") % {"max": MAX_IMPORT_ROWS}))
            break
        if len(record) <= max(columns.values()):
            errors.append(RowError(line, gettext("The row has too few columns.")))
            continue
        row, problems = _check_row(record, columns, this_year)
        if problems:
            errors.append(RowError(line, "; ".join(problems).capitalize() + "."))
        else:
            rows.append((line, *row))
    return rows, errors


def _check_row(record: list[str], columns: dict[str, int], this_year: int) -> tuple[tuple, list[str]]:
    """One row's values (code, year, population, crimes) and what is wrong with them."""
    code = record[columns["code"]].strip()
    if code.isdigit() and len(code) == 3:
        code = f"0{code}"  # spreadsheets drop the leading zero of Stockholm county's codes
    year = _whole_number(record[columns["year"]])
    population = _whole_number(record[columns["population"]])
    crimes = _whole_number(record[columns["reported_crimes"]])
    problems = []
    if not (code.isdigit() and len(code) == 4):
        problems.append(gettext("the municipality code must have four digits (got “%(value)s”)") % {"value": code})
    if year is None or not 1968 <= year <= this_year:
        problems.append(gettext("the year must be between 1968 and %(year)s") % {"year": this_year})
    if not population:
        problems.append(gettext("the population must be a whole number above zero"))
    if crimes is None:
        problems.append(gettext("reported crimes must be a whole number, zero or more"))
    return (code, year, population, crimes), problems


def import_key_figures(data: bytes, *, user=None) -> ImportResult:
    """Check every row, then save all of them or none.

    With ``user``, only municipalities the user may change are accepted. Importing the
    same file again changes nothing.
    """
    rows, errors = parse_key_figures(data)
    municipalities = Municipality.objects.all() if user is None else Municipality.objects.visible_to(user)
    known = {m.code: m for m in municipalities.filter(code__in={r[1] for r in rows})}
    editable = (
        set(known)
        if user is None
        else set(Municipality.objects.editable_by(user).filter(code__in=known).values_list("code", flat=True))
    )
    seen: dict[tuple[str, int], int] = {}
    for line, code, year, _population, _crimes in rows:
        if code not in known:
            errors.append(RowError(line, gettext("No municipality has the code %(code)s.") % {"code": code}))
        elif code not in editable:
            errors.append(
                RowError(line, gettext("You may not change the figures of %(name)s.") % {"name": known[code].name})
            )
        elif (code, year) in seen:
            errors.append(
                RowError(
                    line,
                    gettext("%(name)s %(year)s is already on line %(line)s.")
                    % {"name": known[code].name, "year": year, "line": seen[(code, year)]},
                )
            )
        else:
            seen[(code, year)] = line
    result = ImportResult(errors=sorted(errors, key=lambda e: e.line))
    if errors or not rows:
        if not rows and not errors:
            result.errors.append(RowError(2, gettext("The file has no rows of figures.")))
        return result
    with transaction.atomic():
        existing = {
            (kf.municipality_id, kf.year): kf
            for kf in KeyFigure.objects.select_for_update().filter(municipality__in=known.values())
        }
        to_create, to_update = [], []
        for _line, code, year, population, crimes in rows:
            municipality = known[code]
            figure = existing.get((municipality.pk, year))
            if figure is None:
                to_create.append(
                    KeyFigure(municipality=municipality, year=year, population=population, reported_crimes=crimes)
                )
            elif (figure.population, figure.reported_crimes) != (population, crimes):
                figure.population, figure.reported_crimes = population, crimes
                to_update.append(figure)
            else:
                result.unchanged += 1
        bulk_create_with_history(to_create, KeyFigure, default_user=user)
        if to_update:
            bulk_update_with_history(to_update, KeyFigure, ["population", "reported_crimes"], default_user=user)
        result.created, result.updated = len(to_create), len(to_update)
    return result
