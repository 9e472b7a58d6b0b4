"""A page as its user reads it: parsed as a browser parses it (HTML5), elements found by what a user sees.

``parse`` (or ``page`` for a response) gives an ElementTree of the document; the helpers find
elements by tag and attributes, the main landmark, a table by its caption and its rows, the links
and labels of a part of the page, a form field by its label, a field's help text by
``aria-describedby``, and the messages a page shows (Bootstrap alerts), each as the text a reader
gets, whitespace collapsed. A string in a comment, an attribute or the ``<title>`` does not count as
shown where a test looks for it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import tinyhtml5

XHTML = "{http://www.w3.org/1999/xhtml}"


def parse(html: str | bytes) -> ET.Element:
    if isinstance(html, bytes):
        html = html.decode()
    return tinyhtml5.parse(html)


def text(element: ET.Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def elements(root: ET.Element, tag: str = "*") -> list[ET.Element]:
    return list(root.iter(f"{XHTML}{tag}" if tag != "*" else tag))


def by_id(root: ET.Element, element_id: str) -> ET.Element | None:
    return next((e for e in elements(root) if e.get("id") == element_id), None)


def has_class(element: ET.Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def field(root: ET.Element, label: str) -> ET.Element:
    """The form control whose ``<label>`` reads ``label`` (the asterisk of a required field aside)."""
    for element in elements(root, "label"):
        if text(element).rstrip("*").strip() == label:
            control = by_id(root, element.get("for") or "")
            assert control is not None, f"The label {label!r} names no control"
            return control
    raise AssertionError(f"No field labelled {label!r}; labels: {[text(e) for e in elements(root, 'label')]}")


def description(root: ET.Element, control: ET.Element) -> str:
    """What a screen reader reads after the field's name: the elements named by ``aria-describedby``."""
    ids = (control.get("aria-describedby") or "").split()
    return " ".join(text(by_id(root, i)) for i in ids if by_id(root, i) is not None)


def messages(root: ET.Element) -> list[str]:
    """Every message the page shows in its main area: the text of each alert, in order."""
    main = elements(root, "main")
    scope = main[0] if main else root
    return [text(e) for e in elements(scope) if has_class(e, "alert")]


def page(response) -> ET.Element:
    return parse(response.content)


def find_all(root: ET.Element, tag: str, /, **attributes: str) -> Iterator[ET.Element]:
    """Every ``tag`` element under ``root`` (itself included) whose attributes include ``attributes``
    (``class_`` for ``class``; a class matches when it is one of the element's classes)."""
    for element in elements(root, tag):
        if all(
            has_class(element, value) if name.rstrip("_") == "class" else element.get(name.rstrip("_")) == value
            for name, value in attributes.items()
        ):
            yield element


def main(root: ET.Element) -> ET.Element:
    """The page's main landmark."""
    return next(find_all(root, "main"))


def links(root: ET.Element) -> dict[str, str]:
    """The links under ``root``: their text by their address."""
    return {a.get("href"): text(a) for a in find_all(root, "a")}


def table(root: ET.Element, caption: str) -> ET.Element:
    """The table whose caption reads ``caption``."""
    for candidate in find_all(root, "table"):
        captions = list(find_all(candidate, "caption"))
        if captions and text(captions[0]) == caption:
            return candidate
    raise AssertionError(f"No table with the caption {caption!r}")


def rows(root: ET.Element) -> list[list[str]]:
    """The rows of a table (or of its body) as lists of cell texts, header rows included."""
    return [[text(cell) for cell in row if cell.tag in (f"{XHTML}td", f"{XHTML}th")] for row in find_all(root, "tr")]


def labels(root: ET.Element) -> list[str]:
    """The texts of every ``<label>`` under ``root``."""
    return [text(label) for label in find_all(root, "label")]
