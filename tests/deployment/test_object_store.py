"""Files in an S3-compatible object store: written whole or not at all, read only through the portal's checks.

The store is a real S3 server on loopback (``tests/deployment/objectstore.py``); the portal reaches it
through django-storages and boto3 as it reaches a cloud's store (``OBJECT_STORE_*``,
``core.files.storage.AtomicObjectStorage``). The tests that stop the store use one of their own.
"""

import hashlib
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from core.files.storage import AtomicObjectStorage, StoreUnavailableError
from municipalities.models import ComplianceDocument, ComplianceItem
from portal.models import Report, ReportKind, ReportStatus
from portal.reports import services
from tests.deployment.objectstore import use_bucket
from tests.factories import MINIMAL_PDF
from tests.parsed import by_id, description, main, page, text

pytestmark = pytest.mark.django_db

COMPLIANCE_URL = "/kommuner/1281/efterlevnad/situation_analysis/"
NOT_STORED = "The document could not be stored: the file store did not answer. Nothing was saved; try again later."
REPORT_NOT_SAVED = "the report could not be saved: the file store did not answer. Try again later."


def swedish(msgid: str) -> str:
    with translation.override("sv"):
        return gettext(msgid)


def upload(client, name: str):
    data = {
        "status": "in_place",
        "date": "2025-08-30",
        "covers_mapping": "on",
        "document": SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf"),
    }
    return client.post(COMPLIANCE_URL, data)


def downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_an_uploaded_document_is_stored_in_the_bucket_under_a_generated_name_and_served_only_after_the_check(
    client_as, object_store, bucket, settings
):
    officer = client_as("municipal_officer")
    response = upload(officer, "Lägesbild 2025.pdf")
    assert response.status_code == 302
    document = ComplianceDocument.objects.get(original_name="Lägesbild 2025.pdf")

    assert isinstance(default_storage._wrapped, AtomicObjectStorage)
    assert re.fullmatch(r"documents/municipalities/[0-9a-f]{32}\.pdf", document.file.name)
    assert object_store.checksums(bucket) == {document.file.name: sha256(MINIMAL_PDF)}
    assert not (settings.MEDIA_ROOT / "documents").exists()  # nothing on this host's disk

    served = officer.get(document.get_absolute_url())
    assert served["Content-Disposition"].startswith("attachment;")
    assert downloaded(served) == MINIMAL_PDF
    # The document is the municipality's: the rest of the county gets a 404, the signed-out the sign-in page.
    assert client_as("actor_contact").get(document.get_absolute_url()).status_code == 404
    officer.logout()
    assert officer.get(document.get_absolute_url()).status_code == 302


def test_a_signed_url_if_one_is_asked_for_is_short_lived(bucket):
    url = default_storage.url("documents/municipalities/x.pdf")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url


def test_an_upload_while_the_store_is_down_says_so_on_the_form_and_saves_nothing(client_as, own_object_store, settings):
    bucket = use_bucket(settings, own_object_store)
    officer = client_as("municipal_officer")
    own_object_store.stop()

    response = upload(officer, "Lägesbild.pdf")
    assert response.status_code == 200
    root = page(response)
    assert swedish(NOT_STORED) in description(root, by_id(main(root), "id_document"))
    assert not ComplianceItem.objects.filter(municipality__code="1281", obligation="situation_analysis").exists()
    assert not ComplianceDocument.objects.exists()

    own_object_store.start()  # a store that lost everything: its bucket is made again, empty
    own_object_store.create_bucket(bucket)
    assert own_object_store.checksums(bucket) == {}
    assert upload(officer, "Lägesbild.pdf").status_code == 302
    document = ComplianceDocument.objects.get()
    assert own_object_store.checksums(bucket) == {document.file.name: sha256(MINIMAL_PDF)}


def test_a_report_written_while_the_store_is_down_fails_with_the_reason_and_is_built_on_retry(
    world, client_as, own_object_store, settings
):
    bucket = use_bucket(settings, own_object_store)
    coordinator = client_as("county_coordinator")
    report = Report.objects.create(
        kind=ReportKind.COUNTY,
        county=world.own_county,
        period_start="2025-01-01",
        period_end="2025-12-31",
        requested_by=world.user("county_coordinator"),
    )
    own_object_store.stop()
    with pytest.raises(StoreUnavailableError):
        default_storage.exists("reports/any.pdf")

    services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.file.name == ""
    shown = main(page(coordinator.get(report.get_absolute_url())))
    reason = swedish("The report could not be produced: %(reason)s") % {"reason": swedish(REPORT_NOT_SAVED)}
    assert reason in text(shown)
    assert "Försök igen" in [text(button) for button in shown.iter("{http://www.w3.org/1999/xhtml}button")]

    own_object_store.start()
    own_object_store.create_bucket(bucket)
    assert coordinator.post(f"/rapporter/{report.pk}/forsok-igen/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    pdf = downloaded(coordinator.get(f"/rapporter/{report.pk}/fil/"))
    assert pdf.startswith(b"%PDF-")
    assert own_object_store.checksums(bucket) == {report.file.name: sha256(pdf)}
