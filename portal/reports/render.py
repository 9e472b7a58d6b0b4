"""HTML to PDF with WeasyPrint, reading nothing but the project's own static files.

Text typed by users is escaped by the templates; the URL fetcher is the second wall: even a
tag that slipped through could not make the renderer fetch a network address or a local file
outside the static folders.
"""

from __future__ import annotations

import functools
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation

# A base address that resolves nowhere: relative URLs in templates become https://report.invalid/static/…
BASE_URL = "https://report.invalid/"


class RefusedURLError(ValueError):
    """WeasyPrint asked for something that is not one of the project's static files."""


def static_file_for(url: str) -> Path:
    """The static file that ``url`` names, or RefusedURLError for anything else."""
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix) or ".." in url:
        raise RefusedURLError(f"Reports may only use the portal's static files, not {url[:100]!r}")
    relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
    found = finders.find(relative)
    if not found and staticfiles_storage.exists(relative):
        # Production: {% static %} names the collected copy with its hash (ManifestStaticFilesStorage).
        found = staticfiles_storage.path(relative)
    if not found:
        raise RefusedURLError(f"No static file {relative!r}")
    return Path(found)


@functools.cache
def static_only_fetcher():
    """WeasyPrint's URL fetcher that serves the static folders and refuses everything else.

    Built on first use: importing WeasyPrint loads Pango, which only the worker needs.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_file_for(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    # A refused URL stops the rendering: a report never silently lacks a part.
    return StaticOnlyFetcher(fail_on_errors=True)


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    pages: int
    html_seconds: float
    pdf_seconds: float


def render_html(template: str, context: dict) -> str:
    with translation.override("sv"):
        return render_to_string(template, context)


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """The PDF (PDF/UA-1, tagged, with the document's language and title) and its page count."""
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint loads Pango; only the worker needs it
    from weasyprint.urls import FatalURLFetchingError  # noqa: PLC0415

    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher()).render(
            pdf_variant="pdf/ua-1"
        )
    except FatalURLFetchingError as error:  # a BaseException in WeasyPrint: turn it into an ordinary error
        raise RefusedURLError(str(error)) from error
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)


def render_pdf(template: str, context: dict) -> RenderedPDF:
    started = time.perf_counter()
    html = render_html(template, context)
    rendered = time.perf_counter()
    content, pages = html_to_pdf(html)
    return RenderedPDF(content, pages, rendered - started, time.perf_counter() - rendered)
