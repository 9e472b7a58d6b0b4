"""An anonymous visitor crawls the public site in Chromium on a 320 px wide screen.

From the start page, every link into the public site is followed (Swedish and English): every
published pledge, follow-up and agreement of the world is found, none of its drafts, internal
documents, reviews, comments, e-mail addresses or telephone numbers; every page passes axe-core and
the Nu HTML Checker (the ``page`` fixture) and is no wider than the screen.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import pytest

from tests.worlds import with_agreements, with_public_material

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PREFIXES = ("/trygghet/", "/en/trygghet/")
WIDTH = 320


@pytest.fixture
def world(world):
    return with_public_material(with_agreements(world))


def test_an_anonymous_crawl_finds_the_published_material_and_nothing_else(page, a11y, world, live_server):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    queue, seen, shown, markup, too_wide = ["/trygghet/"], set(), [], [], []
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        assert response.status == 200, path
        assert not response.headers.get("set-cookie"), f"{path} sets a cookie"
        a11y.check(page)
        if page.evaluate("document.documentElement.scrollWidth") > WIDTH:
            too_wide.append(path)
        shown.append(page.locator("main").inner_text())
        markup.append(page.content())
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(urldefrag(href)[0])
            if target.path.startswith(PUBLIC_PREFIXES) and not target.query and target.path not in seen:
                queue.append(target.path)
    assert page.context.cookies() == [], "the public site set cookies in the browser"
    assert not too_wide, f"wider than {WIDTH} px: {too_wide}"
    text, html = "\n".join(shown), "\n".join(markup)
    missing = [name for name, value in world.published.items() if value not in text]
    assert not missing, f"not found on the public site: {missing}"
    leaked = [name for name, value in world.hidden.items() if value in html]
    assert not leaked, f"shown though not public: {leaked}"
    kinds = {"/trygghet/", "/trygghet/lan/skane-lan/", "/trygghet/lund/", "/en/trygghet/lund/"}
    assert kinds <= seen
    assert any("/medborgarloften/" in path for path in seen)
    assert any("/overenskommelser/" in path for path in seen)


def test_the_search_page_passes_the_checks(page, a11y, world):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto("/trygghet/")
    a11y.check(page)
    page.get_by_role("search").get_by_role("searchbox").fill("Trygghetsvandringar")
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    assert world.published_follow_up.summary in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
