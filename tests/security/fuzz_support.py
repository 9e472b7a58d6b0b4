"""Helpers for the hostile-input tests: hostile values, database snapshots, a page's forms and injections.

The world they attack is the ``hostile_world`` fixture (``tests/security/conftest.py``, built by
``tests.worlds.with_one_of_everything``).
"""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, models

# What an attacker types into a text field. Each must come back as the same literal text.
HTML_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}{% debug %}",
]
FORMULA_PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
]
PAYLOADS = HTML_PAYLOADS + FORMULA_PAYLOADS

# Apps whose rows users change through forms; a refused submission must leave all of them alone.
SNAPSHOT_APPS = ("actions", "agreements", "municipalities", "portal", "profile")


def _portal_models():
    """The models of ``SNAPSHOT_APPS`` that have a table: test-only models that no migration creates
    (``tests/portal/concurrency_models.py``) have one only while their own test module runs."""
    tables = set(connection.introspection.table_names())
    for app in SNAPSHOT_APPS:
        for model in apps.get_app_config(app).get_models():
            if not model._meta.proxy and model._meta.db_table in tables:
                yield model


def snapshot() -> str:
    """A digest of every row of every model users may change (a query per model)."""
    digest = hashlib.sha256()
    for model in _portal_models():
        rows = model._base_manager.order_by("pk").values_list()
        digest.update(f"{model._meta.label}:{list(rows)!r}".encode())
    return digest.hexdigest()


def text_limit_violations() -> list[str]:
    """Stored text longer than its column's max_length, or holding a NUL byte, in every changed app."""
    found = []
    for model in _portal_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or not field.max_length:
                continue
            for pk, value in model._base_manager.values_list("pk", field.attname):
                if value and (len(value) > field.max_length or "\x00" in value):
                    found.append(f"{model._meta.label}.{field.name} #{pk}: {len(value)} characters")
    return found


class _FormParser(HTMLParser):
    """The forms of a page, each as its attributes and the (name, value) pairs a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    @property
    def _form(self) -> dict | None:
        return self.forms[-1] if self.forms and self.forms[-1]["open"] else None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": [], "files": [], "open": True})
            return
        form = self._form
        if form is None or (tag != "option" and "name" not in attrs):
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind == "file":
                form["files"].append(attrs["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["fields"].append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image"):
                form["fields"].append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "text": ""}
            self._select["options"].append(self._option)
            if "selected" in attrs:
                self._select["selected"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": attrs["name"], "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form" and form is not None:
            form["open"] = False
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None and form is not None:
            select, self._select = self._select, None
            chosen = select["selected"] or ([] if select["multiple"] else select["options"][:1])
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                form["fields"].append((select["name"], value))
        elif tag == "textarea" and self._textarea is not None and form is not None:
            text = self._textarea["text"]
            form["fields"].append((self._textarea["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None


def page_forms(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def posted_form(html: str, url: str) -> dict:
    """The page's main POST form to ``url`` (the largest: the header's sign-out form has one field)."""
    forms = [
        f
        for f in page_forms(html)
        if f["attrs"].get("method", "get").lower() == "post" and f["attrs"].get("action") in (None, "", url)
    ]
    assert forms, "the page has no POST form"
    return max(forms, key=lambda f: len(f["fields"]) + len(f["files"]))


def as_post_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


class _Injections(HTMLParser):
    """What in a page is markup a payload made, and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        if tag == "svg" and any(name.startswith("on") for name, _v in attrs):
            self.found.append("<svg on…>")
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")
        self.text.append(data)


def read_page(html: str) -> tuple[list[str], str]:
    """The markup payloads injected into ``html`` (empty when none) and the page's text."""
    parser = _Injections()
    parser.feed(html)
    return parser.found, "".join(parser.text)
