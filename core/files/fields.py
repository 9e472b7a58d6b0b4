"""The form field for an uploaded document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext

from core.files.validation import KINDS, megabytes, validate_document


def _document_help_text() -> str:
    return gettext("PDF or Word, at most %(limit)s MB.") % {"limit": megabytes(settings.DOCUMENT_MAX_BYTES)}


class DocumentField(forms.FileField):
    """A file field that accepts only what ``validate_document`` accepts.

    The detected kind is kept on the cleaned file as ``document_kind``, so ``fill_document``
    takes the content type from the content without reading it again.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", lazy(_document_help_text, str)())
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("accept", ",".join(f".{kind}" for kind in KINDS))
        return attrs

    def clean(self, data: Any, initial: Any = None) -> Any:
        cleaned = super().clean(data, initial)
        if isinstance(cleaned, UploadedFile):
            cleaned.document_kind = validate_document(cleaned)
        return cleaned
