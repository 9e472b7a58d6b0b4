"""A plan's measures and a pledge's commitments, paged at their own addresses, and the lists without them.

The nested shape of ``/api/plans/`` and ``/api/pledges/`` stays as it was for the callers that read it
(``tests/api/test_api.py``); ``?nested=false`` leaves the rows out and they are read, paged and
filtered, from ``/api/plans/{id}/measures/`` and ``/api/pledges/{id}/commitments/``, under the same
access rules: public material without a token, the token user's scope with one, anything else a 404.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MeasureActorFactory,
    MeasureFactory,
    MilestoneFactory,
    PledgeFactory,
    progress_update,
)
from tests.helpers import token_auth

pytestmark = pytest.mark.django_db


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def bad(response, field: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


def plan_with_measures(county, count: int, *, actor=None, status: str = "active"):
    plan = ActionPlanFactory(county=county, status=status)
    for number in range(1, count + 1):
        measure = MeasureFactory(plan=plan, number=number, title=f"Insats {number}")
        if actor is not None:
            MeasureActorFactory(measure=measure, actor=actor, role="lead")
        progress_update(measure, "on_track" if number % 2 else "delayed", percent=min(100, 10 * number))
    return plan


# --- A plan's measures --------------------------------------------------------------------------------


def test_a_public_plans_measures_are_paged_in_the_nested_shape(client, world):
    plan = plan_with_measures(world.own_county, 3, actor=world.own_actor)

    first = ok(client.get(f"/api/plans/{plan.pk}/measures/?page_size=2"))
    second = ok(client.get(f"/api/plans/{plan.pk}/measures/?page_size=2&page=2"))
    nested = ok(client.get(f"/api/plans/{plan.pk}/"))["measures"]

    assert first["count"] == 3
    assert first["next"].endswith("page=2&page_size=2")
    assert first["results"] + second["results"] == nested
    assert [m["number"] for m in nested] == [1, 2, 3]
    assert nested[0]["lead_actor"] == world.own_actor.name
    assert second["next"] is None


def test_measures_filter_as_on_the_plan_page(client, world):
    plan = plan_with_measures(world.own_county, 4)
    led = MeasureFactory(plan=plan, number=5)
    MeasureActorFactory(measure=led, actor=world.own_actor, role="lead")
    late = MeasureFactory(plan=plan, number=6)
    MilestoneFactory(measure=late, due_date=datetime.date(2020, 1, 1))

    def numbers(query: str) -> list[int]:
        return [m["number"] for m in ok(client.get(f"/api/plans/{plan.pk}/measures/?{query}"))["results"]]

    assert numbers("status=on_track") == [1, 3]
    assert numbers("status=none") == [5, 6]
    assert numbers(f"actor={world.own_actor.pk}") == [5]
    assert numbers("flag=overdue") == [6]
    assert numbers("status=delayed&page_size=1") == [2]
    bad(client.get(f"/api/plans/{plan.pk}/measures/?flag=late"), "flag")
    bad(client.get(f"/api/plans/{plan.pk}/measures/?status=nonsense"), "status")
    bad(client.get(f"/api/plans/{plan.pk}/measures/?actor=x"), "actor")
    bad(client.get(f"/api/plans/{plan.pk}/measures/?actor=99999999999"), "actor")
    bad(client.get(f"/api/plans/{plan.pk}/measures/?page_size=201"), "page_size")


def test_a_draft_plans_measures_are_its_countys_and_foreign_plans_are_404(client, world, county_coordinator, token_for):
    draft = plan_with_measures(world.own_county, 2, status="draft")
    foreign = plan_with_measures(world.foreign_county, 2)
    foreign_draft = plan_with_measures(world.foreign_county, 1, status="draft")
    _token, key = token_for(county_coordinator)

    assert client.get(f"/api/plans/{draft.pk}/measures/").status_code == 404
    assert ok(client.get(f"/api/plans/{draft.pk}/measures/", **token_auth(key)))["count"] == 2
    assert ok(client.get(f"/api/plans/{foreign.pk}/measures/"))["count"] == 2  # public
    assert client.get(f"/api/plans/{foreign.pk}/measures/", **token_auth(key)).status_code == 404
    assert client.get(f"/api/plans/{foreign_draft.pk}/measures/").status_code == 404
    assert client.get("/api/plans/999999/measures/").status_code == 404
    assert client.get("/api/plans/x/measures/").status_code == 404


# --- Lists without the nested rows -------------------------------------------------------------------


def test_plans_without_their_measures_keep_every_other_field(client, world):
    plan_with_measures(world.own_county, 3)
    ActionPlanFactory(county=world.own_county, period_start=datetime.date(2024, 1, 1))  # no measures

    nested = ok(client.get("/api/plans/"))["results"]
    flat = ok(client.get("/api/plans/?nested=false"))["results"]

    assert [{k: v for k, v in row.items() if k != "measures"} for row in nested] == flat
    assert all("measures" not in row for row in flat)
    assert [row["progress"] for row in flat] == [20.0, None]
    one = nested[0]["id"]
    assert "measures" not in ok(client.get(f"/api/plans/{one}/?nested=false"))
    assert ok(client.get(f"/api/plans/{one}/?nested=true"))["measures"] == nested[0]["measures"]
    bad(client.get("/api/plans/?nested=no"), "nested")


def test_pledges_without_their_commitments(client, world):
    pledge = PledgeFactory(municipality=world.own_municipality)
    CommitmentFactory.create_batch(2, pledge=pledge)

    nested = ok(client.get("/api/pledges/"))["results"]
    flat = ok(client.get("/api/pledges/?nested=false"))["results"]

    assert len(nested[0]["commitments"]) == 2
    assert [{k: v for k, v in row.items() if k != "commitments"} for row in nested] == flat
    bad(client.get("/api/pledges/?nested=0"), "nested")


# --- A pledge's commitments ---------------------------------------------------------------------------


def test_a_pledges_commitments_are_paged_and_filtered_by_status(client, world):
    pledge = PledgeFactory(municipality=world.own_municipality)
    CommitmentFactory.create_batch(3, pledge=pledge, status="planned")
    CommitmentFactory(pledge=pledge, status="done")

    first = ok(client.get(f"/api/pledges/{pledge.pk}/commitments/?page_size=3"))
    rest = ok(client.get(f"/api/pledges/{pledge.pk}/commitments/?page_size=3&page=2"))
    nested = ok(client.get(f"/api/pledges/{pledge.pk}/"))["commitments"]

    assert first["count"] == 4
    assert first["results"] + rest["results"] == nested
    assert [c["status"] for c in ok(client.get(f"/api/pledges/{pledge.pk}/commitments/?status=done"))["results"]] == [
        "done"
    ]
    bad(client.get(f"/api/pledges/{pledge.pk}/commitments/?status=finished"), "status")


def test_a_draft_pledges_commitments_are_its_municipalitys_only(client, world, municipal_officer, token_for):
    draft = PledgeFactory(municipality=world.own_municipality, status="draft")
    CommitmentFactory(pledge=draft)
    foreign = PledgeFactory(municipality=world.foreign_municipality)
    CommitmentFactory(pledge=foreign)
    _token, key = token_for(municipal_officer)

    assert client.get(f"/api/pledges/{draft.pk}/commitments/").status_code == 404
    assert ok(client.get(f"/api/pledges/{draft.pk}/commitments/", **token_auth(key)))["count"] == 1
    assert ok(client.get(f"/api/pledges/{foreign.pk}/commitments/"))["count"] == 1  # published
    assert client.get(f"/api/pledges/{foreign.pk}/commitments/", **token_auth(key)).status_code == 404


# --- Bounded queries ------------------------------------------------------------------------------------


def count_queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        ok(client.get(url, **headers))
    return len(queries)


@pytest.mark.parametrize(
    "query", ["", "?page_size=200", "?status=on_track", "?flag=stale&page_size=1", "?actor={actor}"]
)
def test_a_plans_measures_take_the_same_queries_for_few_and_many(client, world, query):
    small = plan_with_measures(world.own_county, 2, actor=world.own_actor)
    large = plan_with_measures(world.own_county, 25, actor=world.own_actor)
    query = query.format(actor=world.own_actor.pk)

    assert count_queries(client, f"/api/plans/{small.pk}/measures/{query}") == count_queries(
        client, f"/api/plans/{large.pk}/measures/{query}"
    )


def test_lists_without_nested_rows_take_the_same_queries_for_few_and_many(client, world, county_coordinator, token_for):
    _token, key = token_for(county_coordinator)
    ok(client.get("/api/counties/", **token_auth(key)))  # the key's first use is recorded once
    plan_with_measures(world.own_county, 2)
    pledge = PledgeFactory(municipality=world.own_municipality)
    CommitmentFactory(pledge=pledge)
    urls = ["/api/plans/?nested=false", "/api/pledges/?nested=false", f"/api/pledges/{pledge.pk}/commitments/"]
    few = {url: (count_queries(client, url), count_queries(client, url, **token_auth(key))) for url in urls}

    for _ in range(4):
        plan_with_measures(world.own_county, 5)
        CommitmentFactory.create_batch(3, pledge=PledgeFactory(municipality=world.own_municipality))
    CommitmentFactory.create_batch(20, pledge=pledge)

    many = {url: (count_queries(client, url), count_queries(client, url, **token_auth(key))) for url in urls}
    assert many == few


# --- The schema --------------------------------------------------------------------------------------


def test_the_schema_lists_the_new_addresses_and_marks_nesting_deprecated(client):
    schema = ok(client.get("/api/schema/?format=json"))
    paths = schema["paths"]

    measures = paths["/api/plans/{id}/measures/"]["get"]
    commitments = paths["/api/pledges/{id}/commitments/"]["get"]
    assert {p["name"] for p in measures["parameters"]} == {"id", "page", "page_size", "status", "actor", "flag"}
    assert {p["name"] for p in commitments["parameters"]} == {"id", "page", "page_size", "status"}
    assert measures["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedMeasureList"
    )
    for path in ("/api/plans/", "/api/pledges/"):
        operation = paths[path]["get"]
        assert "nested" in {p["name"] for p in operation["parameters"]}
        assert "Deprecated" in operation["description"]
    assert "nested" in {p["name"] for p in paths["/api/plans/{id}/"]["get"]["parameters"]}
    assert "measures" not in schema["components"]["schemas"]["Plan"].get("required", [])
