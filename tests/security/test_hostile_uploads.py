"""Hostile files through the real pages: every form that takes a document, and the key-figure import.

``tests/portal/test_uploads.py`` checks the validator itself; here the same attacks go through
the views as multipart requests built by hand (Django's test client would strip a path from the
file name before the server sees it), and each must end in a clear Swedish message next to the
field with nothing stored (no row, no file), or, for names, in a plain file name inside the
media folder.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from municipalities.models import KeyFigure
from municipalities.services import MAX_IMPORT_BYTES, UNREADABLE_ROW
from tests.factories import MINIMAL_PDF
from tests.security.fuzz_support import as_post_data, page_forms, posted_form, read_page, snapshot

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# Swedish, as the user reads them (the site's default language).
NOT_A_DOCUMENT = "Filen är inte ett PDF- eller Word-dokument, trots att namnet slutar på .pdf."
POLYGLOT = "Filen kombinerar flera filformat"
EMPTY = "Den skickade filen är tom."  # Django's own check comes first
WRONG_EXTENSION = "Filnamnet måste sluta på .pdf, .doc eller .docx."

# The three pages that take a document, as (role, address, field values that make the rest valid).
DOCUMENT_FORMS = {
    "plan": ("county_coordinator", lambda w: reverse("actions:plan_edit", kwargs={"pk": w.plan.pk})),
    "agreement": ("municipal_officer", lambda w: reverse("agreements:agreement_edit", kwargs={"pk": w.agreement.pk})),
    "compliance": (
        "municipal_officer",
        lambda w: reverse(
            "municipalities:compliance_edit", kwargs={"code": w.own_municipality.code, "obligation": "follow_up"}
        ),
    ),
}


def multipart(fields: dict[str, list[str]], file_field: str, filename: bytes, content: bytes) -> tuple[bytes, str]:
    """A multipart body with ``filename`` sent exactly as given (a browser or a script may send anything)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, values in fields.items():
        for value in values:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
            )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="'.encode()
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def document_rows() -> int:
    from actions.models import PlanDocument
    from agreements.models import AgreementDocument
    from municipalities.models import ComplianceDocument

    return sum(m.objects.count() for m in (PlanDocument, AgreementDocument, ComplianceDocument))


def signed_in(client, world, form: str) -> str:
    """Sign in as the role that edits ``form`` (signing in changes the user row) and give its address."""
    role, url = DOCUMENT_FORMS[form]
    client.force_login(world.user(role))
    return url(world)


def upload(client, url: str, filename: bytes, content: bytes):
    fields = as_post_data(posted_form(client.get(url).content.decode(), url)["fields"])
    fields.pop("document", None)
    body, content_type = multipart(fields, "document", filename, content)
    return client.post(url, body, content_type=content_type)


def field_error(response) -> tuple[bool, str]:
    """(whether the file input is marked invalid, the page's text)."""
    html = response.content.decode()
    marked = False
    for form in page_forms(html):
        marked |= "document" in form["files"]
    inputs = [line for line in html.split("<input") if 'name="document"' in line]
    marked = marked and any("is-invalid" in line.split(">")[0] for line in inputs)
    _found, text = read_page(html)
    return marked, text


HOSTILE_CONTENT = {
    "elf-named-pdf": (b"rapport.pdf", ELF, NOT_A_DOCUMENT),
    "exe-named-pdf": (b"rapport.pdf", EXE, NOT_A_DOCUMENT),
    "html-named-pdf": (b"rapport.pdf", HTML, NOT_A_DOCUMENT),
    "zero-bytes": (b"rapport.pdf", b"", EMPTY),
    "pdf+zip-polyglot": (b"rapport.pdf", MINIMAL_PDF + _zip({"x.html": HTML}), POLYGLOT),
    "zip-behind-html-named-docx": (b"plan.docx", HTML + _zip({"word/document.xml": b"<w/>"}), "Filen"),
    "pdf-named-exe": (b"rapport.pdf.exe", MINIMAL_PDF, WRONG_EXTENSION),
    "pdf-named-html": (b"rapport.html", MINIMAL_PDF, WRONG_EXTENSION),
}


@pytest.mark.parametrize("form", sorted(DOCUMENT_FORMS))
@pytest.mark.parametrize("case", sorted(HOSTILE_CONTENT))
def test_hostile_content_is_refused_next_to_the_field_and_nothing_is_stored(client, hostile_world, form, case):
    filename, content, message = HOSTILE_CONTENT[case]
    url = signed_in(client, hostile_world, form)
    before, files = snapshot(), stored_files()
    response = upload(client, url, filename, content)
    assert response.status_code == 200
    marked, text = field_error(response)
    assert marked, "the file input is not marked invalid"
    assert message in text
    assert snapshot() == before, "a refused upload changed stored rows"
    assert stored_files() == files, "a refused upload left a file behind"


@pytest.mark.parametrize("form", sorted(DOCUMENT_FORMS))
def test_a_file_just_over_the_limit_is_refused_saying_both_sizes(client, hostile_world, settings, form):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    content = MINIMAL_PDF[:-6] + bytes(1024 * 1024 + 1 - len(MINIMAL_PDF)) + MINIMAL_PDF[-6:]
    url = signed_in(client, hostile_world, form)
    before, files = snapshot(), stored_files()
    response = upload(client, url, b"stor.pdf", content)
    marked, text = field_error(response)
    assert marked
    assert "Filen är 1,1 MB; gränsen är 1 MB." in text
    assert (snapshot(), stored_files()) == (before, files)


@pytest.mark.parametrize("form", sorted(DOCUMENT_FORMS))
def test_an_unwritable_media_folder_is_said_next_to_the_field_and_nothing_is_saved(
    client, hostile_world, settings, tmp_path, form
):
    # As root any mode bits are written through: the media folder lies under a regular file instead.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    url = signed_in(client, hostile_world, form)
    before = snapshot()
    response = upload(client, url, b"rapport.pdf", MINIMAL_PDF)
    assert response.status_code == 200
    marked, text = field_error(response)
    assert marked, "the file input is not marked invalid"
    assert "Dokumentet kunde inte sparas (disken kan vara full)" in text
    assert snapshot() == before, "a document that could not be written left rows behind"


def test_a_pdf_with_html_inside_is_stored_but_only_ever_served_as_a_pdf_download(client, hostile_world):
    """A PDF may contain any bytes, HTML included; what matters is that no browser renders it as a page.

    It is a sound PDF (header first, end marker last), so it is accepted; it is served as an
    attachment with the PDF type, ``nosniff`` and a policy that runs nothing.
    """
    content = b"%PDF-1.4\n" + HTML + b"\n%%EOF\n"
    response = upload(client, signed_in(client, hostile_world, "plan"), b"rapport.pdf", content)
    assert response.status_code == 302
    document = hostile_world.plan.documents.get()
    served = client.get(reverse("actions:plan_document", kwargs={"pk": document.pk}))
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'"


HOSTILE_NAMES = [
    (b"../../etc/passwd.pdf", "passwd.pdf"),
    (b"..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
    (b"/etc/cron.d/x.pdf", "x.pdf"),
    (b"C:\\Users\\anna\\Desktop\\rapport.pdf", "rapport.pdf"),
    ("L\u00e4gesbild 2024 \u2013 Sk\u00e5ne \u2713.pdf".encode(), "L\u00e4gesbild 2024 \u2013 Sk\u00e5ne \u2713.pdf"),
    ("rapport\u202efdp.exe.pdf".encode(), "rapportfdp.exe.pdf"),
    (b"a" * 400 + b".pdf", "a" * 251 + ".pdf"),
    (b"..", None),
    (b"rapport\tny.pdf", "rapportny.pdf"),
]


@pytest.mark.parametrize(("filename", "expected"), HOSTILE_NAMES, ids=[n[:20].decode() for n, _e in HOSTILE_NAMES])
def test_a_path_in_the_file_name_becomes_a_plain_name_inside_the_media_folder(
    client, hostile_world, filename, expected
):
    files = stored_files()
    response = upload(client, signed_in(client, hostile_world, "agreement"), filename, MINIMAL_PDF)
    if expected is None:
        # Nothing of a name is left: no file was sent, so nothing is stored and the agreement saves.
        assert response.status_code == 302
        assert document_rows() == 0
        assert stored_files() == files
        return
    assert response.status_code == 302, field_error(response)[1][:500]
    document = hostile_world.agreement.documents.get()
    assert document.original_name == expected
    new = stored_files() - files
    assert len(new) == 1, "exactly one file per document row"
    media = Path(settings.MEDIA_ROOT).resolve()
    path = next(iter(new)).resolve()
    assert path.is_relative_to(media / "documents")
    assert path == Path(document.file.path).resolve()
    assert path.suffix == ".pdf"
    assert path.stem.isalnum()
    served = client.get(reverse("agreements:agreement_document", kwargs={"pk": document.pk}))
    disposition = served["Content-Disposition"]
    assert not {"/", "\\", "\n", "\r"} & set(disposition)


def test_a_nul_byte_in_the_name_never_reaches_the_database_or_the_disk(client, hostile_world):
    files = stored_files()
    response = upload(client, signed_in(client, hostile_world, "compliance"), b"rapport\x00.exe.pdf", MINIMAL_PDF)
    assert response.status_code in (200, 302)
    for document in hostile_world.own_municipality.compliance_items.get().documents.all():
        assert "\x00" not in document.original_name
    assert all("\x00" not in str(p) for p in stored_files() - files)


# --- Key-figure import -------------------------------------------------------------------------------------

HEADER = "kommunkod;år;folkmängd;anmälda brott\n"


def _swedish(msgid: str) -> str:
    with translation.override("sv"):
        return gettext(msgid)


NOT_TEXT = _swedish("The file is not a text file in UTF-8 or Windows-1252; save it from Excel as CSV and try again.")
HOSTILE_CSV = {
    "elf-binary": (ELF, NOT_TEXT),
    "pdf": (MINIMAL_PDF, "Rubrikraden"),
    "utf-16": ((HEADER + "1281;2024;1000;10\n").encode("utf-16"), NOT_TEXT),
    "not-windows-1252": (HEADER.encode() + b"1281;2024;1000;\x81\x8d\n", NOT_TEXT),
    "huge-field": ((HEADER + '1281;2024;"' + "9" * 200_000 + "\n").encode(), _swedish(UNREADABLE_ROW)),
    "formulas": (
        (HEADER + '=HYPERLINK("http://evil","x");2024;1000;10\n+cmd;@SUM(1);-1+1;\t=1\n').encode(),
        "kommunkoden måste ha fyra siffror",
    ),
    "markup": ((HEADER + "<script>alert(1)</script>;2024;1000;10\n").encode(), "<script>alert(1)</script>"),
    "superscript-digits": ((HEADER + "1281;2024;1²;10\n").encode(), "folkmängden måste vara ett heltal"),
    "good-rows-then-a-bad-one": ((HEADER + "1281;2024;1000;10\n1281;2023;x;10\n").encode(), "Rad 3"),
}


def import_csv(client, world, filename: bytes, content: bytes):
    client.force_login(world.user("municipal_officer"))
    url = reverse("municipalities:key_figures_import")
    body, content_type = multipart({}, "file", filename, content)
    return client.post(url, body, content_type=content_type)


@pytest.mark.parametrize("case", sorted(HOSTILE_CSV))
def test_a_hostile_csv_is_explained_and_nothing_is_imported(client, hostile_world, case):
    content, message = HOSTILE_CSV[case]
    response = import_csv(client, hostile_world, b"nyckeltal.csv", content)
    assert response.status_code == 200
    injected, text = read_page(response.content.decode())
    assert injected == []
    assert message.lower() in text.lower()
    assert "Inget importerades" in text
    assert KeyFigure.objects.count() == 0


def test_a_csv_above_the_limit_is_refused_before_it_is_read(client, hostile_world):
    content = (HEADER + "1281;2024;1000;10\n" * (MAX_IMPORT_BYTES // 18 + 1)).encode()
    assert len(content) > MAX_IMPORT_BYTES
    response = import_csv(client, hostile_world, b"nyckeltal.csv", content)
    marked_text = response.content.decode()
    assert "Filen är 5,1 MB; gränsen är 5 MB." in read_page(marked_text)[1]
    assert KeyFigure.objects.count() == 0


def test_a_path_in_the_csv_name_is_harmless(client, hostile_world):
    content = (HEADER + f"{hostile_world.own_municipality.code};2024;1000;10\n").encode()
    response = import_csv(client, hostile_world, b"../../../../tmp/nyckeltal.csv", content)
    assert response.status_code == 302
    assert KeyFigure.objects.get(kind__code="population").value == 1000
