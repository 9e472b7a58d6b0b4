"""What every page of the portal must have, read from the page parsed as a browser parses it (HTML5).

A page's ``<title>`` is what the browser tab, the history and a screen reader announce first: plain
text, short enough to be read out. Its one ``h1`` names the page, and ``<html lang>`` tells assistive
technology which language to speak. ``frame_problems`` lists what a page gets wrong, so the walk over
every page kind (tests/portal/test_page_queries.py) and the error pages (tests/portal/test_page_frame.py)
say it the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.parsed import XHTML, parse, text

TITLE_MAX = 120


@dataclass(frozen=True)
class Frame:
    """``html`` is False for a fragment (an htmx partial), which has no frame of its own."""

    html: bool
    lang: str | None
    titles: tuple[str, ...]  # the document's <title> elements (an SVG chart's <title> is not one)
    h1: tuple[str, ...]


def parse_frame(html: str) -> Frame:
    # A browser reads <title> as text up to </title>: markup copied into it becomes text in the tab.
    root = parse(html)
    return Frame(
        html=re.search(r"<html[\s>]", html, re.IGNORECASE) is not None,
        lang=root.get("lang"),
        titles=tuple("".join(title.itertext()) for title in root.iter(f"{XHTML}title")),
        h1=tuple(text(h1) for h1 in root.iter(f"{XHTML}h1")),
    )


def frame_problems(html: str, language: str) -> list[str]:
    """What the page lacks: a plain-text title of at most TITLE_MAX characters, exactly one h1 and
    ``<html lang>`` equal to ``language``. Empty when the page is right."""
    frame = parse_frame(html)
    if not frame.html:
        return ["not a whole document (no <html> element)"]
    problems = []
    if frame.lang != language:
        problems.append(f"<html lang={frame.lang!r}>, expected {language!r}")
    if len(frame.titles) != 1:
        problems.append(f"{len(frame.titles)} <title> elements, expected one")
    for title in frame.titles:
        text = " ".join(title.split())
        if "<" in title or ">" in title:
            problems.append(f"markup in the <title>: {text[:160]!r}…")
        if text != title:
            problems.append(f"line breaks or runs of spaces in the <title>: {title[:160]!r}")
        if len(text) > TITLE_MAX:
            problems.append(f"<title> of {len(text)} characters, more than {TITLE_MAX}: {text[:160]!r}…")
        if not text or text.startswith(("–", "-")):
            problems.append(f"<title> without the page's name: {text!r}")
    if len(frame.h1) != 1:
        problems.append(f"{len(frame.h1)} h1 elements, expected one: {list(frame.h1)}")
    elif not frame.h1[0]:
        problems.append("an empty h1")
    return problems
