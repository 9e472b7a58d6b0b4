"""A person's export as a PDF, through the reports' renderer (WeasyPrint, static files only, PDF/UA-1).

Made while the administrator waits, so its size is bounded: each place prints its first
``ROWS_PER_PLACE`` rows and the history its newest ``CHANGES`` changes, saying how many more the
JSON export holds. (A person with more than that is rare: a coordinator of many years.)
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.privacy.queries import Export, ExportedPlace, Person
from portal.reports.render import render_pdf

TEMPLATE = "privacy/export_pdf.html"
ROWS_PER_PLACE = 100
CHANGES = 100


@dataclass(frozen=True)
class PrintedPlace:
    place: ExportedPlace
    rows: list
    more: int


def render_export(person: Person, export: Export) -> bytes:
    places = [
        PrintedPlace(place, place.labelled_rows[:ROWS_PER_PLACE], max(0, len(place.rows) - ROWS_PER_PLACE))
        for place in export.places
    ]
    context = {"person": person, "export": export, "places": places, "changes": export.changes[:CHANGES]}
    return render_pdf(TEMPLATE, context).content
