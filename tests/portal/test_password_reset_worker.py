"""Password reset by e-mail, sent by the real Celery worker through the Redis broker."""

import email
import email.policy
import re

import pytest
from django.urls import reverse

from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_reset_link_arrives_by_email_and_sets_a_new_password(client, celery_worker, municipal_officer):
    municipal_officer.email = "annica@hassleholm.example.se"
    municipal_officer.save()

    before = set(celery_worker.iterdir())
    # An unknown address gets the same answer (nothing to learn about accounts) and no mail.
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.se"})
    assert unknown["Location"] == reverse("password_reset_done")
    response = client.post(reverse("password_reset"), {"email": "annica@hassleholm.example.se"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")

    def delivered():
        return [p.read_text() for p in celery_worker.iterdir() if "annica@hassleholm" in p.read_text()]

    mail = email.message_from_string(wait_for(delivered)[0], policy=email.policy.default)
    # The solo worker runs tasks in order: by now the unknown address's request is done too.
    # Count messages, not files: the file backend appends messages sent in the same second to one file.
    separator = "-" * 79
    assert sum(p.read_text().count(separator) for p in set(celery_worker.iterdir()) - before) == 1
    assert mail["Subject"].strip() == "Välj ett nytt lösenord för Trygghetsportalen"
    body = mail.get_content()
    assert body.startswith("Hej Annica")
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Ny-säker-fras-2026", "new_password2": "Ny-säker-fras-2026"})
    assert done.status_code == 302

    municipal_officer.refresh_from_db()
    assert municipal_officer.check_password("Ny-säker-fras-2026")
