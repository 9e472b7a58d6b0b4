"""A person's PDF export, produced by the real Celery worker through the broker."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.roles import Role
from portal.models import ReportStatus
from portal.privacy.models import PersonExport
from tests.factories import UserFactory
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_produces_the_export(client, world, worker_media):
    person = UserFactory(username="cecilia", first_name="Cecilia", last_name="Ceder", email="cecilia@lund.se")
    client.force_login(world.user(Role.NATIONAL_ADMIN))
    response = client.post(reverse("privacy:person_pdf", kwargs={"pk": person.pk}))
    assert response.status_code == 302
    export = PersonExport.objects.get()

    def done():
        export.refresh_from_db()
        return export.status == ReportStatus.DONE

    wait_for(done, seconds=60)
    download = client.get(reverse("privacy:export_file", kwargs={"key": export.key}))
    printed = " ".join(
        (p.extract_text() or "") for p in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    )
    assert "cecilia@lund.se" in printed
