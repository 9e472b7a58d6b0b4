import datetime

import pytest
from django.test import override_settings

from portal.services import revoke_token
from tests.factories import (
    ActionPlanFactory,
    AgreementFactory,
    CommitmentFactory,
    ComplianceItemFactory,
    KeyFigureFactory,
    MeasureActorFactory,
    MeasureFactory,
    PledgeFactory,
    progress_update,
)
from tests.helpers import token_auth
from tests.parsed import elements, parse

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_counties_and_municipalities_are_public(client, world):
    counties = client.get("/api/counties/").json()
    assert [c["code"] for c in counties["results"]] == ["01", "12"]
    ComplianceItemFactory(municipality=world.own_municipality, date=datetime.date(2010, 1, 1))
    KeyFigureFactory(municipality=world.own_municipality, year=2023)
    KeyFigureFactory(municipality=world.own_municipality, year=2024, population=125000, reported_crimes=12500)

    lund = client.get("/api/municipalities/1281/").json()

    assert lund["county"] == "12"
    states = {c["obligation"]: c["state"] for c in lund["compliance"]}
    assert states == {
        "situation_analysis": "outdated",
        "action_programme": "missing",
        "coordinating_function": "missing",
        "follow_up": "missing",
    }
    assert lund["latest_key_figures"]["year"] == 2024
    assert lund["latest_key_figures"]["crimes_per_100k"] == 10000.0


def test_plans_show_measures_status_and_progress_and_hide_drafts(client, world):
    plan = ActionPlanFactory(county=world.own_county)
    draft = ActionPlanFactory(county=world.own_county, status="draft")
    measure = MeasureFactory(plan=plan, number=1, title="Trygga skolvägar")
    MeasureActorFactory(measure=measure, actor=world.own_actor, role="lead")
    progress_update(measure, "on_track", percent=40)

    response = client.get("/api/plans/")

    assert ids(response) == {plan.pk}
    (row,) = response.json()["results"]
    assert row["progress"] == 40.0
    assert row["measures"] == [
        {
            "number": 1,
            "title": "Trygga skolvägar",
            "lead_actor": "Region Skåne",
            "status": row["measures"][0]["status"],
            "status_code": "on_track",
            "progress": 40,
            "start_date": None,
            "target_date": None,
        }
    ]
    assert client.get(f"/api/plans/{draft.pk}/").status_code == 404


def test_token_sees_exactly_what_its_user_sees(client, world, municipal_officer, token_for):
    published = PledgeFactory(municipality=world.own_municipality)
    draft = PledgeFactory(municipality=world.own_municipality, status="draft")
    neighbours_draft = PledgeFactory(municipality=world.neighbour_municipality, status="draft")
    foreign = PledgeFactory(municipality=world.foreign_municipality)
    _token, key = token_for(municipal_officer)

    assert ids(client.get("/api/pledges/")) == {published.pk, foreign.pk}
    assert ids(client.get("/api/pledges/", **token_auth(key))) == {published.pk, draft.pk}
    assert client.get(f"/api/pledges/{draft.pk}/").status_code == 404
    assert client.get(f"/api/pledges/{draft.pk}/", **token_auth(key)).status_code == 200
    assert client.get(f"/api/pledges/{neighbours_draft.pk}/", **token_auth(key)).status_code == 404
    assert client.get(f"/api/pledges/{foreign.pk}/", **token_auth(key)).status_code == 404
    codes = [c["code"] for c in client.get("/api/counties/", **token_auth(key)).json()["results"]]
    assert codes == ["12"]


def test_national_admin_token_sees_everything(client, world, national_admin, token_for):
    drafts = {
        PledgeFactory(municipality=world.own_municipality, status="draft").pk,
        PledgeFactory(municipality=world.foreign_municipality, status="draft").pk,
    }
    _token, key = token_for(national_admin)
    assert ids(client.get("/api/pledges/", **token_auth(key))) == drafts


def test_revoked_or_unknown_token_is_401(client, world, municipal_officer, token_for):
    token, key = token_for(municipal_officer)
    assert client.get("/api/counties/", **token_auth(key)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    revoke_token(token)

    response = client.get("/api/counties/", **token_auth(key))

    assert response.status_code == 401
    assert response.json() == {"error": "Invalid or revoked token.", "field": None}
    assert response["WWW-Authenticate"] == "Token"
    assert client.get("/api/counties/", **token_auth("nonsense")).status_code == 401


def test_pagination(client, world):
    for _ in range(5):
        AgreementFactory(municipality=world.own_municipality)

    first = client.get("/api/agreements/?page_size=2").json()
    last = client.get("/api/agreements/?page_size=2&page=3").json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"].endswith("page=2&page_size=2")
    assert len(last["results"]) == 1
    assert last["next"] is None


def test_filters(client, world):
    lund_2026 = PledgeFactory(municipality=world.own_municipality)
    lund_2024 = PledgeFactory(
        municipality=world.own_municipality,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    hassleholm = PledgeFactory(municipality=world.neighbour_municipality)
    solna = PledgeFactory(municipality=world.foreign_municipality)
    old = AgreementFactory(municipality=world.own_municipality, start_year=2019, end_year=2022)
    current = AgreementFactory(municipality=world.own_municipality)

    assert ids(client.get("/api/pledges/?county=12")) == {lund_2026.pk, lund_2024.pk, hassleholm.pk}
    assert ids(client.get("/api/pledges/?municipality=0184")) == {solna.pk}
    assert ids(client.get("/api/pledges/?municipality=1281&period_to=2025-06-30")) == {lund_2024.pk}
    assert ids(client.get("/api/pledges/?period_from=2026-06-01&county=12")) == {lund_2026.pk, hassleholm.pk}
    assert ids(client.get("/api/agreements/?period_from=2023-01-01")) == {current.pk}
    assert ids(client.get("/api/agreements/?period_to=2020-12-31")) == {old.pk}
    municipalities = client.get("/api/municipalities/?county=01").json()["results"]
    assert [m["code"] for m in municipalities] == ["0184"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("county=Skåne", "county"),
        ("municipality=12", "municipality"),
        ("period_from=2025-13-01", "period_from"),
        ("period_from=2025-06-01&period_to=2025-01-01", "period_to"),
        ("page=0", "page"),
        ("page_size=201", "page_size"),
        ("page_size=abc", "page_size"),
    ],
)
def test_bad_parameter_is_400_json(client, world, query, field):
    response = client.get(f"/api/pledges/?{query}")

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert body["error"]


def test_page_past_the_end_is_404_json(client, world):
    response = client.get("/api/pledges/?page=9")
    assert response.status_code == 404
    assert response.json()["error"]


def test_etag_and_last_modified(client, world):
    pledge = PledgeFactory(municipality=world.own_municipality)
    CommitmentFactory(pledge=pledge)

    response = client.get("/api/pledges/")
    etag = response["ETag"]

    assert response["Last-Modified"]
    assert "Authorization" in response["Vary"]
    assert client.get("/api/pledges/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/counties/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    pledge.title = "Ändrad titel"
    pledge.save()
    assert client.get("/api/pledges/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_throttle_per_token_and_anonymous(client, settings, world, token_for):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/hour", "anonymous": "3/hour"},
    }
    _token, key = token_for(world.user("municipal_officer"))
    _other, other_key = token_for(world.user("county_coordinator"))

    assert [client.get("/api/counties/", **token_auth(key)).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/counties/", **token_auth(other_key)).status_code == 200
    assert [client.get("/api/counties/").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = client.get("/api/counties/")
    assert limited.json()["error"]
    assert "Retry-After" in limited


def test_schema_and_docs_are_served_without_cdn(client, world):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/pledges/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    root = parse(docs.content)
    # Everything the page loads or links to is the portal's own (an address on this site or on the page).
    addresses = [e.get("src") or e.get("href") for e in elements(root) if e.get("src") or e.get("href")]
    assert addresses
    assert [a for a in addresses if not a.startswith(("/", "#"))] == []


@override_settings(LANGUAGE_CODE="sv")
def test_token_page_creates_shows_once_and_revokes(client, world, municipal_officer):
    assert client.get("/api/nycklar/").status_code == 302
    client.force_login(municipal_officer)

    page = client.get("/api/nycklar/")
    assert page.status_code == 200
    created = client.post("/api/nycklar/", {"name": "Länets dashboard"})
    key = created.context["new_key"]
    assert key in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert key not in client.get("/api/nycklar/").content.decode()
    token = municipal_officer.api_tokens.get()
    assert token.key_hash != key
    assert client.get("/api/counties/", **token_auth(key)).status_code == 200

    response = client.post(f"/api/nycklar/{token.pk}/aterkalla/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/counties/", **token_auth(key)).status_code == 401


def test_token_page_revokes_only_own_tokens(client, world, municipal_officer, county_coordinator, token_for):
    token, _key = token_for(county_coordinator)
    client.force_login(municipal_officer)
    assert client.post(f"/api/nycklar/{token.pk}/aterkalla/").status_code == 404
    assert client.get(f"/api/nycklar/{token.pk}/aterkalla/").status_code in (404, 405)
