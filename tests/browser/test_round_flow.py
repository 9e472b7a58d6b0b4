"""A whole follow-up round in the browser, with a real SMTP server and a real worker process.

The coordinator opens a round; the worker sends the invitations over SMTP; the Police contact follows
the link in the e-mail, attaches a PDF and submits; the coordinator returns the update with a comment;
the contact follows the link in that e-mail, revises and submits again; the coordinator approves,
closes the round and asks for its report, which the worker builds: the PDF lists the approved update
and the measures whose update is missing. Every page is checked with axe-core (the ``page`` fixture
fails a page left unchecked), and the round page, the request form and the review page are
photographed at 1366 px and 375 px (into ``ROUND_SCREENSHOTS`` when it names a folder).
"""

from __future__ import annotations

import datetime
import io
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from actions.models import FollowUpRound, RoundRequest
from core.roles import Role
from portal.models import Report, ReportStatus
from tests.factories import (
    MINIMAL_PDF,
    PASSWORD,
    ActionPlanFactory,
    GrantFactory,
    MeasureActorFactory,
    MeasureFactory,
    UserFactory,
    national_statuses,
)
from tests.helpers import labelled, screenshots, sign_in
from tests.worker import task_results, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ANSWERED = "Avhopparverksamheten i Skåne"
MISSING = ("Trygghetsvandringar i Malmö", "Föräldrastöd i Lund")


@pytest.fixture
def round_world(world):
    """A plan of three measures: the Police lead the first two (two contacts in Skåne, Veronica and Olle),
    Region Skåne the third (one contact)."""
    national_statuses()  # the statuses an update chooses from (a transactional test before this one empties them)
    plan = ActionPlanFactory(county=world.own_county, title="Tryggare Skåne 2025–2027")
    for number, (title, actor) in enumerate(
        [(ANSWERED, world.police), (MISSING[0], world.police), (MISSING[1], world.own_actor)], start=1
    ):
        MeasureActorFactory(measure=MeasureFactory(plan=plan, number=number, title=title), actor=actor, role="lead")
    GrantFactory(
        user=UserFactory(username="polis2", first_name="Olle"),
        role=Role.ACTOR_CONTACT,
        actor=world.police,
        county=world.own_county,
    )
    GrantFactory(
        user=UserFactory(username="region", first_name="Lena"),
        role=Role.ACTOR_CONTACT,
        actor=world.own_actor,
        county=world.own_county,
    )
    return plan


def sign_in_as(page, a11y, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, a11y, username, PASSWORD)
    a11y.check(page)


def follow(page, a11y, link: str) -> None:
    page.goto(link)
    a11y.check(page)


def mails_to(smtp_server, address: str, subject: str) -> list:
    return [mail for mail in smtp_server.to(address) if mail.subject == subject]


def test_a_whole_round_from_invitation_to_report(
    page, a11y, world, round_world, smtp_server, live_server, live_worker, tmp_path
):
    plan = round_world
    folder = Path(os.environ.get("ROUND_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=14)  # past the reminder days: only the invitations go out now

    # --- The coordinator opens the round ---------------------------------------------------------
    sign_in_as(page, a11y, "samordnare")
    follow(page, a11y, plan.get_absolute_url())
    page.get_by_role("link", name="Öppna en uppföljningsomgång").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Öppna en uppföljningsomgång")
    a11y.check(page)
    labelled(page, "Titel").fill("Uppföljning hösten 2026")
    labelled(page, "Period från").fill((today - datetime.timedelta(days=60)).isoformat())
    labelled(page, "Period till").fill(today.isoformat())
    labelled(page, "Sista dag").fill(deadline.isoformat())
    for title in (ANSWERED, *MISSING):
        expect(page.get_by_label(title)).to_be_checked()  # every measure not done is in the round
    page.get_by_role("button", name="Öppna omgången och skicka inbjudningarna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning hösten 2026")
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("5 personer")
    a11y.check(page)
    round_ = FollowUpRound.objects.get()
    screenshots(page, "round-page", folder)

    # --- The invitations arrive over SMTP: one per person and measure, with the link to the form ---
    invitations = smtp_server.wait_for(5, timeout=30)
    requests = {r.measure.title: r for r in RoundRequest.objects.filter(round=round_).select_related("measure")}
    expected = sorted(
        [
            ("polis@example.se", ANSWERED),
            ("polis2@example.se", ANSWERED),
            ("polis@example.se", MISSING[0]),
            ("polis2@example.se", MISSING[0]),
            ("region@example.se", MISSING[1]),
        ]
    )
    received = []
    for mail in invitations:
        (address,) = mail.rcpt_tos
        (title,) = [t for t in requests if mail.subject == f"Lägesrapport efterfrågas: {t}"]
        received.append((address, title))
        link = live_server.url + requests[title].get_absolute_url()
        assert mail.text_links[0] == link
        assert link in mail.html_links
        assert mail.html_lang == "sv"
    assert sorted(received) == expected
    (invitation,) = [
        mail for mail in invitations if mail.rcpt_tos == ("polis@example.se",) and mail.subject.endswith(ANSWERED)
    ]

    # --- The Police contact follows the link, attaches a PDF and submits --------------------------
    sign_in_as(page, a11y, "polis")
    follow(page, a11y, invitation.text_links[0])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lägesrapport: 1. {ANSWERED}")
    # The form to hand the request to a colleague, looked at and left. Olle was asked too; Per, who joined
    # the Police's contacts after the round opened, was not.
    GrantFactory(
        user=UserFactory(username="polis3", first_name="Per"),
        role=Role.ACTOR_CONTACT,
        actor=world.police,
        county=world.own_county,
    )
    page.get_by_role("link", name="Lämna över till en kollega").click()
    a11y.check(page)
    expect(labelled(page, "Kollega")).to_contain_text("Per")
    expect(labelled(page, "Kollega")).not_to_contain_text("Olle")
    page.go_back()
    a11y.check(page)
    labelled(page, "Status").select_option(label="Enligt plan")
    labelled(page, "Framsteg (procent)").fill("40")
    labelled(page, "Vad som gjorts").fill("Tio personer fick stöd att lämna kriminella nätverk.")
    labelled(page, "Bifoga en fil").set_input_files(
        files=[{"name": "Minnesanteckningar.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
    )
    screenshots(page, "request-form", folder)
    page.get_by_role("button", name="Lämna in för granskning").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_have_text(
        "Din lägesrapport är inlämnad. Länssamordnaren granskar den."
    )
    expect(page.get_by_role("link", name="Minnesanteckningar.pdf")).to_be_visible()
    a11y.check(page)

    # --- The coordinator returns it with a comment -----------------------------------------------
    sign_in_as(page, a11y, "samordnare")
    follow(page, a11y, round_.get_absolute_url())
    page.get_by_role("link", name=ANSWERED).click()
    a11y.check(page)
    page.get_by_role("link", name="Granska lägesrapporten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Granska lägesrapporten: 1. {ANSWERED}")
    expect(page.get_by_role("link", name="Minnesanteckningar.pdf")).to_be_visible()
    a11y.check(page)
    screenshots(page, "review-page", folder)
    page.get_by_label("Återsänd den för komplettering").check()
    labelled(page, "Kommentar").fill("Ange hur många av de tio som fortfarande får stöd.")
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("återsänd")
    a11y.check(page)

    # --- The contact gets the e-mail, revises and submits again ------------------------------------
    returned_subject = f"Återsänd för komplettering: {ANSWERED}"
    (returned,) = wait_for(lambda: mails_to(smtp_server, "polis@example.se", returned_subject))
    assert "Ange hur många av de tio som fortfarande får stöd." in returned.text
    sign_in_as(page, a11y, "polis")
    follow(page, a11y, returned.text_links[0])
    expect(page.get_by_role("main").locator(".alert-warning")).to_contain_text(
        "Ange hur många av de tio som fortfarande får stöd."
    )
    labelled(page, "Vad som gjorts").fill(
        "Tio personer fick stöd att lämna kriminella nätverk; sju får det fortfarande."
    )
    page.get_by_role("button", name="Lämna in för granskning").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_have_text(
        "Din lägesrapport är inlämnad. Länssamordnaren granskar den."
    )
    a11y.check(page)

    # --- The coordinator approves, closes the round and asks for its report -----------------------
    sign_in_as(page, a11y, "samordnare")
    follow(page, a11y, round_.get_absolute_url())
    page.get_by_role("link", name=ANSWERED).click()
    a11y.check(page)
    page.get_by_role("link", name="Granska lägesrapporten").click()
    expect(
        page.get_by_text("Tio personer fick stöd att lämna kriminella nätverk; sju får det fortfarande.")
    ).to_be_visible()
    a11y.check(page)
    page.get_by_label("Godkänn lägesrapporten").check()
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.get_by_role("main").get_by_text("Lägesrapporten är godkänd")).to_be_visible()
    a11y.check(page)
    approved_subject = f"Lägesrapport godkänd: {ANSWERED}"
    wait_for(lambda: mails_to(smtp_server, "polis@example.se", approved_subject))

    follow(page, a11y, round_.get_absolute_url())
    page.get_by_role("link", name="Stäng omgången").click()
    a11y.check(page)
    page.get_by_role("button", name="Stäng omgången").click()
    expect(page.get_by_role("main").locator(".alert-info")).to_contain_text("Omgången är stängd")
    a11y.check(page)
    page.get_by_role("button", name="Ta fram omgångens rapport").click()
    expect(page.get_by_role("main")).to_contain_text("Rapporten från uppföljningsomgången Uppföljning hösten 2026")
    a11y.check(page)
    download_link = page.get_by_role("link", name="Ladda ner rapporten (PDF)")
    expect(download_link).to_be_visible(timeout=60_000)
    a11y.check(page)
    report = Report.objects.get(round=round_)
    assert report.status == ReportStatus.DONE
    with page.expect_download() as download:
        download_link.click()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages)
    flat = re.sub(r"\s+", " ", text)

    # The report: the approved update (as revised), the two measures nobody answered, nothing waiting.
    approved_part = flat.split("Godkända lägesrapporter", 1)[1].split("Lägesrapporter som saknas", 1)[0]
    assert ANSWERED in approved_part
    assert "sju får det fortfarande" in approved_part
    missing_part = flat.split("Lägesrapporter som saknas", 1)[1].split("Lägesrapporter som inte är godkända ännu", 1)[0]
    assert all(title in missing_part for title in MISSING), missing_part
    assert ANSWERED not in missing_part
    waiting_part = flat.split("Lägesrapporter som inte är godkända ännu", 1)[1].split(
        "Förändring sedan föregående omgång", 1
    )[0]
    assert not any(title in waiting_part for title in (ANSWERED, *MISSING)), waiting_part

    # --- Each e-mail arrived once --------------------------------------------------------------------
    assert len(mails_to(smtp_server, "polis@example.se", returned_subject)) == 1
    assert len(mails_to(smtp_server, "polis@example.se", approved_subject)) == 1
    invited = [m for m in smtp_server.messages if m.subject.startswith("Lägesrapport efterfrågas: ")]
    assert len(invited) == len(expected)
    task_results(live_worker)  # fails the test if a task raised in the worker
