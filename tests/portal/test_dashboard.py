"""The dashboard at "/": each role sees its own county's or organisation's items, every number
links to the list behind it, nothing of a foreign county shows, and the number of queries does
not grow with the data."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from agreements.models import Deliverable, QualityReview
from core.roles import Role
from municipalities.models import County
from portal.dashboard import dashboard_for
from portal.models import Report
from tests.factories import (
    REVIEW_SCORES,
    ActionPlanFactory,
    AgreementFactory,
    ComplianceItemFactory,
    GrantFactory,
    MeasureActorFactory,
    MeasureFactory,
    MilestoneFactory,
    MunicipalityFactory,
    PledgeFactory,
    UserFactory,
    national_statuses,
    progress_update,
)

TODAY = datetime.date.today()  # noqa: DTZ011 - the portal's own dates come from timezone.localdate()
DAY = datetime.timedelta(days=1)


def _sections(user, **kwargs):
    # English, so that the assertions hold before and after the strings are translated.
    with translation.override("en"):
        sections = {section.role: section for section in dashboard_for(user, **kwargs)}
        for section in sections.values():
            section.data  # noqa: B018 - a section's data is built when first read: here, in English
        return sections


def _report(county, **fields):
    return Report.objects.create(
        kind="county",
        county=county,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        status="done",
        **fields,
    )


def populate(world, count: int, start: int = 0) -> None:
    """``count`` more of everything in both counties: measures (overdue, stale, done), municipalities
    with compliance, agreements, deliverables, pledges whose follow-up is missing, reviews, reports."""
    for side, county, plan in (
        ("own", world.own_county, world.own_plan),
        ("foreign", world.foreign_county, world.foreign_plan),
    ):
        prefix = "Skåne" if side == "own" else "Sthlm"
        lund_like = world.own_municipality if side == "own" else world.foreign_municipality
        for i in range(start, start + count):
            overdue = MeasureFactory(
                plan=plan, number=100 + 3 * i, title=f"{prefix} försenad {i}", target_date=TODAY - 5 * DAY
            )
            MeasureActorFactory(measure=overdue, actor=world.police, role="lead")
            MilestoneFactory(measure=overdue, due_date=TODAY - DAY)
            overdue.municipalities.add(lund_like)
            stale = MeasureFactory(plan=plan, number=101 + 3 * i, title=f"{prefix} inaktuell {i}")
            MeasureActorFactory(measure=stale, actor=world.police, role="participant")
            progress_update(stale, status_code="at_risk", percent=20, date=TODAY - 200 * DAY)
            done = MeasureFactory(plan=plan, number=102 + 3 * i, title=f"{prefix} klar {i}")
            progress_update(done, status_code="done", percent=100, date=TODAY - 2 * DAY)

            # Codes no real municipality has (the national test loads SCB's list too).
            code = f"{county.code}{(40 if side == 'own' else 70) + i:02d}"
            municipality = MunicipalityFactory(county=county, code=code, name=f"{prefix}kommun {i}")
            ComplianceItemFactory(municipality=municipality, obligation="situation_analysis", date=TODAY - 30 * DAY)
            ComplianceItemFactory(municipality=municipality, obligation="action_programme", status="in_progress")
            agreement = AgreementFactory(municipality=municipality, title=f"{prefix} överenskommelse {i}")
            Deliverable.objects.create(agreement=agreement, title=f"{prefix} leverans {i}", due_date=TODAY + 10 * DAY)
            Deliverable.objects.create(agreement=agreement, title=f"{prefix} senare {i}", due_date=TODAY + 90 * DAY)
            Deliverable.objects.create(
                agreement=world.lund_agreement if side == "own" else world.solna_agreement,
                title=f"{prefix} kommunleverans {i}",
                due_date=TODAY + 12 * DAY,
            )
            pledge = PledgeFactory(
                municipality=municipality,
                agreement=agreement,
                title=f"{prefix} löfte {i}",
                period_start=TODAY - 200 * DAY,
                period_end=TODAY - 10 * DAY,
            )
            QualityReview.objects.create(
                municipality=municipality, pledge=pledge, **{**REVIEW_SCORES, "gender_equality": 0}
            )
            _report(county)


@pytest.fixture
def dash(world):
    """The world with a plan, agreements, compliance, reviews and a report in each county.

    Skåne: Lund has an active agreement, its situation analysis in place and its action programme
    missing, and a review whose weakest criterion is the citizen dialogue; Hässleholm has nothing.
    """
    national_statuses()
    world.own_plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans")
    world.foreign_plan = ActionPlanFactory(county=world.foreign_county, title="Stockholm tillsammans")
    world.lund_agreement = AgreementFactory(municipality=world.own_municipality, title="Överenskommelse Lund")
    world.solna_agreement = AgreementFactory(municipality=world.foreign_municipality, title="Överenskommelse Solna")
    ComplianceItemFactory(municipality=world.own_municipality, obligation="situation_analysis", date=TODAY - 60 * DAY)
    ComplianceItemFactory(municipality=world.own_municipality, obligation="coordinating_function", date=TODAY)
    ComplianceItemFactory(municipality=world.own_municipality, obligation="follow_up", date=TODAY)
    QualityReview.objects.create(
        municipality=world.own_municipality,
        agreement=world.lund_agreement,
        **{**REVIEW_SCORES, "citizen_dialogue": 0, "cause_analysis": 1},
    )
    populate(world, 1)
    return world


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


# --- County coordinator ---------------------------------------------------------------------------------


def test_coordinator_sees_the_county_picture_with_links(client, dash, county_coordinator):
    section = _sections(county_coordinator)[Role.COUNTY_COORDINATOR]
    data = section.data
    plan = dash.own_plan
    summary = data.summary
    assert summary.plan == plan
    assert summary.measure_count == 3
    assert (summary.overdue.count, summary.overdue.url) == (1, f"/handlingsplaner/{plan.pk}/?flag=overdue")
    assert (summary.stale.count, summary.stale.url) == (1, f"/handlingsplaner/{plan.pk}/?flag=stale")
    # (100 done + 20 at risk + 0 no update) / 3
    assert summary.progress == pytest.approx(40)
    by_status = {s.name: (s.count, s.url) for s in summary.by_status}
    assert by_status["Done"] == (1, f"/handlingsplaner/{plan.pk}/?status=done")
    assert by_status["No update yet"] == (1, f"/handlingsplaner/{plan.pk}/?status=none")
    assert [m.title for m in data.overdue_measures] == ["Skåne försenad 0"]
    assert [m.title for m in data.stale_measures] == ["Skåne inaktuell 0"]

    matrix = {row.obligation: {c.state: (c.count, c.url) for c in row.cells} for row in summary.matrix}
    # Lund, Hässleholm and the populated municipality; Lund's and that one's situation analysis is in place.
    assert matrix["situation_analysis"]["in_place"] == (2, "/lan/12/?obligation=situation_analysis&state=in_place")
    assert matrix["situation_analysis"]["missing"][0] == 1
    assert matrix["action_programme"]["in_progress"][0] == 1

    counts = {link.label: (link.count, link.url) for link in summary.agreement_counts}
    assert counts["Without an active agreement"] == (1, "/lan/12/overenskommelser/?state=no_agreement")
    assert counts["Follow-up missing"] == (1, "/lan/12/overenskommelser/?state=follow_up_missing")

    titles = [row.deadline.title for row in data.deadlines]
    # The pledge's follow-up was due ten days ago; the deliverables are due in 10 and 12 days.
    assert titles == ["Skåne löfte 0", "Skåne leverans 0", "Skåne kommunleverans 0"]
    assert [row.overdue for row in data.deadlines] == [True, False, False]
    assert "Skåne senare 0" not in titles  # beyond 30 days

    bands = {band.label: [m.name for m in band.municipalities] for band in data.quality_bands}
    # REVIEW_SCORES is 2 of 3 everywhere (67 %); Lund's review has two weaker scores (50 %).
    assert sorted(bands["50–74\xa0%"]) == ["Lund", "Skånekommun 0"]  # a percentage as everywhere: no-break space
    assert bands["Not reviewed"] == ["Hässleholm"]

    attention = {row.municipality.name: [reason.label for reason in row.reasons] for row in data.attention}
    assert attention["Hässleholm"] == ["Situation analysis missing", "No active agreement"]
    assert attention["Skånekommun 0"] == ["Follow-up missing: Skåne löfte 0"]
    assert "Lund" not in attention

    feed = [change.what for change in data.feed]
    assert 0 < len(feed) <= 10
    assert "Measure: Skåne försenad 0" in feed
    assert not any("Sthlm" in what or "Stockholm" in what for what in feed)
    assert [r.county for r in data.reports] == [dash.own_county]
    assert data.reports_url == "/lan/12/rapporter/"

    page = _page(client, county_coordinator)
    assert f'href="/handlingsplaner/{plan.pk}/?flag=overdue"' in page
    assert 'href="/lan/12/?obligation=situation_analysis&amp;state=in_place"' in page
    assert 'href="/lan/12/overenskommelser/?state=no_agreement"' in page
    assert 'href="/lan/12/rapporter/"' in page
    assert "Skåne försenad 0" in page
    assert 'role="img"' in page
    assert "Sthlm" not in page
    assert "Solna" not in page
    assert "Stockholm tillsammans" not in page


# --- Steering group -------------------------------------------------------------------------------------


def test_steering_group_sees_the_summary_and_reports(client, dash, steering_member):
    sections = _sections(steering_member)
    assert set(sections) == {Role.STEERING_GROUP}
    data = sections[Role.STEERING_GROUP].data
    assert data.summary.plan == dash.own_plan
    assert data.summary.measure_count == 3
    assert [r.county for r in data.reports] == [dash.own_county]
    page = _page(client, steering_member)
    assert 'href="/lan/12/rapporter/"' in page
    assert 'href="/lan/12/overenskommelser/?state=follow_up_missing"' in page
    assert "Sthlm" not in page
    assert "Stockholm tillsammans" not in page


# --- Municipal officer ----------------------------------------------------------------------------------


def test_officer_sees_the_municipality_to_do_list_and_its_measures(client, dash, municipal_officer):
    data = _sections(municipal_officer)[Role.MUNICIPAL_OFFICER].data
    (lund,) = data.municipalities
    assert lund.municipality == dash.own_municipality
    assert [row.deadline.title for row in lund.deadlines] == ["Skåne kommunleverans 0"]
    assert lund.deadlines[0].deadline.url == dash.lund_agreement.get_absolute_url()
    assert [(gap.label, gap.state) for gap in lund.gaps] == [("Action programme", "missing")]
    assert lund.gaps[0].url == "/kommuner/1281/efterlevnad/action_programme/"
    assert lund.review.percent == 54  # 13 of 24 points
    assert lund.weakest[:2] == [("Citizen dialogue held", 0), ("Cause analysis present", 1)]
    assert [m.title for m in data.measures] == ["Skåne försenad 0"]

    page = _page(client, municipal_officer)
    assert "Skåne kommunleverans 0" in page
    assert 'href="/kommuner/1281/efterlevnad/action_programme/"' in page
    assert "Sthlm" not in page
    assert "Solna" not in page


# --- Actor contact --------------------------------------------------------------------------------------


def test_actor_contact_sees_the_measures_waiting_for_an_update_first(client, dash, actor_contact):
    plan = dash.own_plan
    fresh = MeasureFactory(plan=plan, number=50, title="Nyss uppdaterad")
    MeasureActorFactory(measure=fresh, actor=dash.police, role="lead")
    progress_update(fresh, status_code="on_track", percent=60, date=TODAY - DAY)
    older = MeasureFactory(plan=plan, number=51, title="Uppdaterad för en månad sedan")
    MeasureActorFactory(measure=older, actor=dash.police, role="participant")
    progress_update(older, status_code="on_track", percent=30, date=TODAY - 30 * DAY)

    data = _sections(actor_contact)[Role.ACTOR_CONTACT].data
    titles = [row.measure.title for row in data.measures]
    # Waiting (no update: the overdue one; stale) first, then by the latest update, oldest first.
    assert titles == ["Skåne försenad 0", "Skåne inaktuell 0", "Uppdaterad för en månad sedan", "Nyss uppdaterad"]
    assert [row.waiting for row in data.measures] == [True, True, False, False]
    assert data.measures[0].roles == ["Polisen (Lead)"]
    assert [(a.label, a.url) for a in data.actors] == [("Polisen", dash.police.get_absolute_url())]

    page = _page(client, actor_contact)
    assert "Skåne inaktuell 0" in page
    # The Police also lead a measure in Stockholm: not this contact's county.
    assert "Sthlm" not in page


# --- National administrator -----------------------------------------------------------------------------


def test_national_admin_sees_every_county_side_by_side(client, dash, national_admin):
    data = _sections(national_admin)[Role.NATIONAL_ADMIN].data
    rows = {row.county.code: row for row in data.rows}
    assert set(rows) == {"01", "12"}
    skane = rows["12"]
    assert skane.municipalities == 3
    shares = {share.label: (share.count, share.percent, share.url) for share in skane.shares}
    assert shares["Situation analysis (lägesbild)"] == (2, 67, "/lan/12/?obligation=situation_analysis&state=in_place")
    assert shares["Action programme"][:2] == (0, 0)
    assert skane.plan == dash.own_plan
    assert skane.progress == pytest.approx(40)
    assert (skane.agreements.count, skane.agreements.url) == (2, "/lan/12/overenskommelser/")
    assert rows["01"].municipalities == 2

    page = _page(client, national_admin)
    assert 'href="/lan/01/overenskommelser/"' in page
    assert 'href="/lan/12/?obligation=follow_up&amp;state=in_place"' in page


def test_a_user_with_several_roles_sees_a_section_for_each(client, dash):
    user = UserFactory(username="flera", first_name="Eva")
    GrantFactory(user=user, role=Role.COUNTY_COORDINATOR, county=dash.own_county)
    GrantFactory(user=user, role=Role.MUNICIPAL_OFFICER, municipality=dash.own_municipality)
    GrantFactory(user=user, role=Role.STEERING_GROUP, county=dash.foreign_county)
    roles = [section.role for section in dashboard_for(user)]
    assert roles == [Role.COUNTY_COORDINATOR, Role.STEERING_GROUP, Role.MUNICIPAL_OFFICER]
    page = _page(client, user)
    assert page.count("<h1") == 1
    assert 'data-testid="dashboard-coordinator-12"' in page
    assert 'data-testid="dashboard-steering-01"' in page
    assert 'data-testid="dashboard-officer"' in page


def test_a_user_without_a_role_gets_no_sections(client, world):
    user = UserFactory(username="ingen")
    assert dashboard_for(user) == []
    assert 'data-testid="dashboard-' not in _page(client, user)


# --- A fixed number of queries --------------------------------------------------------------------------


def _queries(client, user) -> int:
    """The dashboard's queries when it computes every section (an empty cache)."""
    client.force_login(user)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def _cached_queries(client, user) -> int:
    """The dashboard's queries when the sections that can be are read from the cache."""
    client.force_login(user)
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_queries_do_not_grow_with_the_data(client, dash, role):
    user = dash.user(role)
    _queries(client, user)  # warm up per-process caches (content types, translations)
    small, small_cached = _queries(client, user), _cached_queries(client, user)
    populate(dash, 6, start=1)
    for county in ("Skåne", "Sthlm"):
        county_obj = dash.own_county if county == "Skåne" else dash.foreign_county
        ActionPlanFactory(county=county_obj, title=f"Äldre plan {county}", status="completed")
    large, large_cached = _queries(client, user), _cached_queries(client, user)
    assert small == large, f"{role}: {small} queries with little data, {large} with more"
    assert small_cached == large_cached <= small


def test_the_national_overview_reads_all_21_counties_with_a_fixed_number_of_queries(client, dash, national_admin):
    small = _queries(client, national_admin)
    call_command("load_reference_data", verbosity=0)
    assert County.objects.count() == 21
    for county in County.objects.exclude(pk__in=[dash.own_county.pk, dash.foreign_county.pk])[:5]:
        plan = ActionPlanFactory(county=county)
        progress_update(MeasureFactory(plan=plan, number=1), percent=10)
        AgreementFactory(municipality=county.municipalities.first())
    large = _queries(client, national_admin)
    assert small == large
    data = _sections(national_admin)[Role.NATIONAL_ADMIN].data
    assert len(data.rows) == 21


# --- The demo scenario ----------------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    from portal.demo import load_demo

    call_command("load_reference_data", verbosity=0)
    load_demo()


def test_demo_dashboards_show_the_scenario(client, demo):
    from portal.models import User

    coordinator = User.objects.get(username="lan.samordnare")
    data = _sections(coordinator)[Role.COUNTY_COORDINATOR].data
    # A county in the middle of its work: the current plan, its second follow-up round in progress.
    assert data.summary.plan.title == "Ett tryggare Skåne 2025–2027"
    assert data.summary.overdue.count == len(data.overdue_measures) == 0
    (progress,) = data.rounds
    assert (progress.total, progress.submitted, progress.returned, progress.outstanding) == (7, 3, 1, 4)
    assert progress.days_left == 3
    assert progress.counts == {"approved": 2, "submitted": 1, "returned": 1, "draft": 1, "asked": 1, "opened": 1}
    attention = {row.municipality.name: [r.label for r in row.reasons] for row in data.attention}
    assert "Follow-up missing: Medborgarlöfte Landskrona 2025" in attention["Landskrona"]
    page = _page(client, coordinator)
    assert progress.round.title in page
    assert "Medborgarlöfte Landskrona 2025" in page

    officer = User.objects.get(username="kommun.samordnare")
    day = datetime.date(2026, 11, 22)
    todo = {t.municipality.name: t for t in _sections(officer, today=day)[Role.MUNICIPAL_OFFICER].data.municipalities}
    assert set(todo) == {"Hässleholm", "Lund"}
    assert "Årlig uppföljning till kommunstyrelsen" in [row.deadline.title for row in todo["Lund"].deadlines]
    page = _page(client, officer)
    if datetime.date(2026, 11, 15) <= TODAY:  # from 30 days before its due date on
        assert "Årlig uppföljning till kommunstyrelsen" in page
