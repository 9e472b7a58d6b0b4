"""Talking to the portal as a browser behind the production TLS proxy would: shared by the tests and the locustfile.

The portal runs with production settings (SSL redirect, HSTS). The tests reach gunicorn over
plain HTTP on loopback, as the TLS-terminating proxy in front of it does: every request says
``X-Forwarded-Proto: https`` (``SECURE_PROXY_SSL_HEADER``) and carries the site's https origin
for the CSRF check. The one setting changed for that hop is that the session and CSRF cookies are
not marked Secure (``SESSION_COOKIE_SECURE=false``, ``CSRF_COOKIE_SECURE=false``): an HTTP client
would not send them back over plain HTTP. Nothing here imports Django's settings or locust.

Under production settings county coordinators and national administrators pass the second step
after the password (``TWO_FACTOR_REQUIRED_ROLES``). The demo database of these tests gives each of
those demo users ``APPS_PER_USER`` authenticator apps with keys derived from the user name
(``add_authenticator_apps``), and ``login`` types the code the next app shows, computed as an
authenticator app computes it (django-otp's ``totp``): a code works once, so simultaneous sign-ins
of one account each use an app of their own.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django_otp.oath import totp

DEMO_PASSWORD = "trygg-demo-2026"
LOGIN_PATH = "/accounts/login/"
STEP_PATH = "/accounts/tvastegsverifiering/"
# The demo users whose roles need the second factor in production, and their apps in the test database.
SECOND_FACTOR_USERS = ("lan.samordnare", "admin")
APPS_PER_USER = 64
_NEXT_APP: dict[str, itertools.count] = defaultdict(itertools.count)
# What the proxy adds to every request it forwards.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def prepare_session(session, base_url: str) -> None:
    """Make a requests.Session (or locust's HttpSession) act as the TLS proxy's client."""
    session.headers.update({**PROXY_HEADERS, "Origin": base_url.replace("http://", "https://", 1)})
    session.headers.setdefault("Accept-Language", "sv")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    """Every <form> on a page with the values a browser would submit unchanged (first option of a select)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(Form(action=attributes.get("action") or "", method=(attributes.get("method") or "get")))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attributes.get("name")
        if tag == "input" and name:
            form.names.add(name)
            kind = (attributes.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    form.fields[name] = attributes.get("value") or "on"
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                form.fields[name] = attributes.get("value") or ""
        elif tag == "select" and name:
            form.names.add(name)
            self._select, self._select_chosen = name, False
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            if not self._select_chosen or "selected" in attributes:
                form.fields[self._select] = value
                self._select_chosen = self._select_chosen or bool(value) or "selected" in attributes
        elif tag == "textarea" and name:
            form.names.add(name)
            form.fields[name] = ""
            self._textarea = name

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data


def form_with(html: str, field_name: str) -> Form:
    """The form on the page that has a field called ``field_name``."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if field_name in form.names:
            return form
    raise LookupError(f"No form with a field {field_name!r} on the page")


def app_key(username: str, index: int) -> str:
    """The secret (hex, 20 bytes) of the ``index``-th authenticator app of ``username`` in the test database."""
    return hashlib.sha1(f"trygghetsportalen-load:{username}:{index}".encode()).hexdigest()  # noqa: S324 - a key, not a hash


def add_authenticator_apps() -> None:
    """Run inside the portal (``manage.py shell``): the apps of ``SECOND_FACTOR_USERS``."""
    # Imported here: the locustfile imports this module without Django.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User

    for user in User.objects.filter(username__in=SECOND_FACTOR_USERS):
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=user, name=f"load test {i}", key=app_key(user.username, i), confirmed=True)
            for i in range(APPS_PER_USER)
        )


def login(session, base_url: str, username: str, password: str = DEMO_PASSWORD, **request_options):
    """Sign in through the login form, and the second step where the role needs it; returns the response
    to the last POST (302 on success)."""
    page = session.get(base_url + LOGIN_PATH, **request_options)
    form = form_with(page.text, "username")
    form.fields.update(username=username, password=password)
    response = session.post(base_url + LOGIN_PATH, data=form.fields, allow_redirects=False, **request_options)
    if response.status_code != 302 or username not in SECOND_FACTOR_USERS:
        return response
    step = session.get(base_url + STEP_PATH, **request_options)
    form = form_with(step.text, "code")
    key = app_key(username, next(_NEXT_APP[username]) % APPS_PER_USER)
    form.fields["code"] = f"{totp(bytes.fromhex(key)):06d}"
    return session.post(base_url + STEP_PATH, data=form.fields, allow_redirects=False, **request_options)


REPORT_ID = re.compile(r"/rapporter/(\d+)/$")


def report_id(location: str) -> int:
    """The report id in the redirect after a report request (``/rapporter/<id>/``)."""
    match = REPORT_ID.search(location)
    if not match:
        raise ValueError(f"Not a report page: {location!r}")
    return int(match[1])
