"""Attachments: Excel and images besides PDF and Word, recognised from their content alone."""

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from core.files.fields import DocumentField
from core.files.models import document_upload_to, fill_document
from core.files.validation import ATTACHMENT_KINDS, CONTENT_TYPES, JPEG, PNG, XLSX, detect_document_kind

PDF_CONTENT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Åtgärd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(buffer, image_format)
    return buffer.getvalue()


def make_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png() -> bytes:
    """A small, well-formed PNG that declares 100 000 × 100 000 pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 300))
        + png_chunk(b"IEND", b"")
    )


def clean(name: str, content: bytes, field: DocumentField | None = None):
    field = field or DocumentField(kinds=ATTACHMENT_KINDS)
    return field.clean(SimpleUploadedFile(name, content))


def refusal(name: str, content: bytes, field: DocumentField | None = None) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean(name, content, field)
    return caught.value


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("budget.xlsx", make_xlsx(), XLSX),
        ("karta.png", make_image("PNG"), PNG),
        ("foto.jpg", make_image("JPEG"), JPEG),
        ("foto.JPEG", make_image("JPEG"), JPEG),
        ("rapport.pdf", PDF_CONTENT, "pdf"),
        ("rapport.docx", make_docx(), "docx"),
    ],
)
def test_every_attachment_kind_is_accepted_from_its_content(name, content, kind):
    cleaned = clean(name, content)

    assert cleaned.document_kind == kind
    assert detect_document_kind(io.BytesIO(content)) == kind


@pytest.mark.parametrize(
    ("kind", "content_type", "extension"),
    [
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        (PNG, "image/png", "png"),
        (JPEG, "image/jpeg", "jpg"),
    ],
)
def test_new_kinds_are_stored_with_their_content_type_and_extension(kind, content_type, extension):
    content = {XLSX: make_xlsx(), PNG: make_image("PNG"), JPEG: make_image("JPEG")}[kind]
    uploaded = clean(f"fil.{extension}", content)

    class Stored:
        class _meta:  # noqa: N801 - stands in for a model's options
            app_label = "actions"

    document = fill_document(Stored(), uploaded, user=None)

    assert CONTENT_TYPES[kind] == content_type
    assert document.content_type == content_type
    assert document_upload_to(document, "whatever.exe").endswith(f".{extension}")


def test_a_text_file_named_png_is_refused():
    error = refusal("bild.png", b"just some text, not an image\n" * 10)

    assert error.code == "not_document"
    assert error.messages == [
        "The file is not a PDF, Word or Excel document or an image, although its name ends in .png."
    ]


def test_a_png_named_xlsx_is_refused_as_a_mismatch():
    error = refusal("budget.xlsx", make_image("PNG"))

    assert error.code == "extension_mismatch"
    assert error.messages == [
        "The content is a .png document but the name ends in .xlsx; rename the file to end in .png."
    ]


def test_a_png_with_a_zip_appended_is_refused_as_a_polyglot():
    error = refusal("bild.png", make_image("PNG") + make_docx())

    assert error.code == "polyglot"


def test_a_truncated_jpeg_is_refused():
    error = refusal("foto.jpg", make_image("JPEG")[:-40])

    assert error.code == "not_document"


def test_an_image_declaring_huge_dimensions_is_refused():
    error = refusal("karta.png", huge_png())

    assert error.code == "bad_image"
    assert "million pixels" in error.messages[0]


def test_an_unknown_extension_names_every_accepted_one():
    error = refusal("tabell.csv", b"a;b\n1;2\n")

    assert error.messages == ["The file name must end in .pdf, .doc, .docx, .xlsx, .png, .jpg or .jpeg."]


def test_attachment_field_describes_and_accepts_its_kinds(settings):
    settings.DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    field = DocumentField(kinds=ATTACHMENT_KINDS)

    assert str(field.help_text) == "PDF, Word, Excel or an image (PNG, JPEG), at most 10 MB."
    assert field.widget_attrs(field.widget)["accept"] == ".pdf,.doc,.docx,.xlsx,.png,.jpg,.jpeg"


def test_the_default_document_field_still_refuses_images_and_spreadsheets():
    field = DocumentField()

    assert refusal("karta.png", make_image("PNG"), field).messages == ["The file name must end in .pdf, .doc or .docx."]
    assert refusal("budget.xlsx", make_xlsx(), field).messages == ["The file name must end in .pdf, .doc or .docx."]
    assert field.widget_attrs(field.widget)["accept"] == ".pdf,.doc,.docx"
    assert refusal("rapport.pdf", make_image("PNG"), field).messages == [
        "The file is not a PDF or Word document, although its name ends in .pdf."
    ]
