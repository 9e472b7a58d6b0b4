"""Composing an e-mail to one person: the one way every app writes its notices and reminders.

``compose(template, context, recipient)`` renders three templates named by ``template``:

* ``<template>_subject.txt``: the subject, collapsed to one line;
* ``<template>_body.txt``: the plain-text part, which includes ``core/email/_footer.txt``;
* ``<template>_body.html``: the HTML part, which extends ``core/email/base.html``.

They are rendered in the recipient's language (``recipient.language`` when it has one, else
``settings.LANGUAGE_CODE``) unless ``language`` is given, and get, besides the caller's context,
``recipient``, ``site_url`` (the portal's address, no trailing slash, for absolute links),
``settings_link`` (the page where the recipient chooses which e-mails they get) and, in the two
bodies, ``subject``.

An inactive user or one without an address gets no e-mail: callers choose their recipients
among the active ones with an address (``core.people.reachable_grants``), and ``compose``
refuses the others with ``ValueError`` so a mistake there is an error, never a sent message.
Sending, and sending once, is the caller's (``message.send()``, ``core.notices.send_once``).

An e-mail to an address that is no account's yet (an invitation, a new address to confirm) is
composed for an ``Addressee``: the address, the name to greet and the language to write in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import translation


@dataclass(frozen=True)
class Addressee:
    """Someone ``compose`` can write to who has no account (yet): an address, a name, a language."""

    email: str
    name: str = ""
    language: str = ""
    is_active: bool = True
    pk: None = None
    username: str = ""

    def get_full_name(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name or self.email


def site_url() -> str:
    """The portal's address without a trailing slash: prefix a path with it for a link in an e-mail."""
    return settings.SITE_URL.rstrip("/")


def settings_link() -> str:
    """The absolute address of the page where a user chooses which e-mails they get."""
    return site_url() + settings.NOTICE_SETTINGS_PATH


def compose(
    template: str, context: dict[str, Any], recipient: Any, *, language: str | None = None
) -> EmailMultiAlternatives:
    """The e-mail ``template`` renders for ``recipient``, with a plain-text and an HTML part; not sent.

    ``language``: the language to write in; by default the recipient's (``recipient.language``),
    else the site's. Raises ``ValueError`` when the recipient is inactive or has no e-mail address.
    """
    if not recipient.is_active:
        raise ValueError(f"User {recipient.pk} is inactive and gets no e-mail.")
    if not recipient.email:
        raise ValueError(f"User {recipient.pk} has no e-mail address.")
    language = language or getattr(recipient, "language", "") or settings.LANGUAGE_CODE
    context = {
        **context,
        "recipient": recipient,
        "site_url": site_url(),
        "settings_link": settings_link(),
    }
    with translation.override(language):
        subject = " ".join(loader.render_to_string(f"{template}_subject.txt", context).split())
        context["subject"] = subject
        text = loader.render_to_string(f"{template}_body.txt", context)
        html = loader.render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email])
    message.attach_alternative(html, "text/html")
    return message
