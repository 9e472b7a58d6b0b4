"""What an uploaded file is, from its content alone, and whether the portal accepts it."""

from __future__ import annotations

import math
import os
import unicodedata
import zipfile
import zlib
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.core.files import File

PDF = "pdf"
DOCX = "docx"
DOC = "doc"
XLSX = "xlsx"
PNG = "png"
JPEG = "jpeg"
DOCUMENT_KINDS = (PDF, DOC, DOCX)
KINDS = DOCUMENT_KINDS
# Word 97-2003 and Excel 97-2003 share the OLE2 container; .xls is not accepted (DOC detection
# does not read the compound file directory).
ATTACHMENT_KINDS = (PDF, DOC, DOCX, XLSX, PNG, JPEG)
IMAGE_KINDS = frozenset({PNG, JPEG})
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOC: "application/msword",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PNG: "image/png",
    JPEG: "image/jpeg",
}
# The file name extensions each kind may have; the first is the one stored files get.
EXTENSIONS = {PDF: ("pdf",), DOC: ("doc",), DOCX: ("docx",), XLSX: ("xlsx",), PNG: ("png",), JPEG: ("jpg", "jpeg")}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_START = b"\xff\xd8\xff"
JPEG_END = b"\xff\xd9"
MAX_IMAGE_PIXELS = 50_000_000
_KIND_BY_CONTENT_TYPE = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}

PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
DOCX_REQUIRED_MEMBERS = frozenset({"[Content_Types].xml", "word/document.xml"})
XLSX_REQUIRED_MEMBERS = frozenset({"[Content_Types].xml", "xl/workbook.xml"})
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


def megabytes(size: int) -> str:
    """``size`` in MB for people: whole numbers plain, otherwise rounded up to one decimal."""
    tenths = math.ceil(size * 10 / _MEGABYTE)
    if tenths % 10 == 0:
        return number_format(tenths // 10)
    return number_format(tenths / 10, decimal_pos=1)


def base_name(name: str) -> str:
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
    _stem, dot, extension = base_name(name).rpartition(".")
    return extension.lower() if dot else ""


def _is_sound_docx(archive: zipfile.ZipFile, required: frozenset[str] = DOCX_REQUIRED_MEMBERS) -> bool:
    """Whether an opened archive is a Word document whose every member decompresses cleanly.

    Sizes and member count are checked before decompressing anything: ``testzip`` decompresses
    each member up to its declared size, so the declared total bounds the work (zip bombs). The
    archive must start at the first byte, as Word writes it; zipfile would also open one that
    sits behind other content.
    """
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED_BYTES:
        return False
    if not required.issubset(m.filename for m in members):
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
        if _is_sound_docx(archive):
            return DOCX
        if _is_sound_docx(archive, XLSX_REQUIRED_MEMBERS):
            return XLSX
        return "zip"


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
    is_png = head.startswith(PNG_SIGNATURE) and head[12:16] == b"IHDR"
    is_jpeg = head.startswith(JPEG_START)
    readable_as = [PDF_HEADER in head, head.startswith(OLE2_SIGNATURE), zip_kind is not None, is_png, is_jpeg]
    if sum(readable_as) > 1:
        return None, True
    kind = None
    if head.startswith(PDF_HEADER) and PDF_END in tail:
        kind = PDF
    elif zip_kind in (DOCX, XLSX):
        kind = zip_kind
    elif is_png:
        kind = PNG
    elif is_jpeg and tail.endswith(JPEG_END):
        kind = JPEG
    elif head.startswith(OLE2_SIGNATURE):
        kind = DOC
    return kind, False


def detect_document_kind(fileobj: IO[bytes] | File) -> str | None:
    """The kind (``"pdf"``, ``"docx"``, ``"doc"``, ``"xlsx"``, ``"png"``, ``"jpeg"``) from the content alone,
    or None (also for polyglots).

    The file is read from the start and left at the start, ready to be stored.
    """
    kind, _polyglot = _inspect(fileobj)
    return kind


def _is_sound_image(fileobj: IO[bytes] | File) -> bool:
    """Whether Pillow reads the image header, finds it within ``MAX_IMAGE_PIXELS`` and verifies it.

    The size is checked before ``verify`` decodes anything, so a small file declaring huge
    dimensions (a decompression bomb) is refused without being decompressed.
    """
    from PIL import Image  # noqa: PLC0415 - Pillow is only needed for images

    fileobj.seek(0)
    try:
        with Image.open(fileobj) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return False
            image.verify()
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError, EOFError):
        return False
    finally:
        fileobj.seek(0)
    return True


def _extension_message(kinds: tuple[str, ...]) -> str:
    if set(kinds) == set(DOCUMENT_KINDS):
        return gettext("The file name must end in .pdf, .doc or .docx.")
    if set(kinds) == set(ATTACHMENT_KINDS):
        return gettext("The file name must end in .pdf, .doc, .docx, .xlsx, .png, .jpg or .jpeg.")
    extensions = ", ".join(f".{extension}" for kind in kinds for extension in EXTENSIONS[kind])
    return gettext("The file name must end in one of %(extensions)s.") % {"extensions": extensions}


def _not_kind_message(kinds: tuple[str, ...]) -> str:
    if set(kinds) == set(DOCUMENT_KINDS):
        return gettext("The file is not a PDF or Word document, although its name ends in %(extension)s.")
    return gettext(
        "The file is not a PDF, Word or Excel document or an image, although its name ends in %(extension)s."
    )


def validate_document(uploaded_file: UploadedFile | File, kinds: tuple[str, ...] = DOCUMENT_KINDS) -> str:
    """The detected kind of an acceptable upload, or ValidationError saying what is wrong with it.

    ``kinds`` are the accepted kinds (``DOCUMENT_KINDS`` or ``ATTACHMENT_KINDS``). Cheap checks
    (size, name) come first, so a refused file is not read at all.
    """
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(gettext("The file is empty."), code="empty")
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            gettext("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": megabytes(size), "limit": megabytes(limit)},
        )
    extension = _extension(uploaded_file.name or "")
    if not any(extension in EXTENSIONS[kind] for kind in kinds):
        raise ValidationError(_extension_message(kinds), code="extension")
    kind, polyglot = _inspect(uploaded_file)
    if polyglot:
        raise ValidationError(
            gettext(
                "The file combines several file formats (for example a PDF with a ZIP archive inside) "
                "and cannot be accepted. Save it again as a plain PDF or Word document."
            ),
            code="polyglot",
        )
    if kind is None or kind not in kinds:
        raise ValidationError(_not_kind_message(kinds), code="not_document", params={"extension": f".{extension}"})
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(
            gettext(
                "The content is a %(detected)s document but the name ends in %(extension)s; "
                "rename the file to end in %(detected)s."
            ),
            code="extension_mismatch",
            params={"detected": f".{EXTENSIONS[kind][0]}", "extension": f".{extension}"},
        )
    if kind in IMAGE_KINDS and not _is_sound_image(uploaded_file):
        raise ValidationError(
            gettext(
                "The image cannot be read or is too large (at most %(pixels)s million pixels); "
                "save it again as a PNG or JPEG image."
            ),
            code="bad_image",
            params={"pixels": MAX_IMAGE_PIXELS // 1_000_000},
        )
    return kind
