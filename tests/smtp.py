"""A real SMTP server for tests: e-mail is sent over SMTP, received, parsed and checked.

The ``smtp_server`` fixture starts aiosmtpd on 127.0.0.1 on a free port and points Django's
SMTP backend at it for the test. Every message it receives is kept as a ``ReceivedMail``: the
envelope (``mail_from``, ``rcpt_tos``), the raw bytes and the parsed ``email.message.EmailMessage``
(``policy=email.policy.default``), with helpers for its plain-text and HTML parts and its links.

A Celery worker process sends to it when started with ``start_worker(..., smtp=smtp_server.address)``
(``tests/worker.py``); ``smtp_server.wait_for(count)`` waits for what that process sends.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
# A URL in a plain-text part: up to the next white space or closing bracket.
_TEXT_URL = re.compile(r"https?://[^\s<>()\"]+")


class _LinkParser(HTMLParser):
    """The ``href`` of each ``<a>`` in an HTML document, in order, and the document's ``<html lang>``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "html":
            self.lang = values.get("lang")


def _parse_html(html: str) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the SMTP server received it."""

    mail_from: str  # the envelope sender (MAIL FROM)
    rcpt_tos: tuple[str, ...]  # the envelope recipients (RCPT TO)
    raw: bytes  # the message's bytes as received (DATA)
    message: EmailMessage = field(repr=False)  # parsed with email.policy.default

    @property
    def subject(self) -> str:
        """The decoded subject (RFC 2047 encoded words undone)."""
        return str(self.message["Subject"]).strip()  # unfolding leaves the space of a header folded at once

    @property
    def raw_headers(self) -> str:
        """The top-level headers as received, before any decoding (ASCII by RFC 5322)."""
        return self.raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("ascii")

    def part(self, content_type: str) -> EmailMessage | None:
        """The first non-attachment part of ``content_type`` ("text/plain", "text/html"), or None."""
        for part in self.message.walk():
            if part.get_content_type() == content_type and not part.is_attachment():
                return part
        return None

    @property
    def text_part(self) -> EmailMessage | None:
        return self.part("text/plain")

    @property
    def html_part(self) -> EmailMessage | None:
        return self.part("text/html")

    @property
    def text(self) -> str:
        """The plain-text part, decoded by its charset and transfer encoding."""
        part = self.text_part
        assert part is not None, f"No text/plain part in {self.subject!r}"
        return part.get_content()

    @property
    def html(self) -> str:
        """The HTML part, decoded by its charset and transfer encoding."""
        part = self.html_part
        assert part is not None, f"No text/html part in {self.subject!r}"
        return part.get_content()

    @property
    def html_links(self) -> list[str]:
        """The ``href`` of every link in the HTML part, in order (the HTML parsed with html.parser)."""
        return _parse_html(self.html).links

    @property
    def html_lang(self) -> str | None:
        """The ``lang`` attribute of the HTML part's ``<html>`` element."""
        return _parse_html(self.html).lang

    @property
    def text_links(self) -> list[str]:
        """Every http(s) URL in the plain-text part, in order."""
        return _TEXT_URL.findall(self.text)


class SMTPServer:
    """aiosmtpd listening on ``address``; ``messages`` holds what it has received, in order."""

    def __init__(self):
        self._messages: list[ReceivedMail] = []
        self._received = threading.Condition()
        self._controller: Controller | None = None
        self.address: tuple[str, int] | None = None

    def receive(self, envelope) -> str:
        """Keep one message (called by the handler in the server's thread)."""
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        mail = ReceivedMail(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=raw,
            message=email.message_from_bytes(raw, policy=email.policy.default),
        )
        with self._received:
            self._messages.append(mail)
            self._received.notify_all()
        return "250 Message accepted for delivery"

    def start(self, attempts: int = 5) -> None:
        """Listen on a free port of 127.0.0.1 (another one if a process took it meanwhile)."""
        for attempt in range(attempts):
            port = _free_port()
            controller = Controller(_Handler(self), hostname=HOST, port=port, ready_timeout=10)
            try:
                controller.start()
            except (OSError, RuntimeError):
                if attempt == attempts - 1:
                    raise
                continue
            self._controller, self.address = controller, (HOST, port)
            return

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def host(self) -> str:
        return self.address[0]

    @property
    def port(self) -> int:
        return self.address[1]

    @property
    def messages(self) -> list[ReceivedMail]:
        """A copy of the messages received so far, in the order they arrived."""
        with self._received:
            return list(self._messages)

    def clear(self) -> None:
        """Forget the messages received so far."""
        with self._received:
            self._messages.clear()

    def wait_for(self, count: int, timeout: float = 10) -> list[ReceivedMail]:
        """The messages once at least ``count`` have arrived (sent by another process, say).

        Fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._received:
            while len(self._messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"The SMTP server received {len(self._messages)} messages in {timeout} s, not {count}.")
                self._received.wait(left)
            return list(self._messages)

    def to(self, address: str) -> list[ReceivedMail]:
        """The messages received for the envelope recipient ``address``."""
        return [mail for mail in self.messages if address in mail.rcpt_tos]


class _Handler:
    """aiosmtpd's handler: it inspects the handler's attributes, so it gets this plain object, not the server."""

    def __init__(self, server: SMTPServer):
        self._server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (the name aiosmtpd calls)
        return self._server.receive(envelope)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server that this test's e-mail goes to, through Django's SMTP backend."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.address
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        server.stop()
