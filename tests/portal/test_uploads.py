"""Uploaded documents: only real PDF or Word content, bounded in size, stored and served safely."""

import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from csp.middleware import CSPMiddleware
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation

from core.files import validation
from core.files.fields import DocumentField
from core.files.models import document_upload_to, fill_document
from core.files.responses import document_response
from core.files.validation import detect_document_kind, validate_document

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + bytes(1024)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_XML = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'


def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def make_docx(compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    return make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": DOCUMENT_XML}, compression)


DOCX = make_docx()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def rejection(uploaded) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_document(uploaded)
    return caught.value


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("rapport.pdf", PDF, "pdf", "application/pdf"),
        ("Åtgärdsprogram.DOCX", DOCX, "docx", DOCX_TYPE),
        ("avtal.doc", OLE2, "doc", "application/msword"),
    ],
)
def test_each_kind_is_accepted_with_the_content_type_of_its_content(name, content, kind, content_type):
    uploaded = upload(name, content, content_type="text/html")
    assert validate_document(uploaded) == kind
    document = fill_document(SimpleNamespace(), uploaded, user=None)
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.original_name == name
    assert document.file is uploaded
    assert document.uploaded_by is None


def test_detection_reads_from_the_start_and_rewinds():
    stream = io.BytesIO(PDF)
    stream.seek(len(PDF))
    assert detect_document_kind(stream) == "pdf"
    assert stream.tell() == 0


@pytest.mark.parametrize("content", [EXE, PNG], ids=["exe", "png"])
def test_other_content_renamed_to_pdf_is_refused_naming_the_extension(content):
    error = rejection(upload("rapport.pdf", content))
    assert error.code == "not_document"
    assert error.messages == ["The file is not a PDF or Word document, although its name ends in .pdf."]


def test_a_pdf_without_its_end_marker_is_refused():
    assert detect_document_kind(io.BytesIO(PDF.replace(b"%%EOF", b""))) is None
    assert detect_document_kind(io.BytesIO(PDF + bytes(2000))) is None


def test_a_zip_without_a_word_document_is_refused():
    archive = make_zip({"[Content_Types].xml": b"<Types/>", "word/other.xml": DOCUMENT_XML})
    error = rejection(upload("plan.docx", archive))
    assert error.messages == ["The file is not a PDF or Word document, although its name ends in .docx."]


def test_a_docx_behind_other_content_is_refused():
    prefixed = b"<html><script>alert(1)</script></html>" + DOCX
    assert zipfile.is_zipfile(io.BytesIO(prefixed))
    assert detect_document_kind(io.BytesIO(prefixed)) is None


def test_a_docx_with_a_corrupt_member_is_refused():
    archive = make_docx(zipfile.ZIP_STORED)
    corrupted = archive.replace(DOCUMENT_XML, DOCUMENT_XML.replace(b"w:document", b"w:documenX"), 1)
    assert corrupted != archive
    assert detect_document_kind(io.BytesIO(corrupted)) is None


def test_a_truncated_docx_is_refused():
    truncated = DOCX[: len(DOCX) // 2]
    assert detect_document_kind(io.BytesIO(truncated)) is None


def test_a_docx_compressed_in_a_way_word_never_uses_is_refused():
    assert detect_document_kind(io.BytesIO(make_docx(zipfile.ZIP_BZIP2))) is None


def test_a_zip_with_too_many_members_is_refused():
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": DOCUMENT_XML}
    members.update({f"word/media/{i}.bin": b"" for i in range(validation.MAX_ZIP_MEMBERS)})
    assert detect_document_kind(io.BytesIO(make_zip(members))) is None


def test_a_zip_expanding_beyond_the_limit_is_refused(monkeypatch):
    bomb = make_zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": DOCUMENT_XML, "word/media/a.bin": bytes(4096)}
    )
    assert detect_document_kind(io.BytesIO(bomb)) == "docx"
    monkeypatch.setattr(validation, "MAX_ZIP_UNCOMPRESSED_BYTES", 4096)
    assert detect_document_kind(io.BytesIO(bomb)) is None


def test_an_empty_file_is_refused():
    error = rejection(upload("rapport.pdf", b""))
    assert error.code == "empty"
    assert error.messages == ["The file is empty."]


@pytest.mark.parametrize(
    ("limit", "size", "message"),
    [
        (2 * MB, 5 * MB // 2, "The file is 2.5 MB; the limit is 2 MB."),
        (MB, 3 * MB, "The file is 3 MB; the limit is 1 MB."),
        (MB, MB + 1, "The file is 1.1 MB; the limit is 1 MB."),
    ],
)
def test_a_file_above_the_limit_is_refused_saying_both_sizes(settings, limit, size, message):
    settings.DOCUMENT_MAX_BYTES = limit
    error = rejection(upload("rapport.pdf", PDF + bytes(size - len(PDF))))
    assert error.code == "too_large"
    assert error.messages == [message]


def test_a_file_at_the_limit_is_accepted(settings):
    settings.DOCUMENT_MAX_BYTES = len(PDF)
    assert validate_document(upload("rapport.pdf", PDF)) == "pdf"


def test_sizes_are_written_the_swedish_way_in_swedish(settings):
    settings.DOCUMENT_MAX_BYTES = 2 * MB
    with translation.override("sv"):
        error = rejection(upload("rapport.pdf", PDF + bytes(5 * MB // 2)))
    assert "2,6" in error.messages[0]


@pytest.mark.parametrize("name", ["anteckningar.txt", "rapport", "rapport.pdf.exe", "rapport.pdf."])
def test_names_without_a_document_extension_are_refused(name):
    error = rejection(upload(name, PDF))
    assert error.code == "extension"
    assert error.messages == ["The file name must end in .pdf, .doc or .docx."]


@pytest.mark.parametrize(
    ("name", "content", "detected", "extension"),
    [("plan.doc", DOCX, ".docx", ".doc"), ("plan.docx", OLE2, ".doc", ".docx"), ("plan.docx", PDF, ".pdf", ".docx")],
)
def test_an_extension_that_does_not_match_the_content_is_refused(name, content, detected, extension):
    error = rejection(upload(name, content))
    assert error.code == "extension_mismatch"
    assert error.messages == [
        f"The content is a {detected} document but the name ends in {extension}; rename the file to end in {detected}."
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", PDF + DOCX),
        ("rapport.pdf", PDF + make_zip({"payload.html": b"<script>alert(1)</script>"})),
        ("rapport.docx", b"%PDF-1.4\n" + DOCX),
        ("rapport.doc", OLE2 + DOCX),
    ],
    ids=["pdf+docx", "pdf+zip", "docx-with-pdf-header", "doc+docx"],
)
def test_polyglots_are_refused(name, content):
    assert zipfile.is_zipfile(io.BytesIO(content))
    assert detect_document_kind(io.BytesIO(content)) is None
    error = rejection(upload(name, content))
    assert error.code == "polyglot"
    assert "several file formats" in error.messages[0]


@pytest.mark.parametrize(
    ("name", "original_name"),
    [
        ("../../etc/evil.pdf", "evil.pdf"),
        ("C:\\temp\\rapport.pdf", "rapport.pdf"),
        ("/var/www/../rapport.pdf", "rapport.pdf"),
        ("Lägesbild\u202efdp.pdf", "Lägesbildfdp.pdf"),
    ],
)
def test_paths_in_the_uploaded_name_never_reach_the_stored_path(name, original_name):
    uploaded = upload("placeholder.pdf", PDF)
    uploaded.name = name
    document = fill_document(SimpleNamespace(_meta=SimpleNamespace(app_label="agreements")), uploaded, user=None)
    assert document.original_name == original_name
    path = document_upload_to(document, name)
    assert re.fullmatch(r"documents/agreements/[0-9a-f]{32}\.pdf", path)


def test_stored_names_are_unique():
    stand_in = SimpleNamespace(_meta=SimpleNamespace(app_label="actions"), content_type=DOCX_TYPE)
    paths = {document_upload_to(stand_in, "plan.docx") for _ in range(1000)}
    assert len(paths) == 1000
    assert all(path.startswith("documents/actions/") and path.endswith(".docx") for path in paths)


def test_a_file_that_bypassed_fill_document_is_not_stored():
    stand_in = SimpleNamespace(_meta=SimpleNamespace(app_label="actions"), content_type="text/html")
    with pytest.raises(ValueError, match="fill_document"):
        document_upload_to(stand_in, "evil.html")


def test_a_long_name_is_shortened_keeping_its_extension():
    uploaded = upload("a" * 400 + ".pdf", PDF)
    document = fill_document(SimpleNamespace(), uploaded, user=None)
    assert len(document.original_name) == 255
    assert document.original_name.endswith("a.pdf")


def test_fill_document_validates_content_that_did_not_pass_through_the_form():
    with pytest.raises(ValidationError):
        fill_document(SimpleNamespace(), upload("rapport.pdf", EXE, content_type="application/pdf"), user=None)


def test_fill_document_records_the_uploader():
    user = SimpleNamespace(is_authenticated=True)
    assert fill_document(SimpleNamespace(), upload("rapport.pdf", PDF), user=user).uploaded_by is user
    anonymous = SimpleNamespace(is_authenticated=False)
    assert fill_document(SimpleNamespace(), upload("rapport.pdf", PDF), user=anonymous).uploaded_by is None


def test_the_form_field_keeps_the_detected_kind():
    cleaned = DocumentField().clean(upload("plan.docx", DOCX, content_type="application/pdf"))
    assert cleaned.document_kind == "docx"
    assert fill_document(SimpleNamespace(), cleaned, user=None).content_type == DOCX_TYPE


def test_the_form_field_refuses_what_validate_document_refuses():
    with pytest.raises(ValidationError) as caught:
        DocumentField().clean(upload("rapport.pdf", PNG))
    assert caught.value.messages == ["The file is not a PDF or Word document, although its name ends in .pdf."]


def test_the_form_field_keeps_an_already_stored_file():
    initial = object()
    assert DocumentField(required=False).clean(None, initial) is initial


def test_the_form_field_says_the_limit_from_the_setting(settings):
    field = DocumentField()
    assert str(field.help_text) == "PDF or Word, at most 20 MB."
    settings.DOCUMENT_MAX_BYTES = 5 * MB
    assert str(field.help_text) == "PDF or Word, at most 5 MB."
    assert field.widget.attrs["accept"] == ".pdf,.doc,.docx"


def stored_document(name: str, content: bytes, content_type: str) -> SimpleNamespace:
    return SimpleNamespace(file=ContentFile(content, name="x"), original_name=name, content_type=content_type)


def test_documents_are_served_as_attachments_under_their_original_name(
    db,
):  # closing a response fires request_finished, which touches the connection
    document = stored_document("Lägesbild Hässleholm 2024.pdf", PDF, "application/pdf")
    response = document_response(document)
    assert b"".join(response.streaming_content) == PDF
    response.close()
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''L%C3%A4gesbild%20H%C3%A4ssleholm%202024.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_the_served_content_type_is_the_stored_one(
    db,
):  # closing a response fires request_finished, which touches the connection
    document = stored_document("Plan.docx", b"<html><script>alert(1)</script>", DOCX_TYPE)
    response = document_response(document)
    response.close()
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="Plan.docx"'


def test_the_site_policy_does_not_replace_the_download_policy(
    db,
):  # closing a response fires request_finished, which touches the connection
    document = stored_document("rapport.pdf", PDF, "application/pdf")
    response = CSPMiddleware(lambda request: document_response(document))(RequestFactory().get("/"))
    response.close()
    assert response["Content-Security-Policy"] == "default-src 'none'"
