"""Conditional requests and the shared cache on the public pages: ETag and Last-Modified from the
county's data versions, 304 while they hold, a new page after any write to the county's data, and a
page even when the cache is down."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from agreements.services import set_follow_up_published
from core.roles import Role
from portal.public.services import save_public_contact
from tests import parsed

pytestmark = pytest.mark.django_db

LUND = "/trygghet/lund/"


@pytest.fixture(autouse=True)
def empty_cache():
    caches["default"].clear()


def test_the_pages_answer_304_while_the_countys_data_is_unchanged(client, world):
    for url in (LUND, "/en/trygghet/lund/", "/trygghet/", "/trygghet/lan/skane-lan/", "/trygghet/lund/inbaddning/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["ETag"], url
        assert response["Last-Modified"], url
        assert "public" in response["Cache-Control"], url
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, url
        assert again["ETag"] == response["ETag"], url
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert since.status_code == 304, url


def test_the_languages_have_their_own_validators(client, world):
    assert client.get(LUND)["ETag"] != client.get("/en/trygghet/lund/")["ETag"]


def test_a_write_to_the_countys_data_makes_a_new_page(client, world):
    first = client.get(LUND)
    assert world.unpublished_follow_up.summary not in first.content.decode()
    set_follow_up_published(world.unpublished_follow_up, True, user=world.user(Role.MUNICIPAL_OFFICER))
    second = client.get(LUND, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert world.unpublished_follow_up.summary in parsed.text(parsed.main(parsed.page(second)))
    save_public_contact(world.own_county, world.own_municipality, {"email": "trygghet@lund.se"})
    third = client.get(LUND, HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 200
    assert parsed.links(parsed.main(parsed.page(third)))["mailto:trygghet@lund.se"] == "trygghet@lund.se"


def test_a_write_in_another_county_keeps_the_page(client, world):
    first = client.get(LUND)
    world.foreign_pledge.title = "Nytt löfte i Solna"
    world.foreign_pledge.save()
    assert client.get(LUND, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert "Nytt löfte i Solna" in client.get("/trygghet/solna/").content.decode()


def test_a_cached_page_is_served_without_computing_it(client, world, django_assert_max_num_queries):
    client.get(LUND)
    # Expect at most 4 queries: the municipality (names, row), the data versions; the page is the cached one.
    with django_assert_max_num_queries(4):
        response = client.get(LUND)
    assert world.own_pledge.title in parsed.text(parsed.main(parsed.page(response)))


def test_the_pages_answer_with_the_cache_down(client, world, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backend.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"retry_seconds": 0},
        }
    }
    response = client.get(LUND)
    assert response.status_code == 200
    assert world.own_pledge.title in parsed.text(parsed.main(parsed.page(response)))
    assert client.get(LUND, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
