"""Plan progress, measure flags and progress updates: the rules and their edge cases."""

import datetime
import re
from decimal import Decimal

import pytest

from actions import queries
from actions.models import Measure, ProgressUpdate
from tests.factories import (
    ActionPlanFactory,
    MeasureFactory,
    MilestoneFactory,
    national_statuses,
    progress_update,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def measures_of(plan):
    return queries.plan_measures(plan)


def test_a_plan_with_no_measures_has_no_progress(db):
    assert queries.plan_progress(measures_of(ActionPlanFactory())) is None


def test_measures_without_updates_count_as_zero(db):
    national_statuses()
    plan = ActionPlanFactory()
    MeasureFactory(plan=plan)
    progress_update(MeasureFactory(plan=plan), percent=60)
    assert queries.plan_progress(measures_of(plan)) == Decimal("30.0")


def test_progress_is_the_weighted_mean_and_weights_need_not_sum_to_one(db):
    plan = ActionPlanFactory()
    progress_update(MeasureFactory(plan=plan, weight=Decimal(3)), percent=100, status_code="on_track")
    progress_update(MeasureFactory(plan=plan, weight=Decimal(1)), percent=20)
    # (3·100 + 1·20) / 4 = 80
    assert queries.plan_progress(measures_of(plan)) == Decimal("80.0")


def test_a_done_measure_counts_as_100_and_a_cancelled_one_not_at_all(db):
    plan = ActionPlanFactory()
    progress_update(MeasureFactory(plan=plan), percent=70, status_code="done")
    progress_update(MeasureFactory(plan=plan, weight=Decimal(5)), percent=10, status_code="cancelled")
    progress_update(MeasureFactory(plan=plan), percent=40)
    assert queries.plan_progress(measures_of(plan)) == Decimal("70.0")


def test_a_plan_of_only_cancelled_measures_has_no_progress(db):
    plan = ActionPlanFactory()
    progress_update(MeasureFactory(plan=plan), status_code="cancelled")
    assert queries.plan_progress(measures_of(plan)) is None


def test_the_latest_update_sets_the_state_even_when_posted_out_of_order(db):
    measure = MeasureFactory()
    progress_update(measure, percent=60, status_code="on_track", date=datetime.date(2026, 5, 1))
    progress_update(measure, percent=20, status_code="delayed", date=datetime.date(2026, 1, 1))
    measure = Measure.objects.with_state().get(pk=measure.pk)
    assert (measure.status.code, measure.progress) == ("on_track", 60)


@pytest.mark.parametrize(
    ("target", "milestone_due", "status", "overdue"),
    [
        (datetime.date(2026, 11, 21), None, "on_track", True),  # target date passed
        (datetime.date(2026, 11, 22), None, "on_track", False),  # due today is not overdue
        (datetime.date(2027, 1, 1), datetime.date(2026, 10, 1), "on_track", True),  # a milestone past due
        (datetime.date(2025, 1, 1), None, "done", False),  # done measures are never overdue
        (datetime.date(2025, 1, 1), None, "cancelled", False),
        (None, None, None, False),  # no dates, no updates
    ],
)
def test_overdue(db, target, milestone_due, status, overdue):
    measure = MeasureFactory(target_date=target)
    if milestone_due:
        MilestoneFactory(measure=measure, due_date=milestone_due)
    MilestoneFactory(measure=measure, due_date=datetime.date(2020, 1, 1), done_on=datetime.date(2020, 1, 1))
    if status:
        progress_update(measure, status_code=status, date=TODAY)
    measure = Measure.objects.with_state().get(pk=measure.pk)
    assert measure.is_overdue(TODAY) is overdue


def test_stale_after_the_configured_days_counting_from_creation_without_updates(db, settings):
    settings.MEASURE_STALE_AFTER_DAYS = 30
    measure = MeasureFactory()
    Measure.objects.filter(pk=measure.pk).update(created_at=datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC))
    fresh = Measure.objects.with_state().get(pk=measure.pk)
    assert fresh.is_stale(datetime.date(2026, 10, 31)) is False
    assert fresh.is_stale(datetime.date(2026, 11, 1)) is True
    progress_update(measure, date=datetime.date(2026, 10, 31))
    updated = Measure.objects.with_state().get(pk=measure.pk)
    assert updated.is_stale(datetime.date(2026, 11, 1)) is False
    assert updated.is_stale(datetime.date(2026, 12, 1)) is True


def test_summary_counts_statuses_overdue_and_stale(db):
    plan = ActionPlanFactory()
    progress_update(MeasureFactory(plan=plan, target_date=datetime.date(2020, 1, 1)), status_code="delayed")
    progress_update(MeasureFactory(plan=plan), status_code="done", percent=100)
    MeasureFactory(plan=plan)
    summary = queries.summarise_plan(plan, measures_of(plan), today=TODAY)
    assert summary.overdue == 1
    assert {(name, count) for name, _tone, count in summary.by_status} == {
        ("Försenad", 1),
        ("Klar", 1),
        ("Ingen lägesrapport ännu", 1),
    }


def test_an_update_on_a_cancelled_measure_is_refused_and_nothing_is_saved(client_as, world):
    progress_update(world.own_measure, status_code="cancelled")
    client = client_as("actor_contact")
    statuses = national_statuses()
    response = client.post(
        f"/insatser/{world.own_measure.pk}/lagesrapport/",
        {"status": statuses["on_track"].pk, "percent": 50, "done_text": "Vi fortsätter", "date": "2026-11-01"},
    )
    assert response.status_code == 200
    assert "Insatsen är avbruten" in response.content.decode()
    assert ProgressUpdate.objects.filter(measure=world.own_measure).count() == 1


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        ("-1", "Kontrollera att detta värde är större än eller lika med 0."),
        ("101", "Kontrollera att detta värde är mindre än eller lika med 100."),
        ("fem", "Fyll i ett heltal."),
    ],
)
def test_percent_outside_0_to_100_is_refused_next_to_the_field(client_as, world, percent, message):
    client = client_as("actor_contact")
    statuses = national_statuses()
    response = client.post(
        f"/insatser/{world.own_measure.pk}/lagesrapport/",
        {"status": statuses["on_track"].pk, "percent": percent, "done_text": "Text", "date": "2026-11-01"},
    )
    assert response.status_code == 200
    assert not ProgressUpdate.objects.filter(measure=world.own_measure).exists()
    error = re.search(r'id="error_1_id_percent"><strong>(.*?)</strong>', response.content.decode()).group(1)
    assert error == message


def test_an_actor_contact_posts_an_update_and_it_becomes_the_current_state(client_as, world):
    client = client_as("actor_contact")
    statuses = national_statuses()
    response = client.post(
        f"/insatser/{world.own_measure.pk}/lagesrapport/",
        {"status": statuses["at_risk"].pk, "percent": 35, "done_text": "Två seminarier hållna.", "date": "2026-11-01"},
        follow=True,
    )
    assert "Din lägesrapport är publicerad" in response.content.decode()
    measure = Measure.objects.with_state().get(pk=world.own_measure.pk)
    assert (measure.status.code, measure.progress) == ("at_risk", 35)
    assert measure.latest_update.author == world.user("actor_contact")
    assert measure.latest_update.author_name.startswith("Veronica")


def test_posting_progress_does_not_bump_the_measure_version(client_as, world):
    version = world.own_measure.version
    progress_update(world.own_measure)
    client = client_as("actor_contact")
    client.post(
        f"/insatser/{world.own_measure.pk}/lagesrapport/",
        {"status": national_statuses()["on_track"].pk, "percent": 10, "done_text": "x", "date": "2026-11-01"},
    )
    world.own_measure.refresh_from_db()
    assert world.own_measure.version == version


def test_a_milestone_is_marked_done_but_not_in_the_future(client_as, world):
    client = client_as("municipal_officer")
    url = f"/delmal/{world.own_milestone.pk}/klart/"
    response = client.post(url, {"done_on": "2999-01-01"})
    assert "inte vara klart i framtiden" in response.content.decode()
    assert client.post(url, {"done_on": "2026-11-01"}).status_code == 302
    world.own_milestone.refresh_from_db()
    assert world.own_milestone.done_on == datetime.date(2026, 11, 1)
