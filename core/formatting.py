"""Numbers as the portal writes them: one rule for pages, charts and PDF reports alike.

- A percentage is a whole per cent, rounded half up (17,5 → 18), followed by a no-break space
  and "%": "18 %". Progress, shares and quality scores all follow it, so the dashboard, the plan
  page and the report never disagree about the same number.
- An indicator's figures (baseline, target, values) share the indicator's precision: the most
  decimals any of them needs, at most the two the database keeps. 31,40 is written 31,4 when
  the indicator's figures need one decimal, and every figure of that indicator, in its chart
  too, is written with that one decimal and the indicator's unit.
- The active language decides the separators (Swedish: decimal comma, no-break space between
  thousands; see core/formats/); numbers are rounded half up here because Django's
  number_format truncates floats (12,96 would show as 12,9).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import number_format

NBSP = "\xa0"
PERCENT_DECIMALS = 0
MAX_DECIMALS = 2  # IndicatorValue.value, Indicator.baseline and .target keep two decimals
EMPTY = "–"


def round_half_up(value: float | Decimal | int, decimals: int = 0) -> Decimal:
    """``value`` rounded to ``decimals`` places, halves away from zero (Swedish school rounding)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: float | Decimal | int | None, decimals: int = 0, unit: str = "") -> str:
    """``value`` with ``decimals`` places in the active language's separators, ``unit`` after a
    no-break space; "–" when there is no value."""
    if value is None or value == "":
        return EMPTY
    rounded = round_half_up(value, decimals)
    # -0,0 reads as a negative number: a value that rounds to zero is written as zero.
    text = number_format(rounded if rounded else abs(rounded), decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}{NBSP}{unit}" if unit else text


def percent(value: float | Decimal | int | None) -> str:
    """A percentage the one way the portal writes it: "18 %" (see the module docstring)."""
    return format_number(value, PERCENT_DECIMALS, "%")


def decimals_needed(value: float | Decimal | int | None) -> int:
    """How many decimals ``value`` needs to be written without loss: 31.40 needs one, 25.00 none."""
    if value is None:
        return 0
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return min(MAX_DECIMALS, max(0, -int(exponent)))


def indicator_decimals(indicator) -> int:
    """The precision of an indicator: the most decimals its baseline, target and values need.

    Reads ``indicator.values.all()``: callers prefetch the values (the measure page, the report).
    """
    figures: Iterable = (indicator.baseline, indicator.target, *(v.value for v in indicator.values.all()))
    return max((decimals_needed(figure) for figure in figures), default=0)


def measure_value(value: float | Decimal | int | None, indicator) -> str:
    """A figure of ``indicator`` in its unit and its precision: "31,4 %", "12 personer"."""
    return format_number(value, indicator_decimals(indicator), indicator.unit)


# --- Long texts -------------------------------------------------------------------------------

EXCERPT_CHARS = 300


def shortened(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The opening of a long ``text`` for a page that puts its figures first: the first paragraph,
    at most ``limit`` characters, cut at a word with "…". Empty when the whole text is that short,
    so the page shows it in full instead."""
    text = (text or "").strip()
    first = text.replace("\r\n", "\n").split("\n\n", 1)[0].strip()
    if first == text and len(text) <= limit:
        return ""
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    if " " in cut and not first[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–-") + "…"


def iso_datetime(value) -> str:
    """A moment as HTML's ``datetime`` attribute takes it: local time to the second with its UTC
    offset (``2026-12-01T21:05:49+01:00``); a date as a date. Django's ``date:"c"`` writes
    microseconds, which HTML does not allow."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
