"""A page read as its user reads it: elements found by role and name, not substrings of the HTML.

Built on Django's own HTML parser (``django.test.html.parse_html``, the one behind
``assertContains(html=True)``), so a string in a comment, an attribute or the ``<title>`` does not
count as shown in the table or list where a test looks for it.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.test.html import Element, parse_html


def page(response) -> Element:
    return parse_html(response.content.decode())


def find_all(node, tag: str, /, **attributes: str) -> Iterator[Element]:
    """Every ``tag`` element under ``node`` whose attributes include ``attributes`` (``class_`` for
    ``class``; a class matches when it is one of the element's classes)."""
    if isinstance(node, str):
        return
    if node.name == tag and _has(node, attributes):
        yield node
    for child in node.children:
        yield from find_all(child, tag, **attributes)


def _has(node: Element, attributes: dict[str, str]) -> bool:
    own = dict(node.attributes)
    for name, value in attributes.items():
        key = name.rstrip("_")
        if key == "class":
            if value not in (own.get("class") or "").split():
                return False
        elif own.get(key) != value:
            return False
    return True


def text(node) -> str:
    """The element's text as read out: its strings joined, runs of white space made one space."""
    if isinstance(node, str):
        return " ".join(node.split())
    return " ".join(part for part in (text(child) for child in node.children) if part)


def main(root: Element) -> Element:
    """The page's main landmark."""
    return next(find_all(root, "main"))


def links(node) -> dict[str, str]:
    """The links under ``node``: their text by their address."""
    return {dict(a.attributes).get("href"): text(a) for a in find_all(node, "a")}


def table(root: Element, caption: str) -> Element:
    """The table whose caption reads ``caption``."""
    for candidate in find_all(root, "table"):
        captions = list(find_all(candidate, "caption"))
        if captions and text(captions[0]) == caption:
            return candidate
    raise AssertionError(f"No table with the caption {caption!r}")


def rows(node) -> list[list[str]]:
    """The rows of a table (or the table's body) as lists of cell texts, header rows included."""
    return [[text(cell) for cell in row.children if not isinstance(cell, str)] for row in find_all(node, "tr")]


def labels(root: Element) -> list[str]:
    """The texts of every ``<label>`` on the page."""
    return [text(label) for label in find_all(root, "label")]
