"""Domain operations on counties and municipalities."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.editing import save_values
from core.files.models import fill_document
from core.jobs import enqueue
from municipalities.models import (
    POPULATION,
    REPORTED_CRIMES,
    AreaKeyFigure,
    Better,
    ComplianceDocument,
    ComplianceItem,
    County,
    DocumentVisibility,
    FigureValue,
    FollowedKeyFigure,
    Gender,
    ImportStatus,
    KeyFigure,
    KeyFigureImport,
    KeyFigureKind,
    KeyFigureSource,
    Municipality,
)
from municipalities.sources import SourceError, bra, kolada, scb

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
    kinds = base_kinds()
    values = []
    for _line, code, year, population, crimes in rows:
        for kind, number in ((kinds[POPULATION], population), (kinds[REPORTED_CRIMES], crimes)):
            values.append(NewValue(known[code], kind, year, Gender.TOTAL, Decimal(number)))
    with transaction.atomic():
        outcome = write_values(values, user=user)
    _count_rows(result, outcome, [(known[code].pk, year) for _line, code, year, *_figures in rows])
    return result


def _count_rows(result: ImportResult, outcome: WriteOutcome, keys: list[tuple[int, int]]) -> None:
    """Count per row of the file (a year of a municipality): changed when either of its figures changed."""
    changed = {(v.area.pk, v.year) for v in outcome.created + outcome.updated}
    fresh = {(v.area.pk, v.year) for v in outcome.created} - {(v.area.pk, v.year) for v in outcome.updated}
    for key in keys:
        if key not in changed:
            result.unchanged += 1
        elif key in fresh:
            result.created += 1
        else:
            result.updated += 1


# --- Writing values of series ---------------------------------------------------------------------


BASE_KINDS = {
    POPULATION: {
        "name": "Folkmängd",
        "unit": "invånare",
        "source": KeyFigureSource.SCB,
        "source_ref": "BE0101N1",
        "better": Better.NEITHER,
        "per_100k": False,
        "description": "Folkmängden den 31 december, enligt SCB:s befolkningsstatistik.",
    },
    REPORTED_CRIMES: {
        "name": "Anmälda brott",
        "unit": "anmälda brott",
        "source": KeyFigureSource.BRA,
        "source_ref": "total",
        "better": Better.LOWER,
        "per_100k": True,
        "description": "Samtliga anmälda brott i kommunen under året, enligt Brå:s kriminalstatistik.",
    },
}


def base_kinds() -> dict[str, KeyFigureKind]:
    """Population and reported crimes, the kinds every municipality has.

    The migrations make them; a database emptied since (a test's flush) gets them again here.
    """
    kinds = {kind.code: kind for kind in KeyFigureKind.objects.filter(code__in=BASE_KINDS)}
    for code, defaults in BASE_KINDS.items():
        if code not in kinds:
            kinds[code], _created = KeyFigureKind.objects.get_or_create(code=code, defaults=defaults)
    return kinds


def year_rows(
    kinds: dict[str, KeyFigureKind], municipality: Municipality, year: int, population: int, crimes: int
) -> list[KeyFigure]:
    """The two unsaved rows of a year typed in by hand (``kinds`` from ``base_kinds``), for bulk inserts."""
    return [
        KeyFigure(municipality=municipality, kind=kinds[POPULATION], year=year, value=Decimal(population)),
        KeyFigure(municipality=municipality, kind=kinds[REPORTED_CRIMES], year=year, value=Decimal(crimes)),
    ]


@dataclass(frozen=True)
class NewValue:
    """A value as a source gives it: ``area`` a municipality, a county, or None for the whole country."""

    area: Municipality | County | None
    kind: KeyFigureKind
    year: int
    gender: str
    value: Decimal
    source: str = KeyFigureSource.MANUAL
    source_ref: str = ""
    preliminary: bool = False
    fetched_at: datetime.datetime | None = None

    @property
    def gender_label(self) -> str:
        return Gender(self.gender).label

    @property
    def model(self) -> type[FigureValue]:
        return KeyFigure if isinstance(self.area, Municipality) else AreaKeyFigure

    @property
    def key(self) -> tuple:
        return (self.model, getattr(self.area, "pk", None), self.kind.pk, self.year, self.gender)


@dataclass
class WriteOutcome:
    created: list[NewValue] = field(default_factory=list)
    updated: list[NewValue] = field(default_factory=list)
    unchanged: list[NewValue] = field(default_factory=list)
    # (value, the row it changes, as it was): for the preview's "old → new"
    old: dict[tuple, FigureValue] = field(default_factory=dict)


def _existing(values: list[NewValue], *, lock: bool) -> dict[tuple, FigureValue]:
    """The stored rows the values would replace, keyed like ``NewValue.key`` (two queries at most)."""
    found: dict[tuple, FigureValue] = {}
    kinds = {v.kind.pk for v in values}
    years = {v.year for v in values}
    municipal = {v.area.pk for v in values if isinstance(v.area, Municipality)}
    if municipal:
        rows = KeyFigure.objects.filter(municipality_id__in=municipal, kind_id__in=kinds, year__in=years).order_by("pk")
        for row in rows.select_for_update() if lock else rows:
            found[(KeyFigure, row.municipality_id, row.kind_id, row.year, row.gender)] = row
    if any(not isinstance(v.area, Municipality) for v in values):
        counties = {v.area.pk for v in values if isinstance(v.area, County)}
        # Ordered by id, not by the county (a join that FOR UPDATE cannot lock on the national rows' side).
        rows = AreaKeyFigure.objects.filter(
            Q(county_id__in=counties) | Q(county_id__isnull=True), kind_id__in=kinds, year__in=years
        ).order_by("pk")
        for row in rows.select_for_update() if lock else rows:
            found[(AreaKeyFigure, row.county_id, row.kind_id, row.year, row.gender)] = row
    return found


def compare_values(values: list[NewValue], *, lock: bool = False) -> WriteOutcome:
    """What writing ``values`` would do: which are new, which change a stored value, which are the same.

    A value is the same when its number and whether it is preliminary are; a source that revises a
    preliminary value to a final one (or changes the number) changes the stored row.
    """
    existing = _existing(values, lock=lock)
    outcome = WriteOutcome()
    for value in values:
        row = existing.get(value.key)
        if row is None:
            outcome.created.append(value)
        elif row.value != value.value or row.preliminary != value.preliminary:
            outcome.updated.append(value)
            outcome.old[value.key] = row
        else:
            outcome.unchanged.append(value)
    return outcome


def write_values(values: list[NewValue], *, user=None) -> WriteOutcome:
    """Add the new values and change the revised ones, each change in the history; call in a transaction.

    Rows are locked while compared, so two imports of the same figures do not both add them.
    """
    outcome = compare_values(values, lock=True)
    now = timezone.now()
    for model in (KeyFigure, AreaKeyFigure):
        area_field = "municipality" if model is KeyFigure else "county"
        new_rows = [
            model(
                **{area_field: v.area},
                kind=v.kind,
                year=v.year,
                gender=v.gender,
                value=v.value,
                source=v.source,
                source_ref=v.source_ref,
                preliminary=v.preliminary,
                fetched_at=v.fetched_at or (now if v.source != KeyFigureSource.MANUAL else None),
            )
            for v in outcome.created
            if v.model is model
        ]
        if new_rows:
            bulk_create_with_history(new_rows, model, default_user=user)
        changed = []
        for v in outcome.updated:
            if v.model is not model:
                continue
            row = outcome.old[v.key]
            # The history keeps the row as it was; the row gets the new number and its provenance.
            changed.append(
                model(
                    pk=row.pk,
                    **{f"{area_field}_id": getattr(row, f"{area_field}_id")},
                    kind_id=row.kind_id,
                    year=row.year,
                    gender=row.gender,
                    value=v.value,
                    source=v.source,
                    source_ref=v.source_ref,
                    preliminary=v.preliminary,
                    fetched_at=v.fetched_at or (now if v.source != KeyFigureSource.MANUAL else None),
                )
            )
        if changed:
            bulk_update_with_history(
                changed, model, ["value", "source", "source_ref", "preliminary", "fetched_at"], default_user=user
            )
    return outcome


# --- Imports from the sources -----------------------------------------------------------------------


class ImportNotValidError(Exception):
    """The import cannot be saved: it is not ready, already saved, or has values nothing matches."""


def follow_kind(county: County, kind: KeyFigureKind, *, user=None) -> FollowedKeyFigure:
    """The county follows ``kind`` (again: nothing changes)."""
    followed, _created = FollowedKeyFigure.objects.get_or_create(county=county, kind=kind)
    return followed


def unfollow_kind(followed: FollowedKeyFigure) -> None:
    """The county stops following the kind; the values already imported are kept."""
    followed.delete()


def kolada_kind(kpi: str, *, title: str = "", description: str = "") -> KeyFigureKind:
    """The kind of Kolada's KPI ``kpi``, made the first time it is followed (named from Kolada's metadata)."""
    kind, _created = KeyFigureKind.objects.get_or_create(
        source=KeyFigureSource.KOLADA,
        source_ref=kpi,
        defaults={"code": f"kolada:{kpi}", "name": title or kpi, "description": description[:3000]},
    )
    return kind


def follow_kolada_kpi(county: County, kpi: str, *, user=None) -> FollowedKeyFigure:
    """Follow Kolada's KPI ``kpi``; its name and description are read from Kolada (``SourceError`` if it
    has no such KPI or cannot be reached)."""
    kind = KeyFigureKind.objects.filter(source=KeyFigureSource.KOLADA, source_ref=kpi).first()
    if kind is None:
        about = kolada.metadata(kpi)
        kind = kolada_kind(kpi, title=about["title"], description=str(about.get("description") or ""))
    return follow_kind(county, kind, user=user)


def request_kolada_import(county: County, first_year: int, last_year: int, *, user=None) -> KeyFigureImport:
    """Queue the fetch of the county's followed Kolada KPIs for its municipalities, the county and the
    country; the job (``municipalities.tasks.fetch_key_figures``) starts once this commits."""
    with transaction.atomic():
        batch = KeyFigureImport.objects.create(
            county=county,
            source=KeyFigureSource.KOLADA,
            requested_by=user,
            first_year=first_year,
            last_year=last_year,
        )
        enqueue("municipalities.tasks.fetch_key_figures", batch.pk)
    return batch


def retry_import(batch: KeyFigureImport) -> KeyFigureImport:
    """Run a failed import again from the start: nothing of the failed run was saved."""
    with transaction.atomic():
        batch = KeyFigureImport.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.FAILED:
            return batch
        batch.status, batch.error, batch.pages_read, batch.values = ImportStatus.QUEUED, "", 0, []
        batch.save(update_fields=["status", "error", "pages_read", "values"])
        enqueue("municipalities.tasks.fetch_key_figures", batch.pk)
    return batch


def fetch_import(import_id: int) -> None:
    """The background job: read every page of the source, then keep what it gave on the import for the
    preview. A failure on any page marks the import failed with the reason and keeps nothing of it."""
    batch = KeyFigureImport.objects.select_related("county").filter(pk=import_id).first()
    if batch is None or batch.status not in (ImportStatus.QUEUED, ImportStatus.FETCHING):
        return  # gone, or already fetched: a re-delivered job does nothing
    rows = KeyFigureImport.objects.filter(pk=batch.pk)
    rows.update(status=ImportStatus.FETCHING, pages_read=0)
    kpis = [k.source_ref for k in followed_kinds(batch.county) if k.source == KeyFigureSource.KOLADA]
    if not kpis:
        rows.update(status=ImportStatus.FAILED, error=gettext("The county follows no key figure from Kolada."))
        return
    areas = [*batch.county.municipalities.order_by("code").values_list("code", flat=True)]
    areas += [kolada.county_code(batch.county.code), kolada.NATIONAL]
    years = list(range(batch.first_year, batch.last_year + 1))
    try:
        values = kolada.fetch(kpis, areas, years, progress=lambda pages: rows.update(pages_read=pages))
    except SourceError as error:
        rows.update(status=ImportStatus.FAILED, error=str(error))
        return
    rows.update(
        status=ImportStatus.READY,
        fetched_at=timezone.now(),
        values=[[v.area, v.ref, v.year, v.gender, str(v.value), v.preliminary] for v in values],
    )


def followed_kinds(county: County) -> list[KeyFigureKind]:
    """The kinds the county follows, by name (one query)."""
    return [f.kind for f in FollowedKeyFigure.objects.filter(county=county).select_related("kind")]


@dataclass
class Preview:
    """What applying an import would do, for the user to confirm."""

    added: list[NewValue] = field(default_factory=list)
    changed: list[tuple[NewValue, FigureValue]] = field(default_factory=list)  # (new, stored row as it is)
    unchanged: int = 0
    unknown: list[str] = field(default_factory=list)  # why each unmatched value is left out

    @property
    def valid(self) -> bool:
        return not self.unknown

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed)


def _resolve(batch: KeyFigureImport) -> tuple[list[NewValue], list[str]]:
    """The import's values matched to municipalities, the county, the country and kinds (three queries)."""
    municipalities = {m.code: m for m in batch.county.municipalities.all()}
    kinds = {k.source_ref: k for k in KeyFigureKind.objects.filter(source=batch.source)}
    national = kolada.NATIONAL
    own_county = kolada.county_code(batch.county.code)
    values, unknown = [], []
    for area, ref, year, gender, number, preliminary in batch.values:
        kind = kinds.get(ref)
        if area == national:
            target = None
        elif area == own_county:
            target = batch.county
        else:
            target = municipalities.get(area)
        if kind is None:
            unknown.append(gettext("%(ref)s is not a key figure the portal knows.") % {"ref": ref})
        elif area not in (national, own_county) and target is None:
            unknown.append(
                gettext("%(area)s is not the code of a municipality in %(county)s.")
                % {"area": area, "county": batch.county.name}
            )
        elif not batch.first_year <= year <= batch.last_year:
            unknown.append(
                gettext("%(year)s is outside the years %(first)s–%(last)s that were asked for.")
                % {"year": year, "first": batch.first_year, "last": batch.last_year}
            )
        else:
            values.append(
                NewValue(
                    target,
                    kind,
                    year,
                    gender,
                    Decimal(number),
                    source=batch.source,
                    source_ref=ref,
                    preliminary=preliminary,
                    fetched_at=batch.fetched_at,
                )
            )
    return values, unknown


def preview_import(batch: KeyFigureImport) -> Preview:
    """What the import adds, changes (old → new) and leaves out, without saving anything."""
    values, unknown = _resolve(batch)
    outcome = compare_values(values)
    return Preview(
        added=outcome.created,
        changed=[(v, outcome.old[v.key]) for v in outcome.updated],
        unchanged=len(outcome.unchanged),
        unknown=unknown,
    )


def apply_import(batch: KeyFigureImport, *, user=None) -> WriteOutcome:
    """Save the import the user confirmed, all of it or nothing: ``ImportNotValidError`` when it is not ready,
    is already saved, or has values nothing matches. A revised value keeps the old one in its history."""
    with transaction.atomic():
        batch = KeyFigureImport.objects.select_for_update().select_related("county").get(pk=batch.pk)
        if batch.status == ImportStatus.APPLIED:
            raise ImportNotValidError(gettext("The import is already saved."))
        if batch.status != ImportStatus.READY:
            raise ImportNotValidError(gettext("The import is not ready to be saved."))
        values, unknown = _resolve(batch)
        if unknown:
            raise ImportNotValidError(gettext("The import has values that match nothing in the portal."))
        outcome = write_values(values, user=user)
        batch.status, batch.applied_at = ImportStatus.APPLIED, timezone.now()
        batch.save(update_fields=["status", "applied_at"])
    return outcome


def request_yearly_imports(*, years_back: int = 5) -> list[KeyFigureImport]:
    """The yearly job: a Kolada import for every county that follows a Kolada KPI, of the last
    ``years_back`` years; each waits for the county's coordinators to review and save it."""
    last = timezone.localdate().year - 1
    counties = County.objects.filter(followed_key_figures__kind__source=KeyFigureSource.KOLADA).distinct()
    return [request_kolada_import(county, last - years_back + 1, last) for county in counties]


def bra_kinds() -> list[KeyFigureKind]:
    """Brå's crime categories as kinds (the total is the base kind of reported crimes), made on first use."""
    kinds = base_kinds()
    found = {k.source_ref: k for k in KeyFigureKind.objects.filter(source=KeyFigureSource.BRA)}
    for ref, name in bra.CATEGORIES.values():
        if ref not in found:
            found[ref], _created = KeyFigureKind.objects.get_or_create(
                source=KeyFigureSource.BRA,
                source_ref=ref,
                defaults={
                    "code": f"bra:{ref}",
                    "name": name,
                    "unit": "anmälda brott",
                    "better": Better.LOWER,
                    "per_100k": True,
                },
            )
    found["total"] = kinds[REPORTED_CRIMES]
    return sorted(found.values(), key=lambda kind: kind.name)


def read_bra_file(county: County, data: bytes, name: str, *, user=None) -> KeyFigureImport:
    """An import of a file exported from Brå's statistics database, ready to be reviewed; a file that
    cannot be read raises ``SourceError`` (``bra.FileRowsError`` listing its rows) and nothing is kept."""
    values = bra.parse(data, name)
    bra_kinds()
    years = [v.year for v in values]
    return KeyFigureImport.objects.create(
        county=county,
        source=KeyFigureSource.BRA,
        status=ImportStatus.READY,
        requested_by=user,
        file_name=name[:255],
        first_year=min(years),
        last_year=max(years),
        fetched_at=timezone.now(),
        values=[[v.area, v.ref, v.year, v.gender, str(v.value), v.preliminary] for v in values],
    )


def read_scb_file(county: County, data: bytes, name: str, *, user=None) -> KeyFigureImport:
    """An import of population from SCB's statistics API saved as JSON-stat 2, ready to be reviewed;
    ``SourceError`` when it is not such a dataset, and nothing is kept."""
    values = scb.parse(data)
    base_kinds()
    years = [v.year for v in values]
    return KeyFigureImport.objects.create(
        county=county,
        source=KeyFigureSource.SCB,
        status=ImportStatus.READY,
        requested_by=user,
        file_name=name[:255],
        first_year=min(years),
        last_year=max(years),
        fetched_at=timezone.now(),
        values=[[v.area, v.ref, v.year, v.gender, str(v.value), v.preliminary] for v in values],
    )
