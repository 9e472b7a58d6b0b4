"""Population per municipality and year from SCB's statistics API (PxWebApi), as JSON-stat 2.

A table such as BE0101N1 (Folkmängden per region och år) queried with ``"response": {"format":
"json-stat2"}`` answers one dataset: ``id`` names the dimensions in order (``Region``, ``ContentsCode``,
``Tid``), ``size`` their lengths, ``dimension[<id>].category.index`` each code's position, and ``value``
the numbers in row-major order (null where there is none). The same JSON saved to a file is read here.
Regions are SCB's codes: a municipality's four digits, a county's two, "00" the whole country.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from itertools import product

from django.utils.translation import gettext

from municipalities.sources import SourceError, SourceValue

TABLE = "BE0101N1"


def _area(code: str) -> str:
    if code == "00":
        return "0000"
    return f"00{code}" if len(code) == 2 else code


def parse(data: bytes) -> list[SourceValue]:
    """The dataset's values, or ``SourceError`` saying why the answer is not the JSON-stat 2 it should be."""
    try:
        answer = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise SourceError(gettext("SCB's answer is not JSON.")) from error
    try:
        if answer.get("class") != "dataset":
            raise TypeError
        ids, sizes, values = answer["id"], answer["size"], answer["value"]
        dims = {
            name: sorted(answer["dimension"][name]["category"]["index"].items(), key=lambda item: item[1])
            for name in ids
        }
        if [len(dims[name]) for name in ids] != sizes or len(values) != _product(sizes):
            raise ValueError
        region, year = ids.index("Region"), ids.index("Tid")
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise SourceError(
            gettext("SCB's answer is not a JSON-stat 2 dataset with the dimensions Region and Tid.")
        ) from error
    result = []
    for position, codes in enumerate(product(*[[code for code, _i in dims[name]] for name in ids])):
        raw = values[position]
        if raw is None:
            continue
        try:
            number = Decimal(str(raw))
            if isinstance(raw, bool) or not number.is_finite() or number < 0:
                raise InvalidOperation
            result.append(SourceValue(_area(codes[region]), TABLE, int(codes[year]), "T", number))
        except (InvalidOperation, ValueError) as error:
            raise SourceError(
                gettext("A value in SCB's answer is not a number: %(value)s") % {"value": str(raw)[:50]}
            ) from error
    if not result:
        raise SourceError(gettext("The file has no values."))
    return result


def _product(sizes: list[int]) -> int:
    total = 1
    for size in sizes:
        total *= size
    return total
