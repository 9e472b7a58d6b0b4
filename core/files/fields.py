"""The form field for an uploaded document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext

from core.files.validation import DOCUMENT_KINDS, EXTENSIONS, megabytes, validate_document


def _document_help_text(kinds: tuple[str, ...] = DOCUMENT_KINDS) -> str:
    limit = {"limit": megabytes(settings.DOCUMENT_MAX_BYTES)}
    if set(kinds) == set(DOCUMENT_KINDS):
        return gettext("PDF or Word, at most %(limit)s MB.") % limit
    return gettext("PDF, Word, Excel or an image (PNG, JPEG), at most %(limit)s MB.") % limit


class DocumentField(forms.FileField):
    """A file field that accepts only what ``validate_document`` accepts.

    The detected kind is kept on the cleaned file as ``document_kind``, so ``fill_document``
    takes the content type from the content without reading it again.
    """

    def __init__(self, *, kinds: tuple[str, ...] = DOCUMENT_KINDS, **kwargs: Any) -> None:
        self.kinds = tuple(kinds)
        kwargs.setdefault("help_text", lazy(_document_help_text, str)(self.kinds))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("accept", ",".join(f".{extension}" for kind in self.kinds for extension in EXTENSIONS[kind]))
        return attrs

    def clean(self, data: Any, initial: Any = None) -> Any:
        cleaned = super().clean(data, initial)
        if isinstance(cleaned, UploadedFile):
            cleaned.document_kind = validate_document(cleaned, self.kinds)
        return cleaned
