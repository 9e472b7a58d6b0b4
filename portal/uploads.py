"""The one way every app accepts, stores and serves uploaded documents (PDF or Word).

An upload is accepted only when its content is a PDF, a Word 2007+ (.docx) or a Word 97-2003
(.doc) document whose name ends in the matching extension, it is not empty and not above
``settings.DOCUMENT_MAX_BYTES``. Content that more than one kind of reader would accept (a
polyglot, e.g. a PDF with a ZIP archive appended) is refused, because a file that is harmless
as one kind may be dangerous as the other.

Each app keeps its documents in its own concrete subclass of the abstract ``Document``, with a
foreign key to the owning object and a ``ScopedQuerySet`` manager that follows the owner::

    class AgreementDocument(Document):
        agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")

In a view: ``DocumentField`` in the form, ``fill_document`` and ``save()`` inside
``transaction.atomic``, and ``document_response`` to serve it after fetching the owner through
``portal.scoping.get_for_user``.
"""

from __future__ import annotations

import contextlib
import math
import os
import unicodedata
import zipfile
import zlib
from functools import partial
from typing import IO, TYPE_CHECKING, Any
from uuid import uuid4

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, router, transaction
from django.http import FileResponse
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.core.files import File

PDF = "pdf"
DOCX = "docx"
DOC = "doc"
KINDS = (PDF, DOC, DOCX)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOC: "application/msword",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_KIND_BY_CONTENT_TYPE = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}

PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
DOCX_REQUIRED_MEMBERS = frozenset({"[Content_Types].xml", "word/document.xml"})
# PDF readers look for the header anywhere in the first KiB and for %%EOF in the last KiB.
PDF_WINDOW = 1024
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ORIGINAL_NAME = 255

_MEGABYTE = 1024 * 1024
_ZIP_ENCRYPTED_FLAG = 0x1
_DOCX_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
# What reading a hostile archive may raise; any of them means "not a sound archive".
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError)


def _megabytes(size: int) -> str:
    """``size`` in MB for people: whole numbers plain, otherwise rounded up to one decimal."""
    tenths = math.ceil(size * 10 / _MEGABYTE)
    if tenths % 10 == 0:
        return number_format(tenths // 10)
    return number_format(tenths / 10, decimal_pos=1)


def _base_name(name: str) -> str:
    """The last path component of a browser-supplied name, without invisible or control characters.

    Both separators count, because Windows browsers may send ``C:\\temp\\rapport.pdf``; format
    characters go too, so a right-to-left override cannot disguise the extension.
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > MAX_ORIGINAL_NAME:
        stem, dot, extension = base.rpartition(".")
        base = stem[: MAX_ORIGINAL_NAME - len(dot + extension)] + dot + extension if dot else base[:MAX_ORIGINAL_NAME]
    return base


def _extension(name: str) -> str:
    _stem, dot, extension = _base_name(name).rpartition(".")
    return extension.lower() if dot else ""


def _is_sound_docx(archive: zipfile.ZipFile) -> bool:
    """Whether an opened archive is a Word document whose every member decompresses cleanly.

    Sizes and member count are checked before decompressing anything: ``testzip`` decompresses
    each member up to its declared size, so the declared total bounds the work (zip bombs). The
    archive must start at the first byte, as Word writes it; zipfile would also open one that
    sits behind other content.
    """
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED_BYTES:
        return False
    if not DOCX_REQUIRED_MEMBERS.issubset(m.filename for m in members):
        return False
    if min(m.header_offset for m in members) != 0:
        return False
    if any(m.flag_bits & _ZIP_ENCRYPTED_FLAG or m.compress_type not in _DOCX_COMPRESSION for m in members):
        return False
    try:
        return archive.testzip() is None
    except _ZIP_ERRORS:
        return False


def _zip_kind(fileobj: IO[bytes] | File) -> str | None:
    """``"docx"`` for a sound Word archive, ``"zip"`` for any other archive zipfile opens, else None.

    zipfile finds the central directory from the end and tolerates data in front of it, so a
    PDF with an archive appended opens too: that is exactly what polyglot detection needs.
    """
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except _ZIP_ERRORS:
        return None
    with archive:
        return DOCX if _is_sound_docx(archive) else "zip"


def _inspect(fileobj: IO[bytes] | File) -> tuple[str | None, bool]:
    """(the document kind or None, whether the content is a polyglot).

    A PDF must start with its header, but a polyglot counts a header anywhere in the first KiB,
    where PDF readers still find it, so a Word file with a PDF inside its first KiB is refused.
    """
    fileobj.seek(0)
    try:
        head = fileobj.read(PDF_WINDOW)
        fileobj.seek(0, os.SEEK_END)
        fileobj.seek(max(fileobj.tell() - PDF_WINDOW, 0))
        tail = fileobj.read(PDF_WINDOW)
        zip_kind = _zip_kind(fileobj)
    finally:
        fileobj.seek(0)
    readable_as = [PDF_HEADER in head, head.startswith(OLE2_SIGNATURE), zip_kind is not None]
    if sum(readable_as) > 1:
        return None, True
    if head.startswith(PDF_HEADER) and PDF_END in tail:
        return PDF, False
    if zip_kind == DOCX:
        return DOCX, False
    if head.startswith(OLE2_SIGNATURE):
        return DOC, False
    return None, False


def detect_document_kind(fileobj: IO[bytes] | File) -> str | None:
    """``"pdf"``, ``"docx"`` or ``"doc"`` from the content alone, or None (also for polyglots).

    The file is read from the start and left at the start, ready to be stored.
    """
    kind, _polyglot = _inspect(fileobj)
    return kind


def validate_document(uploaded_file: UploadedFile | File) -> str:
    """The detected kind of an acceptable upload, or ValidationError saying what is wrong with it.

    Cheap checks (size, name) come first, so a refused file is not read at all.
    """
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(gettext("The file is empty."), code="empty")
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            gettext("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": _megabytes(size), "limit": _megabytes(limit)},
        )
    extension = _extension(uploaded_file.name or "")
    if extension not in KINDS:
        raise ValidationError(gettext("The file name must end in .pdf, .doc or .docx."), code="extension")
    kind, polyglot = _inspect(uploaded_file)
    if polyglot:
        raise ValidationError(
            gettext(
                "The file combines several file formats (for example a PDF with a ZIP archive inside) "
                "and cannot be accepted. Save it again as a plain PDF or Word document."
            ),
            code="polyglot",
        )
    if kind is None:
        raise ValidationError(
            gettext("The file is not a PDF or Word document, although its name ends in %(extension)s."),
            code="not_document",
            params={"extension": f".{extension}"},
        )
    if kind != extension:
        raise ValidationError(
            gettext(
                "The content is a %(detected)s document but the name ends in %(extension)s; "
                "rename the file to end in %(detected)s."
            ),
            code="extension_mismatch",
            params={"detected": f".{kind}", "extension": f".{extension}"},
        )
    return kind


class DocumentNotStoredError(ValidationError):
    """The upload passed every check but could not be written (disk full, media folder unwritable).

    Raised by ``Document.save()``; nothing was stored and, inside ``transaction.atomic``, nothing
    saved. A view shows it on the form (``form.add_error("document", error)``).
    """

    def __init__(self) -> None:
        super().__init__(
            gettext("The document could not be stored (the disk may be full). Nothing was saved; try again later."),
            code="not_stored",
        )


class AtomicFileSystemStorage(FileSystemStorage):
    """The site's file storage: a file appears complete under its name, or not at all.

    Django's FileSystemStorage writes straight to the final name and leaves a partial file behind
    when the disk fills up. Here the content goes to a temporary name in the same folder, is
    flushed to disk and then linked to its name (``os.link`` fails rather than overwrite a file
    that took the name meanwhile); on any error the temporary file is removed.
    """

    def _save(self, name: str, content: File) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        partial = os.path.join(directory, f".{uuid4().hex}.part")
        try:
            with open(partial, "xb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                handle.flush()
                os.fsync(handle.fileno())
            while True:
                try:
                    os.link(partial, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(OSError):
                os.remove(partial)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return os.path.relpath(full_path, self.location).replace("\\", "/")


def document_upload_to(instance: Any, filename: str) -> str:
    """A fresh, unguessable storage name; the user's file name never becomes part of the path.

    The extension comes from ``instance.content_type``, which ``fill_document`` set from the
    detected kind: a file that did not pass through it has no kind and is refused here.
    """
    kind = _KIND_BY_CONTENT_TYPE.get(getattr(instance, "content_type", ""))
    if kind is None:
        raise ValueError("Store documents through portal.uploads.fill_document, which sets their content type.")
    return f"documents/{instance._meta.app_label}/{uuid4().hex}.{kind}"


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
            raise DocumentNotStoredError from error

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Delete the row, and the file only once that commits: a rollback keeps both."""
        storage, name = self.file.storage, self.file.name
        database = using or router.db_for_write(type(self), instance=self)
        result = super().delete(using=database, keep_parents=keep_parents)
        if name:
            transaction.on_commit(partial(storage.delete, name), using=database, robust=True)
        return result


def _document_help_text() -> str:
    return gettext("PDF or Word, at most %(limit)s MB.") % {"limit": _megabytes(settings.DOCUMENT_MAX_BYTES)}


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


def fill_document(
    document: Document, uploaded_file: UploadedFile, user: AbstractBaseUser | AnonymousUser | None
) -> Document:
    """Fill a document row from an upload, without saving it.

    The content type comes from the detected kind (``DocumentField``'s, or detected here),
    never from what the browser claimed. Save the row inside ``transaction.atomic``: the file
    is written to storage as part of ``save()``, before the INSERT, so a storage error (disk
    full) raises ``DocumentNotStoredError`` and leaves neither a row nor a partial file behind.
    A database error after the file was written leaves an unreferenced file in storage, never
    a row without its file.
    """
    kind = getattr(uploaded_file, "document_kind", None) or validate_document(uploaded_file)
    document.file = uploaded_file
    document.original_name = _base_name(uploaded_file.name or "") or f"document.{kind}"
    document.content_type = CONTENT_TYPES[kind]
    document.size = uploaded_file.size
    document.uploaded_by = user if user is not None and user.is_authenticated else None
    return document


def document_response(document: Document) -> FileResponse:
    """The stored file as a download under its original name, never rendered by the browser.

    This does no authorisation: the calling view first fetches the owning object through
    ``portal.scoping.get_for_user`` (404 outside the user's scope, 403 without the permission)
    and takes the document from that owner.
    """
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
