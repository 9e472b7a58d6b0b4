"""The Atom feeds per municipality and county, sitemap.xml and robots.txt: public material only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests import parsed

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the portal's own feed and sitemap


def _entries(response) -> list[str]:
    assert response["Content-Type"].startswith("application/atom+xml")
    root = _xml(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def test_the_municipality_feed_lists_what_was_published(client, world):
    titles = _entries(client.get("/trygghet/lund/flode/"))
    assert f"Medborgarlöfte: {world.own_pledge.title}" in titles
    assert f"Uppföljning av {world.own_pledge.title}" in titles
    assert f"Uppföljning av {world.own_agreement.title}" in titles
    assert len([t for t in titles if t.startswith("Uppföljning")]) == 2  # the unpublished one is not there
    assert not [t for t in titles if world.own_draft.title in t]
    assert not [t for t in titles if world.foreign_pledge.title in t]


def test_the_county_feed_covers_its_municipalities_in_the_urls_language(client, world):
    titles = _entries(client.get("/en/trygghet/lan/skane-lan/flode/"))
    assert f"Citizen pledge: {world.own_pledge.title}" in titles
    assert not [t for t in titles if world.foreign_pledge.title in t]
    root = _xml(client.get("/en/trygghet/lan/skane-lan/flode/").content)
    links = {link.get("href") for entry in root.iter(f"{ATOM}entry") for link in entry.iter(f"{ATOM}link")}
    assert f"http://testserver/en/trygghet/lund/medborgarloften/{world.own_pledge.pk}/" in links


def test_the_sitemap_lists_every_public_page_in_both_languages(client, world):
    response = client.get("/sitemap.xml")
    root = _xml(response.content)
    urls = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    for path in (
        "/trygghet/",
        "/en/trygghet/",
        "/trygghet/lan/skane-lan/",
        "/trygghet/lund/",
        "/en/trygghet/lund/",
        f"/trygghet/lund/medborgarloften/{world.own_pledge.pk}/",
        f"/trygghet/lund/overenskommelser/{world.ended_agreement.pk}/",
    ):
        assert f"http://testserver{path}" in urls, path
    assert f"http://testserver/trygghet/lund/medborgarloften/{world.own_draft.pk}/" not in urls
    assert f"http://testserver/trygghet/lund/overenskommelser/{world.draft_agreement.pk}/" not in urls


def test_robots_lets_search_engines_read_the_public_site_only(client, world):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Allow: /trygghet/",
        "Allow: /en/trygghet/",
        "Disallow: /",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_the_pages_point_to_their_feed(client, world):
    root = parsed.page(client.get("/trygghet/lund/"))
    feeds = [link.get("href") for link in parsed.find_all(root, "link", type="application/atom+xml")]
    assert feeds == ["/trygghet/lund/flode/"]
