"""Reading key figures from where they are published (Kolada, SCB, Brå).

A source module turns the publisher's answer into ``SourceValue``s, or raises ``SourceError`` with a
reason a user reads when the answer cannot be trusted (not JSON, an unexpected shape, a server
error, a time-out). It reads everything before anything is compared or saved, so a source that
fails half-way leaves nothing half-imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


class SourceError(Exception):
    """The source's answer cannot be used; the message says why, in the user's language."""


@dataclass(frozen=True)
class SourceValue:
    """One value as the source gives it: the area by the source's code (a municipality's four digits,
    Kolada's "00xx" for a county and "0000" for the whole country)."""

    area: str
    ref: str  # the source's identifier of the series: a KPI id, a crime category
    year: int
    gender: str
    value: Decimal
    preliminary: bool = False
