"""A county coordinator builds a plan in the browser; an actor contact posts progress on it."""

import re
import time

import pytest
from playwright.sync_api import expect

from actions.models import ActionPlan, Measure, ProgressUpdate
from tests.factories import PASSWORD, MeasureActorFactory, MeasureFactory, national_statuses
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_builds_a_plan_from_scratch(page, a11y, world):
    national_statuses()
    world.own_county.actors.create(name="Länsstyrelsen Skåne", kind="county_board")
    sign_in(page, a11y, "samordnare", PASSWORD)
    a11y.check(page)
    page.goto("/lan/12/handlingsplaner/")
    expect(page.get_by_text("Länet har ingen handlingsplan i portalen ännu.")).to_be_visible()
    a11y.check(page)

    page.get_by_role("link", name="Ny handlingsplan").click()
    a11y.check(page)
    page.get_by_label("Titel").fill("Skåne tillsammans mot brott")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Antagen").fill("2018-06-14")
    page.get_by_label("Period från").fill("2018-06-14")
    page.get_by_label("Period till").fill("2020-12-31")
    page.get_by_label("Polisen").check()
    page.get_by_label("Region Skåne").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skåne tillsammans mot brott")
    expect(page.get_by_text("Planen har inga insatser ännu.")).to_be_visible()
    a11y.check(page)

    page.get_by_role("link", name="Ny insats").first.click()
    a11y.check(page)
    expect(page.get_by_label("Nummer")).to_have_value("1")
    page.get_by_label("Titel").fill("Utvecklad avhopparverksamhet i Skåne")
    page.get_by_label("Måldatum").fill("2020-12-31")
    page.get_by_label("Lund").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ansvariga aktörer")
    a11y.check(page)

    # One empty row; "Lägg till rad" adds more in the page (no reload), so three actors take one save.
    expect(page.get_by_role("group", name="Ny rad")).to_have_count(1)
    page.locator("#id_participants-0-actor").select_option(label="Polisen")
    page.locator("#id_participants-0-role").select_option("lead")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Lägg till rad").click()
    expect(page.locator("#id_participants-1-actor")).to_be_focused()
    page.locator("#id_participants-1-actor").select_option(label="Region Skåne")
    page.get_by_role("button", name="Lägg till rad").click()
    page.locator("#id_participants-2-actor").select_option(label="Länsstyrelsen Skåne")
    page.locator("#id_participants-2-part").fill("Samordning")
    expect(page.get_by_role("group", name="Ny rad")).to_have_count(3)
    assert page.evaluate("window.notReloaded === true")
    expect(page.locator("#id_participants-0-actor")).to_have_value(str(world.police.pk))
    a11y.check(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1. Utvecklad avhopparverksamhet i Skåne")
    actors = page.get_by_role("region", name="Ansvariga aktörer")
    expect(actors).to_contain_text("Polisen – Huvudaktör")
    expect(actors).to_contain_text("Region Skåne – Deltagare")
    expect(actors).to_contain_text("Länsstyrelsen Skåne – Deltagare: Samordning")
    a11y.check(page)

    page.get_by_role("link", name="Redigera delmålen").click()
    a11y.check(page)
    page.locator("#id_milestones-0-title").fill("Struktur för avhopparstöd beslutad")
    page.locator("#id_milestones-0-due_date").fill("2019-06-30")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("region", name="Aktiviteter och delmål")).to_contain_text("Struktur för avhopparstöd")
    a11y.check(page)

    plan = ActionPlan.objects.get()
    assert plan.measures.get().participants.count() == 3


def test_actor_contact_posts_an_update_quickly(page, a11y, world):
    statuses = national_statuses()
    measure = MeasureFactory(
        plan=world.own_county.action_plans.create(
            title="Skåne tillsammans mot brott", period_start="2025-01-01", period_end="2027-12-31", status="active"
        ),
        number=1,
        title="Utvecklad avhopparverksamhet i Skåne",
    )
    MeasureActorFactory(measure=measure, actor=world.police, role="lead")
    assert statuses

    started = time.monotonic()
    sign_in(page, a11y, "polis", PASSWORD)
    a11y.check(page)
    page.goto(f"/insatser/{measure.pk}/")
    a11y.check(page)
    page.get_by_role("link", name="Lämna en lägesrapport").click()
    a11y.check(page)
    page.get_by_label("Status").select_option(label="Enligt plan")
    page.get_by_label("Framsteg (procent)").fill("35")
    page.get_by_label("Vad som gjorts").fill("Arbetsgruppen har kartlagt stödet till avhoppare i länet.")
    page.get_by_role("button", name="Publicera lägesrapporten").click()
    expect(page).to_have_url(re.compile(rf"/insatser/{measure.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Din lägesrapport är publicerad")
    expect(page.get_by_role("region", name="Lägesrapporter")).to_contain_text("Arbetsgruppen har kartlagt")
    a11y.check(page)
    elapsed = time.monotonic() - started
    print(f"\nActor contact: sign-in to posted update in {elapsed:.1f} s of browser time")  # noqa: T201

    update = ProgressUpdate.objects.get()
    assert (update.percent, update.status.code) == (35, "on_track")
    assert Measure.objects.get(pk=measure.pk).latest_update == update
