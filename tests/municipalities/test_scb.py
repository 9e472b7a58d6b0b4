"""Population from SCB's statistics API (PxWebApi), saved as JSON-stat 2: previewed, then saved."""

from decimal import Decimal
from pathlib import Path

import pytest

from municipalities.models import AreaKeyFigure, KeyFigure, KeyFigureImport
from municipalities.services import apply_import, preview_import, read_scb_file
from municipalities.sources import SourceError
from tests.factories import KeyFigureFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent / "sources" / "scb"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_a_json_stat_dataset_updates_the_population_and_keeps_the_old_value_in_the_history(world):
    KeyFigureFactory(municipality=world.own_municipality, year=2024, population=128000, reported_crimes=14870)
    batch = read_scb_file(world.own_county, (FILES / "BE0101N1.json").read_bytes(), "BE0101N1.json")
    preview = preview_import(batch)
    assert preview.valid
    assert [(new.area, new.year, old.value, new.value) for new, old in preview.changed] == [
        (world.own_municipality, 2024, Decimal(128000), Decimal(128513))
    ]
    assert len(preview.added) == 7  # Lund 2023, Hässleholm, Skåne and the country, both years
    apply_import(batch)
    lund = KeyFigure.objects.get(municipality=world.own_municipality, kind__code="population", year=2024)
    assert (lund.value, lund.source, lund.source_ref) == (128513, "scb", "BE0101N1")
    assert [h.value for h in lund.history.order_by("history_date")] == [128000, 128513]
    assert AreaKeyFigure.objects.get(county=None, year=2024, kind__code="population").value == 10587710


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("utan_tid.json", (FILES / "utan_tid.json").read_bytes(), "with the dimensions Region and Tid"),
        ("fel.json", b"<html>Fel</html>", "SCB's answer is not JSON."),
        ("tom.json", b'{"class": "dataset", "id": [], "size": [], "dimension": {}, "value": []}', "Region and Tid"),
    ],
)
def test_an_answer_in_another_shape_is_refused_with_the_reason_and_nothing_kept(world, name, content, reason):
    with pytest.raises(SourceError, match=reason):
        read_scb_file(world.own_county, content, name)
    assert not KeyFigureImport.objects.exists()
