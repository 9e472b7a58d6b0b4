"""The dashboard after signing in: a county coordinator and an actor contact each land on theirs,
follow a number to the list behind it, and every page passes the accessibility check."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from agreements.models import Deliverable
from tests.factories import (
    PASSWORD,
    ActionPlanFactory,
    AgreementFactory,
    ComplianceItemFactory,
    MeasureActorFactory,
    MeasureFactory,
    PledgeFactory,
    national_statuses,
    progress_update,
)
from tests.helpers import sign_in
from tests.worlds import PlanWorld, grown

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date.today()  # noqa: DTZ011 - test data relative to the server's day
DAY = datetime.timedelta(days=1)


@pytest.fixture
def scenario(world):
    national_statuses()
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    late = MeasureFactory(plan=plan, number=1, title="Utvecklad avhopparverksamhet", target_date=TODAY - 10 * DAY)
    MeasureActorFactory(measure=late, actor=world.police, role="lead")
    stale = MeasureFactory(plan=plan, number=2, title="Trygghetsvandringar i centrum")
    MeasureActorFactory(measure=stale, actor=world.police, role="participant")
    progress_update(stale, status_code="at_risk", percent=30, date=TODAY - 150 * DAY)
    fresh = MeasureFactory(plan=plan, number=3, title="Sommarjobb för unga")
    MeasureActorFactory(measure=fresh, actor=world.police, role="participant")
    progress_update(fresh, status_code="on_track", percent=70, date=TODAY - 3 * DAY)
    agreement = AgreementFactory(municipality=world.own_municipality, title="Överenskommelse Lund")
    Deliverable.objects.create(agreement=agreement, title="Lägesbild till kommunstyrelsen", due_date=TODAY + 7 * DAY)
    PledgeFactory(
        municipality=world.own_municipality,
        agreement=agreement,
        title="Medborgarlöfte Lund",
        period_start=TODAY - 300 * DAY,
        period_end=TODAY - 5 * DAY,
    )
    ComplianceItemFactory(municipality=world.own_municipality, obligation="situation_analysis", date=TODAY)
    foreign_plan = ActionPlanFactory(county=world.foreign_county, title="Stockholm tillsammans")
    foreign = MeasureFactory(plan=foreign_plan, number=1, title="Insats i Stockholm")
    MeasureActorFactory(measure=foreign, actor=world.police, role="lead")
    return grown(PlanWorld, world, plan=plan)


def test_coordinator_lands_on_the_county_dashboard_and_follows_a_number(page, a11y, scenario):
    sign_in(page, a11y, "samordnare", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Karin")
    section = page.get_by_test_id("dashboard-coordinator-12")
    expect(section.get_by_role("heading", level=2)).to_be_visible()
    expect(section.get_by_test_id("coordinator-12-overdue")).to_contain_text("Utvecklad avhopparverksamhet")
    expect(section.get_by_test_id("coordinator-12-stale")).to_contain_text("Trygghetsvandringar i centrum")
    expect(section.get_by_test_id("coordinator-12-deadlines")).to_contain_text("Lägesbild till kommunstyrelsen")
    expect(section.get_by_test_id("coordinator-12-deadlines")).to_contain_text("Medborgarlöfte Lund")
    expect(section.get_by_test_id("coordinator-12-attention")).to_contain_text("Hässleholm")
    expect(section.locator("svg[role=img]").first).to_be_visible()
    expect(section).not_to_contain_text("Stockholm tillsammans")
    a11y.check(page)

    section.get_by_test_id("coordinator-12-overdue-count").click()
    expect(page).to_have_url(re.compile(rf"/handlingsplaner/{scenario.plan.pk}/\?flag=overdue$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Skåne tillsammans mot brott")
    measures = page.get_by_test_id("measures")
    expect(measures).to_contain_text("Utvecklad avhopparverksamhet")
    expect(measures).not_to_contain_text("Sommarjobb för unga")
    a11y.check(page)


def test_actor_contact_sees_the_measures_waiting_for_an_update_first(page, a11y, scenario):
    sign_in(page, a11y, "polis", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Veronica")
    table = page.get_by_test_id("actor-measures")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Utvecklad avhopparverksamhet")
    expect(rows.nth(1)).to_contain_text("Trygghetsvandringar i centrum")
    expect(rows.nth(2)).to_contain_text("Sommarjobb för unga")
    expect(table).not_to_contain_text("Insats i Stockholm")
    a11y.check(page)

    rows.nth(1).get_by_role("link", name="2. Trygghetsvandringar i centrum").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trygghetsvandringar i centrum")
    a11y.check(page)
