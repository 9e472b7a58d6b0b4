"""Kolada's open API, version 2: the values of a KPI per municipality (or county, or the country) and year.

``GET {KOLADA_BASE_URL}/data/kpi/{kpi}/municipality/{ids}/year/{years}`` answers
``{"count": n, "values": [...], "next_page": url or null}``; each value is
``{"kpi", "municipality", "period", "values": [{"gender": "T"|"K"|"M", "status", "value"}]}``.
A ``value`` of null (``status`` "Missing") is no value. Kolada marks a value that may still be
revised with a ``status`` that starts with "prel" or is "P"; any other status is a final value.
Counties are Kolada's "00" + the county code, the whole country ("Riket") is "0000".
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

from municipalities.sources import SourceError, SourceValue

NATIONAL = "0000"
MAX_PAGES = 200  # a KPI for a county's municipalities over a few years is a page or two


def county_code(code: str) -> str:
    return f"00{code}"


def _get(url: str) -> dict:
    timeout = settings.KEY_FIGURE_SOURCE_TIMEOUT
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(f"KOLADA_BASE_URL must be an http:// or https:// address, not {url!r}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # nosec B310: http(s) only, checked above
            body = response.read()
    except urllib.error.HTTPError as error:
        raise SourceError(
            gettext("Kolada answered with an error (HTTP %(status)s) at %(url)s.") % {"status": error.code, "url": url}
        ) from error
    except TimeoutError as error:
        raise SourceError(
            gettext("Kolada did not answer within %(seconds)s seconds.") % {"seconds": timeout}
        ) from error
    except (urllib.error.URLError, OSError) as error:
        raise SourceError(gettext("Kolada cannot be reached: %(reason)s.") % {"reason": error}) from error
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise SourceError(gettext("Kolada's answer is not JSON.")) from error
    if not isinstance(answer, dict) or not isinstance(answer.get("values"), list):
        raise SourceError(gettext("Kolada's answer has no list of values: the API may have changed."))
    return answer


def _number(raw) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise InvalidOperation
    number = Decimal(str(raw))
    if not number.is_finite():
        raise InvalidOperation
    return number


def _values(answer: dict) -> Iterable[SourceValue]:
    for entry in answer["values"]:
        try:
            kpi, area, year, breakdown = entry["kpi"], entry["municipality"], int(entry["period"]), entry["values"]
            if not (isinstance(kpi, str) and isinstance(area, str) and isinstance(breakdown, list)):
                raise TypeError
            for part in breakdown:
                value = _number(part["value"])
                if value is None:
                    continue
                status = str(part.get("status") or "").strip().casefold()
                gender = part.get("gender") or "T"
                if gender not in ("T", "K", "M"):
                    raise ValueError(gender)
                yield SourceValue(
                    area, kpi, year, gender, value, preliminary=status == "p" or status.startswith("prel")
                )
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise SourceError(
                gettext("A value in Kolada's answer does not have the documented shape: %(entry)s")
                % {"entry": json.dumps(entry, ensure_ascii=False)[:200]}
            ) from error


def fetch(
    kpis: list[str], areas: list[str], years: list[int], *, progress: Callable[[int], None] | None = None
) -> list[SourceValue]:
    """Every value of ``kpis`` for ``areas`` (Kolada's ids) in ``years``, following ``next_page`` to the end.

    All pages are read before anything is returned: an error on any page raises ``SourceError``.
    ``progress`` is told the number of pages read so far.
    """
    base = settings.KOLADA_BASE_URL.rstrip("/")
    path = "/".join(
        (
            "data/kpi",
            urllib.parse.quote(",".join(kpis)),
            "municipality",
            urllib.parse.quote(",".join(areas)),
            "year",
            ",".join(str(y) for y in years),
        )
    )
    url: str | None = f"{base}/{path}"
    values: list[SourceValue] = []
    pages = 0
    while url:
        if pages >= MAX_PAGES:
            raise SourceError(gettext("Kolada's answer goes on for more than %(pages)s pages.") % {"pages": MAX_PAGES})
        answer = _get(url)
        values.extend(_values(answer))
        pages += 1
        if progress:
            progress(pages)
        next_page = answer.get("next_page")
        if next_page is not None and not isinstance(next_page, str):
            raise SourceError(gettext("Kolada's answer has no list of values: the API may have changed."))
        url = _on_base(base, next_page) if next_page else None
    return values


def _on_base(base: str, link: str) -> str:
    """The link's path and query on the configured server: a next page is read from there only,
    whatever host the answer names."""
    own, other = urllib.parse.urlsplit(base), urllib.parse.urlsplit(link)
    return urllib.parse.urlunsplit((own.scheme, own.netloc, other.path, other.query, ""))


def metadata(kpi: str) -> dict:
    """Kolada's description of one KPI (``GET /kpi/{id}``): its title, description and whether higher is better."""
    base = settings.KOLADA_BASE_URL.rstrip("/")
    answer = _get(f"{base}/kpi/{urllib.parse.quote(kpi)}")
    found = [v for v in answer["values"] if isinstance(v, dict) and v.get("id") == kpi]
    if not found or not isinstance(found[0].get("title"), str):
        raise SourceError(gettext("Kolada has no key figure with the id %(kpi)s.") % {"kpi": kpi})
    return found[0]
