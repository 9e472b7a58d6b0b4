"""A municipal follow-up round in the browser: the coordinator opens it, Lund's officer answers, the
coordinator returns it with a comment, the officer resubmits, the coordinator approves and closes the
round; axe and the HTML checker read every page on the way."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from agreements import round_notices
from agreements.models import FollowUp, MunicipalRequest, MunicipalRound
from tests.agreements.round_world import make_current
from tests.factories import PASSWORD
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.context.clear_cookies()


def test_a_municipal_round_from_opening_to_closing(page, a11y, world, settings, live_server, private_queue):
    """The test sends the round's e-mails itself: its jobs go to a queue no worker takes."""
    make_current(world)
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.goto("/lan/12/overenskommelser/")
    a11y.check(page)
    page.get_by_role("link", name="Öppna en uppföljningsomgång för kommunerna").click()
    a11y.check(page)
    page.get_by_label("Titel").fill("Uppföljning hösten")
    page.get_by_label("Period från").fill("2026-09-01")
    page.get_by_label("Period till").fill("2026-11-30")
    page.locator("#id_deadline").fill("2026-08-01")
    page.get_by_role("button", name="Öppna omgången och skicka inbjudningarna").click()
    # A deadline before the period: said at the field, nothing opened.
    expect(page.get_by_text("Sista dagen kan inte ligga före periodens början.")).to_be_visible()
    a11y.check(page)
    assert not MunicipalRound.objects.exists()
    page.locator("#id_deadline").fill("2099-01-31")
    page.get_by_role("button", name="Öppna omgången och skicka inbjudningarna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning hösten")
    a11y.check(page)

    round_ = MunicipalRound.objects.get()
    assert round_notices.send_round_notices(round_.pk) == 2
    invitation = next(m for m in mail.outbox if "Löfte Lund" in m.subject)
    link = next(line for line in invitation.body.split() if "/kommunforfragningar/" in line)
    sign_out(page)

    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto(link)
    a11y.check(page)
    page.get_by_label("Sammanfattning").fill("Två trygghetsvandringar hölls.")
    page.get_by_role("button", name="Lämna in för granskning").click()
    expect(page.locator("div.messages")).to_contain_text("Din uppföljning är inlämnad.")
    a11y.check(page)
    sign_out(page)

    request = MunicipalRequest.objects.get(round=round_, pledge=world.own_pledge)
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.goto(request.get_absolute_url())
    a11y.check(page)
    page.get_by_role("link", name="Granska uppföljningen").click()
    a11y.check(page)
    page.get_by_label("Återsänd den för komplettering").check()
    page.get_by_label("Kommentar").fill("Hur många deltog?")
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.locator("div.messages")).to_contain_text("Uppföljningen är återsänd")
    a11y.check(page)
    sign_out(page)

    sign_in(page, a11y, "kommun", PASSWORD)
    a11y.check(page)
    page.goto(link)
    expect(page.get_by_test_id("review-comment")).to_contain_text("Hur många deltog?")
    a11y.check(page)
    page.get_by_label("Sammanfattning").fill("Två trygghetsvandringar med 35 deltagare.")
    page.get_by_role("button", name="Lämna in för granskning").click()
    expect(page.locator("div.messages")).to_contain_text("Din uppföljning är inlämnad.")
    a11y.check(page)
    sign_out(page)

    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    follow_up = FollowUp.objects.get(pledge=world.own_pledge, state="submitted")
    page.goto(f"/uppfoljningar/{follow_up.pk}/granska/")
    a11y.check(page)
    page.get_by_label("Godkänn uppföljningen").check()
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.locator("div.messages")).to_contain_text("Uppföljningen är godkänd")
    a11y.check(page)
    page.goto(round_.get_absolute_url())
    a11y.check(page)
    page.get_by_role("link", name="Stäng omgången").click()
    a11y.check(page)
    page.get_by_role("button", name="Stäng omgången").click()
    expect(page.locator("div.messages")).to_contain_text("Omgången är stängd")
    a11y.check(page)
    assert FollowUp.objects.get(pk=follow_up.pk).state == "approved"
    assert not MunicipalRound.objects.get(pk=round_.pk).is_open
