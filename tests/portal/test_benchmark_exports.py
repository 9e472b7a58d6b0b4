"""`manage.py benchmark_exports`: every export of a county, built by its view, counted truthfully."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import ActionPlanFactory, MeasureFactory, PledgeFactory

KINDS = [
    "county page",
    "county agreements overview",
    "plan page",
    "support activities",
    "pledge list",
    "follow-up list",
    "review list",
]


def _run(county_code: str) -> dict:
    out = io.StringIO()
    call_command("benchmark_exports", "--county", county_code, "--runs", "1", "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_it_builds_every_export_of_the_county_in_both_formats(world, county_coordinator):
    plan = ActionPlanFactory(county=world.own_county)
    MeasureFactory.create_batch(3, plan=plan)

    result = _run(world.own_county.code)

    assert [(e["kind"], e["fmt"]) for e in result["exports"]] == [(k, f) for k in KINDS for f in ("csv", "xlsx")]
    plan_rows = {e["rows"] for e in result["exports"] if e["kind"] == "plan page"}
    assert plan_rows == {3}
    for export in result["exports"]:
        assert export["seconds"] > 0
        assert export["size"] > 0
        assert export["peak_memory"] > 0
        assert 0 < export["queries"] <= 15
        assert export["rows_per_second"] == export["rows"] / export["seconds"]


def test_its_rows_are_the_rows_the_coordinator_downloads(world, county_coordinator, client):
    PledgeFactory.create_batch(2, municipality=world.own_municipality)
    PledgeFactory(municipality=world.foreign_municipality)

    result = _run(world.own_county.code)
    client.force_login(county_coordinator)

    urls = {
        "county page": f"/lan/{world.own_county.code}/",
        "pledge list": f"/lan/{world.own_county.code}/medborgarloften/",
    }
    exports = {(e["kind"], e["fmt"]): e for e in result["exports"]}
    for kind, url in urls.items():
        body = b"".join(client.get(url, {"format": "csv"}).streaming_content)
        lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(url, {"format": "xlsx"}).streaming_content)))
        assert exports[kind, "csv"]["rows"] == len(lines) - 1 == workbook.active.max_row - 1 > 0
        assert exports[kind, "xlsx"]["rows"] == len(lines) - 1
    assert exports["pledge list", "csv"]["rows"] == 2


def test_an_unknown_county_is_an_error(db):
    with pytest.raises(CommandError):
        _run("99")
