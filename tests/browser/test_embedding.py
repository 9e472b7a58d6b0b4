"""The embeddable pledge page in Chromium: shown in a frame on a web site the county registered for
the municipality, refused on any other; the page itself passes axe-core and the Nu HTML Checker."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.public.services import save_public_contact
from tests.worlds import with_agreements, with_public_material

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMBED = "/trygghet/lund/inbaddning/"


@pytest.fixture
def world(world):
    return with_public_material(with_agreements(world))


@pytest.fixture
def other_site(tmp_path):
    """Another web site (its own origin: another port), whose page frames the embed page."""

    def serve(live_url: str) -> str:
        (tmp_path / "index.html").write_text(
            f'<!doctype html><html lang="sv"><title>Kommunens webbplats</title>'
            f'<iframe src="{live_url}{EMBED}" title="Medborgarlöften"></iframe></html>',
            encoding="utf-8",
        )
        return f"http://127.0.0.1:{server.server_address[1]}"

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield serve
    server.shutdown()
    server.server_close()


def _framed_heading(browser, origin: str) -> str | None:
    """The heading in the frame as a visitor of ``origin`` sees it: the embed page's, or Chromium's
    page saying it refused to show it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{origin}/index.html")
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        for frame in page.frames[1:]:
            heading = frame.evaluate("() => document.querySelector('h1')?.textContent ?? null")
            if heading:
                return heading.strip()
        return None
    finally:
        context.close()


def test_the_embed_page_shows_on_the_registered_site_only(browser, live_server, world, other_site, tmp_path_factory):
    registered = other_site(live_server.url)
    save_public_contact(world.own_county, world.own_municipality, {"embed_origins": registered})
    assert _framed_heading(browser, registered) == "Medborgarlöften i Lund"
    save_public_contact(world.own_county, world.own_municipality, {"embed_origins": "https://www.lund.se"})
    assert _framed_heading(browser, registered) not in (None, "Medborgarlöften i Lund")


def test_the_embed_page_passes_the_checks(page, a11y, world):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(EMBED)
    a11y.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
