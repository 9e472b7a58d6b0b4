"""The plan page, the measure page and the forms a county coordinator builds a plan with."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionPlan, Measure, MeasureActor
from tests.factories import (
    ActorFactory,
    MeasureActorFactory,
    MeasureFactory,
    MilestoneFactory,
    national_statuses,
    progress_update,
)
from tests.helpers import page_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client_as):
    return client_as("county_coordinator")


def test_coordinator_creates_a_plan_and_bad_periods_are_refused(coordinator, world):
    data = {
        "title": "Tryggare Skåne 2026–2028",
        "status": "draft",
        "period_start": "2026-01-01",
        "period_end": "2025-12-31",
        "adopting_actors": [world.police.pk, world.own_actor.pk],
        "version": "",
    }
    response = coordinator.post("/lan/12/handlingsplaner/ny/", data)
    assert "Perioden kan inte sluta innan den börjar." in response.content.decode()
    assert not ActionPlan.objects.filter(title__startswith="Tryggare").exists()

    data["period_end"] = "2028-12-31"
    response = coordinator.post("/lan/12/handlingsplaner/ny/", data, follow=True)
    plan = ActionPlan.objects.get(title__startswith="Tryggare")
    assert plan.county == world.own_county
    assert set(plan.adopting_actors.all()) == {world.police, world.own_actor}
    assert "Handlingsplanen ”Tryggare Skåne 2026–2028” är skapad." in page_source(response)


def test_a_foreign_actor_cannot_adopt_or_join_a_plan(coordinator, world):
    data = {
        "title": "Plan",
        "status": "draft",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "adopting_actors": [world.foreign_actor.pk],
    }
    response = coordinator.post("/lan/12/handlingsplaner/ny/", data)
    assert "Välj ett giltigt alternativ" in response.content.decode()
    formset = {
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-actor": str(world.foreign_actor.pk),
        "participants-0-role": "participant",
    }
    response = coordinator.post(f"/insatser/{world.own_measure.pk}/aktorer/", formset)
    assert response.status_code == 200
    assert not MeasureActor.objects.filter(actor=world.foreign_actor, measure=world.own_measure).exists()


def test_measure_with_target_before_start_or_taken_number_is_refused(coordinator, world):
    data = {"number": "1", "title": "Dubblett", "weight": "1", "start_date": "2026-05-01", "target_date": "2026-01-01"}
    response = coordinator.post(f"/handlingsplaner/{world.own_plan.pk}/insatser/ny/", data)
    page = response.content.decode()
    assert "Planen har redan en insats nummer 1." in page
    assert "Måldatum kan inte vara före startdatum." in page
    assert world.own_plan.measures.count() == 1


def test_a_measure_has_one_lead_actor(coordinator, world):
    data = {
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "0",
        "participants-0-actor": str(world.own_actor.pk),
        "participants-0-role": "lead",
        "participants-1-actor": str(ActorFactory(county=world.own_county).pk),
        "participants-1-role": "lead",
    }
    measure = MeasureFactory(plan=world.own_plan, number=5)
    response = coordinator.post(f"/insatser/{measure.pk}/aktorer/", data)
    assert "En insats har en ansvarig huvudaktör" in response.content.decode()
    assert not measure.participants.exists()


def test_plan_page_lists_measures_with_lead_status_progress_and_flags(coordinator, world):
    progress_update(world.own_measure, status_code="delayed", percent=40)
    world.own_measure.target_date = datetime.date(2020, 1, 1)
    world.own_measure.save()
    page = page_source(coordinator.get(f"/handlingsplaner/{world.own_plan.pk}/"))
    assert "Insats i Skåne" in page
    assert "Polisen" in page
    assert "Försenad" in page
    assert 'value="40"' in page
    assert "Förfallen" in page


def test_plan_page_filters_by_status_actor_and_flag(coordinator, world):
    second = MeasureFactory(plan=world.own_plan, number=2, title="Andra insatsen")
    MeasureActorFactory(measure=second, actor=world.own_actor, role="lead")
    progress_update(second, status_code="done", percent=100)
    url = f"/handlingsplaner/{world.own_plan.pk}/"
    assert [m.title for m in coordinator.get(url + "?status=done").context["measures"]] == ["Andra insatsen"]
    assert [m.title for m in coordinator.get(url + "?status=none").context["measures"]] == ["Insats i Skåne"]
    assert [m.number for m in coordinator.get(url + f"?actor={world.police.pk}").context["measures"]] == [1]
    assert coordinator.get(url + "?flag=overdue").context["measures"] == []


def test_the_measures_table_exports_as_filtered_to_csv_and_excel(coordinator, world):
    second = MeasureFactory(plan=world.own_plan, number=2, title='=HYPERLINK("http://x")')
    progress_update(second, status_code="done", percent=100)
    url = f"/handlingsplaner/{world.own_plan.pk}/"
    response = coordinator.get(url + "?status=done&format=csv")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nummer", "Insats", "Ansvarig huvudaktör"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][4] == "Klar"

    import openpyxl

    xlsx = coordinator.get(url + "?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    sheet = workbook.active
    assert [c.value for c in sheet[2]][:2] == [1, "Insats i Skåne"]
    assert coordinator.get(url + "?format=pdf").status_code == 404


def test_plan_page_queries_do_not_grow_with_measures(coordinator, world):
    statuses = national_statuses()
    assert statuses

    def grow(n):
        for i in range(n):
            measure = MeasureFactory(plan=world.own_plan, number=100 + Measure.objects.count() + i)
            MeasureActorFactory(measure=measure, actor=ActorFactory(county=world.own_county), role="lead")
            MeasureActorFactory(measure=measure, actor=ActorFactory(county=None))
            MilestoneFactory(measure=measure, due_date=datetime.date(2027, 1, 1))
            progress_update(measure, percent=i)
            progress_update(measure, percent=i + 1, date=datetime.date(2026, 1, 1))

    url = f"/handlingsplaner/{world.own_plan.pk}/"
    grow(1)
    with CaptureQueriesContext(connection) as small:
        coordinator.get(url)
    grow(12)
    with CaptureQueriesContext(connection) as large:
        coordinator.get(url)
    assert len(small) == len(large) <= 15


def test_measure_page_queries_do_not_grow_with_updates_and_indicators(coordinator, world):
    measure = world.own_measure

    def grow(n):
        for i in range(n):
            progress_update(measure, percent=i, date=datetime.date(2025, 1, 1) + datetime.timedelta(days=i))
            MilestoneFactory(measure=measure)
            indicator = measure.indicators.create(name=f"Indikator {measure.indicators.count()}", target=10)
            indicator.values.create(date=datetime.date(2025, 1, 1), value=3)
            indicator.values.create(date=datetime.date(2026, 1, 1), value=5)
            measure.working_group.create(name=f"Person {i}", organisation="Polisen")

    url = f"/insatser/{measure.pk}/"
    grow(1)
    with CaptureQueriesContext(connection) as small:
        page = coordinator.get(url)
    assert 'class="chart chart-line"' in page.content.decode()
    grow(6)
    with CaptureQueriesContext(connection) as large:
        coordinator.get(url)
    assert len(small) == len(large) <= 20


def test_measure_page_lists_the_newest_updates_a_page_at_a_time(coordinator, world):
    from actions.views import UPDATES_PER_PAGE

    measure = world.own_measure
    first = datetime.date(2025, 1, 1)
    for day in range(UPDATES_PER_PAGE + 5):
        progress_update(measure, done_text=f"Rapport {day:02d}", date=first + datetime.timedelta(days=day))
    url = f"/insatser/{measure.pk}/"
    newest = coordinator.get(url).content.decode()
    assert f"Rapport {UPDATES_PER_PAGE + 4:02d}" in newest
    assert "Rapport 04" not in newest
    assert "Sida 1 av 2" in newest
    older = coordinator.get(url + "?page=2").content.decode()
    assert "Rapport 04" in older
    assert "Rapport 00" in older
    assert f"Rapport {UPDATES_PER_PAGE + 4:02d}" not in older
    # A page number that does not exist shows the last page, never an error.
    assert "Rapport 00" in coordinator.get(url + "?page=99").content.decode()


def test_actor_page_lists_measures_across_plans_the_user_may_see(client_as, world):
    client = client_as("steering_group")
    page = page_source(client.get(f"/aktorer/{world.police.pk}/"))
    assert "Insats i Skåne" in page
    assert "Insats i Stockholm" not in page


def test_a_county_adds_its_own_status_and_it_can_be_used(coordinator, world):
    response = coordinator.post(
        "/lan/12/statusar/", {"name": "Pausad", "code": "paused", "tone": "neutral", "position": "70"}, follow=True
    )
    assert "Statusen ”Pausad” är tillagd." in page_source(response)
    duplicate = coordinator.post("/lan/12/statusar/", {"name": "Klar igen", "code": "done", "tone": "good"})
    assert "Det finns redan en status med den koden." in duplicate.content.decode()
    form_page = coordinator.get(f"/insatser/{world.own_measure.pk}/lagesrapport/")
    assert "Pausad" in form_page.content.decode()
    foreign_form = coordinator.get(f"/insatser/{world.foreign_measure.pk}/lagesrapport/")
    assert foreign_form.status_code == 404


def test_support_activity_reaches_municipality_and_county_pages(coordinator, world):
    data = {
        "title": "Utbildning i EST",
        "kind": "training",
        "date": "2026-03-10",
        "organiser": "Länsstyrelsen Skåne",
        "participants": "35",
        "municipalities": [world.own_municipality.pk],
        "measure": world.own_measure.pk,
    }
    assert coordinator.post("/lan/12/stodinsatser/ny/", data).status_code == 302
    assert "Utbildning i EST" in page_source(coordinator.get("/kommuner/1281/"))
    assert "Utbildning i EST" not in page_source(coordinator.get("/kommuner/1293/"))
    county = coordinator.get("/lan/12/")
    assert "Utbildning i EST" in page_source(county)
    lund = next(r for r in county.context["overview"].rows if r.municipality.code == "1281")
    assert lund.support_activities == 1


def test_indicator_values_are_charted_with_the_target(coordinator, world):
    response = coordinator.post(
        f"/insatser/{world.own_measure.pk}/indikatorer/ny/",
        {"name": "Personer som fått stöd", "unit": "personer", "baseline": "0", "target": "40", "direction": "higher"},
    )
    indicator = world.own_measure.indicators.get(name="Personer som fått stöd")
    assert response["Location"] == f"/indikatorer/{indicator.pk}/"
    data = {
        "name": indicator.name,
        "unit": "personer",
        "baseline": "0",
        "target": "40",
        "direction": "higher",
        "values-TOTAL_FORMS": "2",
        "values-INITIAL_FORMS": "0",
        "values-0-date": "2025-12-31",
        "values-0-value": "12",
        "values-1-date": "2026-06-30",
        "values-1-value": "19",
    }
    assert coordinator.post(f"/indikatorer/{indicator.pk}/", data).status_code == 302
    page = page_source(coordinator.get(f"/insatser/{world.own_measure.pk}/"))
    assert "Personer som fått stöd" in page
    assert "Mål" in page
    assert "2026-06-30: 19" in page


@pytest.mark.parametrize("page", ["actor", "plans", "support_activities"])
def test_list_pages_keep_their_query_count_as_data_grows(coordinator, world, page):
    from actions.models import SupportActivity

    def grow(n):
        for i in range(n):
            plan = world.own_county.action_plans.create(
                title=f"Plan {i}", period_start="2025-01-01", period_end="2026-01-01"
            )
            plan.adopting_actors.add(world.police, world.own_actor)
            measure = MeasureFactory(plan=plan, number=1)
            MeasureActorFactory(measure=measure, actor=world.police, role="lead")
            progress_update(measure)
            activity = SupportActivity.objects.create(
                county=world.own_county, title=f"Träff {i}", kind="training", date="2026-01-01", organiser="LST"
            )
            activity.municipalities.add(world.own_municipality, world.neighbour_municipality)
            activity.counties.add(world.foreign_county)

    url = {
        "actor": f"/aktorer/{world.police.pk}/",
        "plans": "/lan/12/handlingsplaner/",
        "support_activities": "/lan/12/stodinsatser/",
    }[page]
    grow(1)
    with CaptureQueriesContext(connection) as small:
        assert coordinator.get(url).status_code == 200
    grow(8)
    with CaptureQueriesContext(connection) as large:
        coordinator.get(url)
    assert len(small) == len(large) <= 15


def test_support_activities_export(coordinator, world):
    from actions.models import SupportActivity

    activity = SupportActivity.objects.create(
        county=world.own_county, title="Hearing i Bollnäs", kind="hearing", date="2026-02-15", organiser="LST"
    )
    activity.municipalities.add(world.own_municipality)
    content = b"".join(coordinator.get("/lan/12/stodinsatser/?format=xlsx").streaming_content)
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[2]][1:3] == ["Hearing i Bollnäs", "Hearing"]
