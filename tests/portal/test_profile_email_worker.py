"""Changing one's e-mail address end to end: the page starts the job, a real Celery worker sends the
link to the new address and the notice to the old one over SMTP, and the link makes the change once."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from core.roles import Role
from portal.profile.models import EmailChange
from tests import parsed
from tests.worker import start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def heading(response) -> str:
    return parsed.text(parsed.elements(parsed.page(response), "h1")[0])


def test_the_link_the_worker_mails_to_the_new_address_changes_it_once(
    smtp_server, world, client, private_queue, tmp_path
):
    if not settings.REDIS_URL:
        pytest.fail("The worker tests need REDIS_URL: run them with `make test`.")
    officer = world.user(Role.MUNICIPAL_OFFICER)
    client.force_login(officer)
    worker = start_worker(
        {}, tmp_path / "unused-mail", tmp_path / "worker.log", name="-profile", smtp=smtp_server.address
    )
    try:
        response = client.post(reverse("portal:profile_email"), {"new_email": "Annica.Ny@lund.example.se"})
        assert response.status_code == 302
        smtp_server.wait_for(2, timeout=60)
    finally:
        stop_worker(worker)

    (to_new,) = smtp_server.to("Annica.Ny@lund.example.se")
    (to_old,) = smtp_server.to("kommun@example.se")
    assert to_new.subject == "Bekräfta din nya e-postadress i Trygghetsportalen"
    assert to_old.subject == "Någon har begärt att din e-postadress i Trygghetsportalen ska bytas"
    assert to_new.html_lang == "sv"
    (link,) = [url for url in to_new.text_links if "/bekrafta/" in url]
    assert link in to_new.html_links
    assert not [url for url in to_old.text_links + to_old.html_links if "/bekrafta/" in url]
    assert "Annica.Ny@lund.example.se" in to_old.text

    path = urlsplit(link).path
    confirm = client.get(path)
    assert (confirm.status_code, heading(confirm)) == (200, "Bekräfta din nya e-postadress")
    assert client.post(path).status_code == 302
    officer.refresh_from_db()
    assert officer.email == "Annica.Ny@lund.example.se"
    change = EmailChange.objects.get(user=officer)
    assert [h.history_type for h in change.history.order_by("history_date")] == ["+", "~"]

    again = client.post(path)
    assert (again.status_code, heading(again)) == (200, "Länken kan inte användas")
