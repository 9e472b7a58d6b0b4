"""PDF reports: what they contain, what the renderer may read, and who may request and download them."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from pypdf import PdfReader

from portal.models import Report, ReportKind, ReportStatus
from portal.reports import render, services
from tests import parsed
from tests.factories import (
    ActionPlanFactory,
    ActorFactory,
    MeasureActorFactory,
    MeasureFactory,
    MilestoneFactory,
    progress_update,
)

pytestmark = pytest.mark.django_db


def pdf_text(report: Report) -> str:
    reader = PdfReader(io.BytesIO(report.file.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def county_report(world) -> Report:
    return Report.objects.create(
        kind=ReportKind.COUNTY,
        county=world.own_county,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def plan(world):
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    first = MeasureFactory(plan=plan, number=1, title="Utvecklad avhopparverksamhet")
    MeasureActorFactory(measure=first, actor=world.police, role="lead")
    progress_update(first, status_code="on_track", percent=60)
    second = MeasureFactory(plan=plan, number=2, title="Färre återfall i brott")
    MeasureActorFactory(measure=second, actor=world.own_actor, role="lead")
    progress_update(second, status_code="delayed", percent=30)
    indicator = first.indicators.create(name="Avhoppare som fått stöd", unit="personer", target=40)
    indicator.values.create(date=datetime.date(2026, 6, 30), value=12)
    return plan


def test_county_report_names_every_measure_lead_status_and_municipality(world, plan):
    report = county_report(world)
    times = services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.page_count == times.pages > 3
    assert report.size == len(report.file.read())
    report.file.seek(0)
    text = pdf_text(report)
    for expected in (
        "Utvecklad avhopparverksamhet",
        "Polisen",
        "Enligt plan",
        "Färre återfall i brott",
        "Region Skåne",
        "Försenad",
        "Lund",
        "Hässleholm",
        "Sida 2 av",
    ):
        assert expected in text, expected


def test_the_pdf_is_tagged_swedish_with_a_title(world, plan):
    report = county_report(world)
    services.build_report(report.pk)
    report.refresh_from_db()
    reader = PdfReader(io.BytesIO(report.file.read()))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "sv"
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.startswith("Lägesrapport – Skåne län")
    assert [outline.title for outline in reader.outline if not isinstance(outline, list)][:2] == [
        "Skåne län",
        "Innehåll",
    ]


def test_html_in_a_measure_title_is_printed_as_text(world, plan):
    MeasureFactory(plan=plan, number=3, title='<img src="http://evil.example/x.png"><b>Fet</b>')
    report = county_report(world)
    services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert '<img src="http://evil.example/x.png"><b>Fet</b>' in pdf_text(report)


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/x.png",
        "file:///etc/passwd",
        f"{render.BASE_URL}static/../../../etc/passwd",
        f"{render.BASE_URL}media/documents/secret.pdf",
        "https://report.invalid/static/css/finns-inte.css",
    ],
)
def test_the_renderer_reads_only_the_projects_static_files(url):
    with pytest.raises(render.RefusedURLError):
        render.static_file_for(url)
    with pytest.raises(render.RefusedURLError, match="Error fetching"):
        render.html_to_pdf(f'<html lang="sv"><title>x</title><body><img src="{url}" alt="x"></body></html>')


def test_static_files_are_served_to_the_renderer():
    assert render.static_file_for(f"{render.BASE_URL}static/css/report.css").name == "report.css"


def test_gathering_takes_the_same_number_of_queries_for_more_measures_and_municipalities(world, plan):
    from tests.factories import MunicipalityFactory

    def gather_queries():
        report = county_report(world)
        with CaptureQueriesContext(connection) as queries:
            services.build_context(report)
        return len(queries)

    small = gather_queries()
    for number in range(10, 25):
        measure = MeasureFactory(plan=plan, number=number)
        MeasureActorFactory(measure=measure, actor=ActorFactory(county=world.own_county), role="lead")
        MilestoneFactory(measure=measure, due_date=datetime.date(2027, 1, 1))
        progress_update(measure)
        measure.indicators.create(name="Indikator").values.create(date=datetime.date(2026, 1, 1), value=1)
        MunicipalityFactory(county=world.own_county)
    assert gather_queries() == small <= 25


def test_a_large_plan_is_summarised_not_printed_in_full(world, plan):
    """Past DETAILED_MEASURES measures the report keeps its length: every measure in the table, the
    ones needing attention described, at most INDICATOR_CHARTS charts each, the newest updates listed."""
    from portal.reports.gather import DETAILED_MEASURES, INDICATOR_CHARTS, MORE_INDICATORS_LISTED, UPDATES_LISTED

    today = timezone.localdate()
    for number in range(3, DETAILED_MEASURES + 8):
        measure = MeasureFactory(
            plan=plan, number=number, title=f"Insats nummer {number}", target_date=today + datetime.timedelta(days=365)
        )
        delayed = number % 2 == 0
        for days_ago in (9, 8, 7):
            date = today - datetime.timedelta(days=days_ago)
            progress_update(measure, status_code="delayed" if delayed else "on_track", date=date)
        for n in range(INDICATOR_CHARTS + MORE_INDICATORS_LISTED + 1):
            measure.indicators.create(name=f"Mått {number}.{n}").values.create(date=datetime.date(2026, 2, 1), value=n)
    context = services.build_context(county_report(world))
    described = [item.measure.number for item in context["described"]]
    # Measure 1 has no recent update, 2 and the even ones are delayed; the odd ones on track are not described.
    assert described == [1, 2, *range(4, DETAILED_MEASURES + 8, 2)][:DETAILED_MEASURES]
    assert all(len(item.charts) <= INDICATOR_CHARTS for item in context["described"])
    assert all(len(item.more_indicators) <= MORE_INDICATORS_LISTED for item in context["described"])
    assert context["described"][-1].unlisted_indicators == 1
    changes = context["changes"]
    assert changes.update_count > UPDATES_LISTED == len(changes.updates)

    report = county_report(world)
    services.build_report(report.pk)
    report.refresh_from_db()
    text = pdf_text(report)
    for number in range(3, DETAILED_MEASURES + 8):
        assert f"Insats nummer {number}" in text, number
    assert "beskriver i sin helhet" in text
    assert "Fler indikatorer" in text
    assert "1 indikator till följs i portalen" in text
    assert f"De senaste {UPDATES_LISTED} av {changes.update_count} nya lägesrapporter listas" in text


def test_changes_since_the_previous_report(world, plan):
    first = county_report(world)
    services.build_report(first.pk)
    measure = plan.measures.get(number=2)
    progress_update(measure, status_code="done", percent=100, date=datetime.date(2026, 11, 1))
    second = county_report(world)
    changes = services.build_context(second)["changes"]
    assert [(m.number, before, after) for m, before, after in changes.status_changes] == [(2, "Försenad", "Klar")]
    assert [u.measure.number for u in changes.updates] == [2]


def test_an_update_not_approved_yet_is_not_in_the_report(world, plan):
    """A submitted or returned update is its authors' and the coordinators' until it is approved."""
    measure = plan.measures.get(number=2)
    for state in ("submitted", "returned", "draft"):
        progress_update(measure, status_code="done", percent=100, date=datetime.date(2026, 11, 1), state=state)
    context = services.build_context(county_report(world))
    changes = context["changes"]
    assert changes.status_changes == []
    assert [u.measure.number for u in changes.updates] == []
    report = county_report(world)
    services.build_report(report.pk)
    report.refresh_from_db()
    assert "Klar" not in pdf_text(report)


def test_the_first_report_compares_with_the_status_before_its_period_not_after(world, plan):
    measure = plan.measures.get(number=2)  # delayed since 2025-06-01 (the fixture)
    progress_update(measure, status_code="at_risk", percent=40, date=datetime.date(2026, 3, 1))
    progress_update(measure, status_code="on_track", percent=70, date=datetime.date(2027, 2, 1))  # after the period
    changes = services.build_context(county_report(world))["changes"]
    assert [(m.number, before, after) for m, before, after in changes.status_changes] == [
        (2, "Försenad", "Risk för försening")
    ]


def test_a_report_built_twice_at_once_is_done_once_with_one_file_and_one_email(
    world, plan, django_capture_on_commit_callbacks
):
    report = county_report(world)  # no requester: the quarterly report, e-mailed to the steering group
    services.build_report(report.pk)
    report.refresh_from_db()
    first_file = report.file.name
    # A second build of the same report (a resent message) finishing after the first: it changes nothing.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DONE)
    rendered = render.render_pdf("reports/county_report.html", services.build_context(report))
    name = services._store_atomically(rendered.content)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services._mark_done(report, name, first_file, rendered)
    assert len(callbacks) == 1  # removing the second file: no second e-mail to the steering group
    report.refresh_from_db()
    assert report.file.name == first_file
    assert not report.file.storage.exists(name)
    assert report.file.storage.exists(first_file)


def test_municipality_report_contains_profile_figures_and_pledges(world):
    from tests.factories import CommitmentFactory, KeyFigureFactory, PledgeFactory

    KeyFigureFactory(municipality=world.own_municipality, year=2025, population=128000, reported_crimes=14000)
    pledge = PledgeFactory(municipality=world.own_municipality, title="Medborgarlöfte Lund 2026")
    CommitmentFactory(pledge=pledge, commitment="Trygghetsvandringar varje månad")
    PledgeFactory(municipality=world.own_municipality, title="Hemligt utkast", status="draft")
    report = Report.objects.create(
        kind=ReportKind.MUNICIPALITY,
        county=world.own_county,
        municipality=world.own_municipality,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    services.build_report(report.pk)
    report.refresh_from_db()
    text = pdf_text(report)
    assert "Lund" in text
    assert "Medborgarlöfte Lund 2026" in text
    assert "Trygghetsvandringar varje månad" in text
    assert "Hemligt utkast" not in text
    assert "128 000" in text or "128\xa0000" in text


# --- Pages -------------------------------------------------------------------------------------


def test_a_coordinator_requests_a_county_report_and_it_is_queued(client_as, world, django_capture_on_commit_callbacks):
    client = client_as("county_coordinator")
    page = client.get("/lan/12/rapporter/")
    assert "Producera en ny rapport" in page.content.decode()
    sent = []
    from portal.reports import tasks

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/lan/12/rapporter/", {"period_start": "2026-07-01", "period_end": "2026-09-30"})
    report = Report.objects.get()
    assert response["Location"] == f"/rapporter/{report.pk}/"
    assert (report.status, report.requested_by) == (ReportStatus.QUEUED, world.user("county_coordinator"))
    assert len(callbacks) == 1  # the job is sent to the worker only once the row is committed
    assert sent == []
    status = client.get(f"/rapporter/{report.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in status
    assert "köad" in status
    assert tasks.build_report.name == "portal.tasks.build_report"


def test_a_reversed_period_is_refused(client_as):
    client = client_as("county_coordinator")
    response = client.post("/lan/12/rapporter/", {"period_start": "2026-09-30", "period_end": "2026-07-01"})
    assert "Perioden kan inte sluta innan den börjar." in response.content.decode()
    assert not Report.objects.exists()


def test_a_finished_report_is_downloaded_and_polling_stops(client_as, world, plan):
    report = county_report(world)
    services.build_report(report.pk)
    client = client_as("steering_group")
    status = client.get(f"/rapporter/{report.pk}/status/").content.decode()
    assert "hx-trigger" not in status
    assert "Ladda ner rapporten (PDF)" in status
    download = client.get(f"/rapporter/{report.pk}/fil/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_failed_report_explains_why_and_can_be_tried_again(client_as, world, django_capture_on_commit_callbacks):
    report = county_report(world)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="Rapporten kunde inte tas fram.")
    client = client_as("county_coordinator")
    page = client.get(f"/rapporter/{report.pk}/").content.decode()
    assert "Rapporten kunde inte tas fram." in page
    assert "Försök igen" in page
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"/rapporter/{report.pk}/forsok-igen/")
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert len(callbacks) == 1


def test_an_officer_requests_their_own_municipality_report_but_not_anothers(client_as):
    client = client_as("municipal_officer")
    assert (
        client.post("/kommuner/1281/rapporter/", {"period_start": "2026-01-01", "period_end": "2026-06-30"}).status_code
        == 302
    )
    assert (
        client.post("/kommuner/1293/rapporter/", {"period_start": "2026-01-01", "period_end": "2026-06-30"}).status_code
        == 403
    )
    assert (
        client.post("/kommuner/0184/rapporter/", {"period_start": "2026-01-01", "period_end": "2026-06-30"}).status_code
        == 404
    )
    assert (
        client.post("/lan/12/rapporter/", {"period_start": "2026-01-01", "period_end": "2026-06-30"}).status_code == 403
    )
    assert list(Report.objects.values_list("municipality__code", flat=True)) == ["1281"]


def test_nobody_downloads_another_scopes_report(client_as, world, plan):
    report = Report.objects.create(
        kind=ReportKind.MUNICIPALITY,
        county=world.own_county,
        municipality=world.neighbour_municipality,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
    )
    services.build_report(report.pk)
    for role, status in (("municipal_officer", 404), ("actor_contact", 404), ("steering_group", 200)):
        client = client_as(role)
        assert client.get(f"/rapporter/{report.pk}/fil/").status_code == status, role


def test_report_texts_are_swedish():
    with translation.override("sv"):
        assert str(ReportStatus.QUEUED.label) == "Köad"


def test_a_report_that_keeps_killing_its_worker_is_failed_not_run_again(world, plan):
    report = county_report(world)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, attempts=services.MAX_ATTEMPTS)
    assert services.build_report(report.pk) is None
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "stoppade bakgrundsprocessen flera gånger" in report.error
    assert not report.file


# --- One status message at a time ---------------------------------------------------------------


def swedish(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


QUEUED = "The report is queued and starts as soon as a background worker is free."
RUNNING = "The report is being produced. This usually takes a few seconds."
DOWNLOAD = "Download the report (PDF)"


def page_messages(client, url: str) -> list[str]:
    return parsed.messages(parsed.parse(client.get(url, headers={"accept-language": "sv"}).content))


def test_ordering_a_report_shows_one_message_that_it_is_queued(client_as, django_capture_on_commit_callbacks):
    client = client_as("county_coordinator")
    with django_capture_on_commit_callbacks():  # the job is not run: the report stays queued
        response = client.post("/lan/12/rapporter/", {"period_start": "2026-07-01", "period_end": "2026-09-30"})
    assert page_messages(client, response["Location"]) == [swedish(QUEUED)]


def test_a_report_built_before_its_page_loads_shows_only_that_it_is_done(
    client_as, plan, django_capture_on_commit_callbacks
):
    """The worker may finish before the browser follows the redirect: the page says done, and nothing else."""
    client = client_as("county_coordinator")
    with django_capture_on_commit_callbacks():
        response = client.post("/lan/12/rapporter/", {"period_start": "2026-07-01", "period_end": "2026-09-30"})
    services.build_report(Report.objects.get().pk)

    (message,) = page_messages(client, response["Location"])
    assert re.match(r"Rapporten är klar \(\d+ sidor, ", message), message
    assert message.endswith(swedish(DOWNLOAD))


def test_trying_a_failed_report_again_shows_one_message_that_it_is_queued(
    client_as, world, django_capture_on_commit_callbacks
):
    report = county_report(world)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="Rapporten kunde inte tas fram.")
    client = client_as("county_coordinator")
    with django_capture_on_commit_callbacks():
        response = client.post(f"/rapporter/{report.pk}/forsok-igen/")
    assert page_messages(client, response["Location"]) == [swedish(QUEUED)]


FAILED_BECAUSE = "Rapporten kunde inte tas fram."


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ReportStatus.QUEUED, lambda: swedish(QUEUED)),
        (ReportStatus.RUNNING, lambda: swedish(RUNNING)),
        (ReportStatus.FAILED, lambda: f"{FAILED_BECAUSE} {swedish('Try again')}"),
    ],
    ids=["queued", "running", "failed"],
)
def test_the_report_page_and_its_polled_status_show_one_message(client_as, world, status, expected):
    report = county_report(world)
    Report.objects.filter(pk=report.pk).update(status=status, error=FAILED_BECAUSE)
    client = client_as("steering_group")
    assert page_messages(client, f"/rapporter/{report.pk}/") == [expected()]
    assert page_messages(client, f"/rapporter/{report.pk}/status/") == [expected()]


# --- The period the form offers -------------------------------------------------------------------


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def report_ending(world, end: datetime.date, status=ReportStatus.DONE, municipality=None) -> Report:
    return Report.objects.create(
        kind=ReportKind.MUNICIPALITY if municipality else ReportKind.COUNTY,
        county=world.own_county,
        municipality=municipality,
        period_start=end - datetime.timedelta(days=60),
        period_end=end,
        status=status,
    )


def offered_period(client, url: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The form's two fields, found by their labels: (value, what is read out after the name) each."""
    page = parsed.parse(client.get(url, headers={"accept-language": "sv"}).content)
    start, end = parsed.field(page, "Period från"), parsed.field(page, "Period till")
    return (start.get("value"), parsed.description(page, start)), (end.get("value"), parsed.description(page, end))


def test_the_form_offers_the_period_since_the_latest_report_up_to_today(client_as, world):
    today = timezone.localdate()
    latest = today - datetime.timedelta(days=20)
    report_ending(world, latest - datetime.timedelta(days=90))
    report_ending(world, latest)
    # Neither a failed report, nor one of a municipality, nor one of another county counts.
    report_ending(world, today - datetime.timedelta(days=2), status=ReportStatus.FAILED)
    report_ending(world, today - datetime.timedelta(days=2), municipality=world.own_municipality)
    client = client_as("county_coordinator")

    start, end = offered_period(client, "/lan/12/rapporter/")

    assert start == (
        (latest + datetime.timedelta(days=1)).isoformat(),
        f"Förslag: dagen efter perioden i den senaste rapporten, som slutade {latest.isoformat()}.",
    )
    assert end == (today.isoformat(), "Förslag: i dag.")


def test_without_a_report_the_form_offers_this_quarter_up_to_today(client_as, world):
    today = timezone.localdate()
    # A report whose period already reaches today leaves nothing to report since: this quarter is offered.
    report_ending(world, today + datetime.timedelta(days=5), municipality=world.own_municipality)
    client = client_as("county_coordinator")

    for url in ("/lan/12/rapporter/", "/kommuner/1281/rapporter/", "/kommuner/1293/rapporter/"):
        start, end = offered_period(client, url)
        assert start == (quarter_start(today).isoformat(), "Förslag: första dagen i innevarande kvartal."), url
        assert end == (today.isoformat(), "Förslag: i dag."), url


def test_the_municipality_form_offers_the_period_since_that_municipalitys_latest_report(client, world):
    today = timezone.localdate()
    report_ending(world, today - datetime.timedelta(days=10), municipality=world.own_municipality)
    report_ending(world, today - datetime.timedelta(days=3), municipality=world.neighbour_municipality)
    client.force_login(world.user("municipal_officer"))  # Lund's officer

    (start, _), (end, _) = offered_period(client, "/kommuner/1281/rapporter/")

    assert (start, end) == ((today - datetime.timedelta(days=9)).isoformat(), today.isoformat())


@pytest.mark.parametrize(
    ("today", "latest_end", "expected"),
    [
        # No report: this quarter up to today, on its first and its last day too.
        (datetime.date(2026, 11, 15), None, (datetime.date(2026, 10, 1), datetime.date(2026, 11, 15), None)),
        (datetime.date(2026, 1, 1), None, (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), None)),
        (datetime.date(2026, 3, 31), None, (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), None)),
        # The quarterly report of the quarter that ended: from the first day of this quarter.
        (
            datetime.date(2026, 11, 15),
            datetime.date(2026, 9, 30),
            (datetime.date(2026, 10, 1), datetime.date(2026, 11, 15), datetime.date(2026, 9, 30)),
        ),
        # A report long ago: everything since, across quarters and years.
        (
            datetime.date(2026, 2, 10),
            datetime.date(2025, 6, 30),
            (datetime.date(2025, 7, 1), datetime.date(2026, 2, 10), datetime.date(2025, 6, 30)),
        ),
        # A report up to yesterday: today alone.
        (
            datetime.date(2026, 5, 20),
            datetime.date(2026, 5, 19),
            (datetime.date(2026, 5, 20), datetime.date(2026, 5, 20), datetime.date(2026, 5, 19)),
        ),
        # A report whose period reaches today or beyond: this quarter up to today.
        (
            datetime.date(2026, 5, 20),
            datetime.date(2026, 5, 20),
            (datetime.date(2026, 4, 1), datetime.date(2026, 5, 20), None),
        ),
    ],
)
def test_the_suggested_period(world, today, latest_end, expected):
    if latest_end:
        report_ending(world, latest_end)
    suggestion = services.suggested_period(
        kind=ReportKind.COUNTY, county=world.own_county, municipality=None, today=today
    )
    assert (suggestion.start, suggestion.end, suggestion.after) == expected


def test_the_quarterly_report_still_covers_the_quarter_that_ended(world, django_capture_on_commit_callbacks):
    report_ending(world, datetime.date(2025, 11, 15))  # a report in the middle of the quarter
    with django_capture_on_commit_callbacks():
        (report,) = services.produce_quarterly_county_reports(datetime.date(2026, 1, 1))
    assert (report.period_start, report.period_end) == (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))


# --- Page layout of the PDF ----------------------------------------------------------------------


def page_lines(reader: PdfReader) -> list[list[str]]:
    """Each page's lines of text, without the page frame (running title, portal name, "Sida x av y")."""
    pages = []
    for page in reader.pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        lines = [
            line
            for line in lines
            if not re.fullmatch(r"(Trygghetsportalen\s*)?(Sida \d+ av \d+)?(\s*Trygghetsportalen)?", line)
            and "· Lägesrapport " not in line
        ]
        pages.append(lines)
    return pages


# What follows a described measure's heading: its facts table and its latest update.
CONTINUATION = re.compile(
    r"^(Ansvarig huvudaktör|Deltagande aktörer|Status|Framsteg|Måldatum|Senaste lägesrapport|Nästa steg:|Risker:|"
    r"Nästa delmål:)"
)
MEASURE_HEADING = re.compile(r"^\d+\. Insats \d+:")


@pytest.mark.parametrize("length", [1, 2, 3], ids=["short", "medium", "long"])
def test_a_measures_heading_facts_and_update_stay_on_one_page_and_no_page_holds_one_line(world, length):
    """A long list of described measures, with updates of different lengths so that the page breaks fall
    in different places: no page begins inside a measure (its facts or update away from its heading),
    none ends with a measure's heading, and none carries a single line of text."""
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    for number in range(1, 11):
        measure = MeasureFactory(
            plan=plan, number=number, title=f"Insats {number}: samverkan mot våld i nära relationer"
        )
        MeasureActorFactory(measure=measure, actor=world.police, role="lead")
        progress_update(
            measure,
            status_code="delayed",
            percent=30,
            date=datetime.date(2026, 6, 1),
            done_text="Kartläggning och utbildning av personal i samverkan med kommunerna. " * (length + number % 4),
            next_steps="Utvärdera arbetet med socialtjänsten.",
            risks="Personalbrist.",
        )
    report = county_report(world)
    services.build_report(report.pk)  # the real rendering, through the service the worker calls
    report.refresh_from_db()
    pages = page_lines(PdfReader(io.BytesIO(report.file.read())))

    measure_pages = [n for n, lines in enumerate(pages) if any(MEASURE_HEADING.match(line) for line in lines)]
    assert len(measure_pages) >= 3  # the list runs over several pages
    for n, lines in enumerate(pages, start=1):
        assert len(lines) != 1, f"page {n} holds a single line: {lines}"
        assert not CONTINUATION.match(lines[0]), f"page {n} begins inside a measure: {lines[:3]}"
        assert not MEASURE_HEADING.match(lines[-1]), f"page {n} ends with a measure's heading: {lines[-3:]}"


def test_the_status_is_replaced_inside_a_live_region_that_stays(client_as, world):
    """htmx swaps the polled status (outerHTML); a live region swapped away is not announced, so the
    region is its parent on the page and the polled fragment holds none."""
    report = county_report(world)
    client = client_as("steering_group")
    page = parsed.parse(client.get(f"/rapporter/{report.pk}/").content)
    (region,) = [e for e in page.iter() if e.get("aria-live")]
    assert region.get("role") == "status"
    assert [e.get("id") for e in region.iter() if e.get("id") == "report-status"] == ["report-status"]
    fragment = parsed.parse(client.get(f"/rapporter/{report.pk}/status/").content)
    assert [e for e in fragment.iter() if e.get("aria-live")] == []
