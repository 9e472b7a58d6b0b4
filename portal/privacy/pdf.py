"""A person's export as a PDF, through the reports' renderer (WeasyPrint, static files only, PDF/UA-1)."""

from __future__ import annotations

from portal.privacy.queries import Export, Person
from portal.reports.render import render_pdf

TEMPLATE = "privacy/export_pdf.html"


def render_export(person: Person, export: Export) -> bytes:
    return render_pdf(TEMPLATE, {"person": person, "export": export}).content
