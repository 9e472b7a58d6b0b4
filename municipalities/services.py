"""Domain operations on counties and municipalities."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from municipalities.models import County, Municipality

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
