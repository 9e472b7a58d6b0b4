"""The abstract document row every app's document table builds on, and how a row is filled from an upload."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, router, transaction
from django.utils.translation import gettext, gettext_lazy

from core.files.storage import StoreUnavailableError
from core.files.validation import (
    _KIND_BY_CONTENT_TYPE,
    CONTENT_TYPES,
    DOCUMENT_KINDS,
    EXTENSIONS,
    MAX_ORIGINAL_NAME,
    base_name,
    validate_document,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class DocumentNotStoredError(ValidationError):
    """The upload passed every check but could not be written (disk full, media folder unwritable, object store down).

    Raised by ``Document.save()``; nothing was stored and, inside ``transaction.atomic``, nothing
    saved. A view shows it on the form (``form.add_error("document", error)``).
    """

    def __init__(self, unreachable: bool = False) -> None:
        if unreachable:
            message = gettext(
                "The document could not be stored: the file store did not answer. Nothing was saved; try again later."
            )
        else:
            message = gettext(
                "The document could not be stored (the disk may be full). Nothing was saved; try again later."
            )
        super().__init__(message, code="not_stored")


def document_upload_to(instance: Any, filename: str) -> str:
    """A fresh, unguessable storage name; the user's file name never becomes part of the path.

    The extension comes from ``instance.content_type``, which ``fill_document`` set from the
    detected kind: a file that did not pass through it has no kind and is refused here.
    """
    kind = _KIND_BY_CONTENT_TYPE.get(getattr(instance, "content_type", ""))
    if kind is None:
        raise ValueError("Store documents through core.files.models.fill_document, which sets their content type.")
    return f"documents/{instance._meta.app_label}/{uuid4().hex}.{EXTENSIONS[kind][0]}"


class Publicity(models.TextChoices):
    """Whether a document is also shown on the public site: a choice beside who reads it inside
    the portal, never the default (an upload is internal until someone chooses otherwise)."""

    INTERNAL = "internal", gettext_lazy("In the portal only")
    PUBLIC = "public", gettext_lazy("Public: also on the public site, for everyone")


class Document(models.Model):
    """Abstract base of every app's document table: the stored file and what is known about it.

    Subclasses add the owner (a foreign key) and a ``ScopedQuerySet`` manager following it.
    ``delete()`` removes the file once the deletion commits; bulk ``QuerySet.delete()`` and
    cascades do not call it and leave the files in storage.
    """

    file = models.FileField(gettext_lazy("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(gettext_lazy("original file name"), max_length=MAX_ORIGINAL_NAME)
    content_type = models.CharField(gettext_lazy("content type"), max_length=100)
    size = models.PositiveBigIntegerField(gettext_lazy("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("uploaded by"),
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the row, writing a new file first; a file that cannot be written raises DocumentNotStoredError."""
        try:
            super().save(*args, **kwargs)
        except OSError as error:
            raise DocumentNotStoredError(unreachable=isinstance(error, StoreUnavailableError)) from error

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Delete the row, and the file only once that commits: a rollback keeps both."""
        storage, name = self.file.storage, self.file.name
        database = using or router.db_for_write(type(self), instance=self)
        result = super().delete(using=database, keep_parents=keep_parents)
        if name:
            transaction.on_commit(partial(storage.delete, name), using=database, robust=True)
        return result


def fill_document(
    document: Document,
    uploaded_file: UploadedFile,
    user: AbstractBaseUser | AnonymousUser | None,
    kinds: tuple[str, ...] = DOCUMENT_KINDS,
) -> Document:
    """Fill a document row from an upload, without saving it.

    The content type comes from the detected kind (``DocumentField``'s, or detected here),
    never from what the browser claimed. Save the row inside ``transaction.atomic``: the file
    is written to storage as part of ``save()``, before the INSERT, so a storage error (disk
    full) raises ``DocumentNotStoredError`` and leaves neither a row nor a partial file behind.
    A database error after the file was written leaves an unreferenced file in storage, never
    a row without its file.
    """
    kind = getattr(uploaded_file, "document_kind", None) or validate_document(uploaded_file, kinds)
    document.file = uploaded_file
    document.original_name = base_name(uploaded_file.name or "") or f"document.{EXTENSIONS[kind][0]}"
    document.content_type = CONTENT_TYPES[kind]
    document.size = uploaded_file.size
    document.uploaded_by = user if user is not None and user.is_authenticated else None
    return document
