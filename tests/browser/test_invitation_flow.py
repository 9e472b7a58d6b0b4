"""A coordinator invites a municipal officer; the e-mail arrives over SMTP (sent by a real worker
process); the officer follows its link, chooses a password and lands on their start page. Every page
is checked with axe-core; the people page and the invitation page are photographed at 1366 and 375 px
(into ``PEOPLE_SCREENSHOTS`` when it names a folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.roles import Role
from portal.models import Invitation, User
from tests.factories import PASSWORD
from tests.helpers import labelled, screenshots, sign_in
from tests.worker import task_results

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_invited_officer_sets_a_password_and_lands_on_the_start_page(
    page, a11y, world, smtp_server, live_server, live_worker, tmp_path
):
    folder = Path(os.environ.get("PEOPLE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    # --- The coordinator invites Eva Ek, officer of Lund and Hässleholm ---------------------------
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.get_by_role("link", name="Personer").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personer: Skåne län")
    a11y.check(page)
    page.get_by_role("link", name="Bjud in en person").click()
    a11y.check(page)
    labelled(page, "Förnamn").fill("Eva")
    labelled(page, "Efternamn").fill("Ek")
    labelled(page, "E-post").fill("eva.ek@lund.se")
    page.get_by_label("Kommunal samordnare").check()
    page.get_by_label("Lund").check()
    page.get_by_label("Hässleholm").check()
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("eva.ek@lund.se")
    invitations = page.get_by_role("table", name="Inbjudningar som väntar på svar")
    expect(invitations).to_contain_text("Eva Ek")
    a11y.check(page)
    screenshots(page, "people", folder)

    # --- The e-mail arrives over SMTP, with the link -----------------------------------------------
    (mail,) = smtp_server.wait_for(1, timeout=30)
    assert list(mail.rcpt_tos) == ["eva.ek@lund.se"]
    assert mail.subject == "Du är inbjuden till Trygghetsportalen, Skåne län"
    assert mail.html_lang == "sv"
    (link,) = [url for url in mail.text_links if "/inbjudan/" in url]
    assert link.startswith(live_server.url)
    assert link in mail.html_links
    assert "kommunal samordnare för Hässleholm, Lund" in mail.text_part.get_content()

    # --- Eva follows it in her own browser, chooses a password and lands on her start page --------
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen till Trygghetsportalen")
    a11y.check(page)
    screenshots(page, "invitation", folder)
    labelled(page, "Välj ett lösenord").fill("kort")
    labelled(page, "Lösenordet en gång till").fill("kort")
    page.get_by_role("button", name="Skapa mitt konto").click()
    expect(page.get_by_role("main").locator(".invalid-feedback").first).to_be_visible()
    a11y.check(page)
    assert not User.objects.filter(email="eva.ek@lund.se").exists()
    labelled(page, "Välj ett lösenord").fill("Trygghet-i-Lund-2026")
    labelled(page, "Lösenordet en gång till").fill("Trygghet-i-Lund-2026")
    page.get_by_role("button", name="Skapa mitt konto").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("Välkommen")
    a11y.check(page)
    eva = User.objects.get(email="eva.ek@lund.se")
    assert sorted(eva.grants.values_list("municipality__name", flat=True)) == ["Hässleholm", "Lund"]
    assert eva.grants.filter(role=Role.MUNICIPAL_OFFICER).count() == 2

    # The link is used up (a second visit is answered 410 Gone: tests/portal/test_people.py).
    assert Invitation.objects.get().accepted_by == eva
    task_results(live_worker)  # fails the test if a task raised in the worker


def test_the_people_pages_pass_the_accessibility_checks(page, a11y, world, live_server):
    """The pages a coordinator manages people with: the list checked, a person, a role taken away,
    an account deactivated, an invitation revoked, each confirmed first."""
    officer = world.user(Role.MUNICIPAL_OFFICER)
    grant = officer.grants.get()
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)

    page.goto("/lan/12/personer/bjud-in-flera/")
    a11y.check(page)
    labelled(page, "Personer att bjuda in, en per rad").fill(
        "Eva Ek; eva.ek@lund.se; kommunal samordnare; Lund\nFel Rad; inte-en-adress; styrgrupp\n"
    )
    page.get_by_role("button", name="Kontrollera raderna").click()
    checked = page.get_by_role("table", name="1 rad kan skickas; 1 rad har fel och skickas inte")
    expect(checked).to_contain_text("inte en e-postadress")
    a11y.check(page)
    page.get_by_role("button", name="Skicka 1 inbjudan").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("1 inbjudan är på väg")
    a11y.check(page)

    page.get_by_role("link", name="Återkalla eva.ek@lund.se").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Återkalla inbjudan?")
    a11y.check(page)
    page.get_by_role("button", name="Återkalla inbjudan").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("återkallad")
    a11y.check(page)

    page.get_by_role("link", name=str(officer)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(officer))
    a11y.check(page)
    page.get_by_label("Styrgruppsledamot").check()
    page.get_by_role("button", name="Ge rollen").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("Rollen är tillagd")
    a11y.check(page)

    page.goto(f"/lan/12/roller/{grant.pk}/ta-bort/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta bort rollen?")
    a11y.check(page)
    page.get_by_role("button", name="Ta bort rollen").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("Rollen är borttagen")
    a11y.check(page)

    page.goto(f"/lan/12/personer/{officer.pk}/inaktivera/")
    a11y.check(page)
    page.get_by_role("button", name="Inaktivera kontot").click()
    expect(page.get_by_role("main").locator(".alert-success")).to_contain_text("är inaktiverat")
    a11y.check(page)
    officer.refresh_from_db()
    assert not officer.is_active
