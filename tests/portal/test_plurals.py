"""Counts read as Swedish: one municipality ("1 kommun har …"), two municipalities ("2 kommuner har
…"), on the dashboard, in the PDF report and on the report page; and "Antal" heads a column of
counts where the measures export keeps "Nummer" for a measure's number."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from core.roles import Role
from portal.models import Report, ReportKind, ReportStatus
from portal.reports import services
from tests.factories import (
    ActionPlanFactory,
    AgreementFactory,
    MeasureFactory,
    PledgeFactory,
    national_statuses,
)
from tests.parsed import XHTML, parse, text

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()  # noqa: DTZ011 - relative to the server's day, as the portal's own dates
DAY = datetime.timedelta(days=1)


def _pledges(municipality):
    """A pledge that has ended without a follow-up and one that is current."""
    PledgeFactory(municipality=municipality, period_start=TODAY - 300 * DAY, period_end=TODAY - 10 * DAY)
    PledgeFactory(municipality=municipality, period_start=TODAY - 10 * DAY, period_end=TODAY + 300 * DAY)


def _report_text(world) -> str:
    report = Report.objects.create(
        kind=ReportKind.COUNTY,
        county=world.own_county,
        period_start=TODAY - 365 * DAY,
        period_end=TODAY,
    )
    services.build_report(report.pk)
    report.refresh_from_db()
    reader = PdfReader(io.BytesIO(report.file.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_county_report_counts_one_municipality_and_then_two_in_their_own_forms(world):
    national_statuses()
    ActionPlanFactory(county=world.own_county)
    AgreementFactory(municipality=world.own_municipality)
    _pledges(world.own_municipality)
    one = _report_text(world)
    for sentence in (
        "1 av 2 kommuner har en aktiv samverkansöverenskommelse.",
        "1 medborgarlöfte är aktuellt.",
        "1 kommun har ett medborgarlöfte vars uppföljning saknas.",
        "0 kommuner har kvalitetsgranskats.",
    ):
        assert sentence in one, sentence
    assert "1 kommuner" not in one

    _pledges(world.neighbour_municipality)
    two = _report_text(world)
    for sentence in (
        "2 medborgarlöften är aktuella.",
        "2 kommuner har ett medborgarlöfte vars uppföljning saknas.",
    ):
        assert sentence in two, sentence


def _report_page(client, world, pages: int):
    report = Report.objects.create(
        kind=ReportKind.COUNTY,
        county=world.own_county,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        status=ReportStatus.DONE,
        page_count=pages,
        size=2048,
        finished_at=datetime.datetime(2026, 4, 1, 8, 0, tzinfo=datetime.UTC),
    )
    client.force_login(world.user(Role.COUNTY_COORDINATOR))
    page = parse(client.get(report.get_absolute_url()).content)
    (status,) = [e for e in page.iter() if e.get("id") == "report-status"]
    return text(status)


def test_the_report_page_says_one_page_or_pages(client, world):
    assert "Rapporten är klar (1 sida," in _report_page(client, world, 1)
    assert "Rapporten är klar (2 sidor," in _report_page(client, world, 2)


def _dashboard(client, world):
    client.force_login(world.user(Role.COUNTY_COORDINATOR))
    return parse(client.get("/").content)


def _by_test_id(page, value):
    (element,) = [e for e in page.iter() if e.get("data-testid") == value]
    return text(element)


def test_the_dashboard_counts_overdue_measures_in_singular_and_plural(client, world):
    national_statuses()
    plan = ActionPlanFactory(county=world.own_county)
    MeasureFactory(plan=plan, number=1, target_date=TODAY - 10 * DAY)
    assert _by_test_id(_dashboard(client, world), "coordinator-12-overdue-count") == "1 förfallen insats"
    MeasureFactory(plan=plan, number=2, target_date=TODAY - 5 * DAY)
    page = _dashboard(client, world)
    assert _by_test_id(page, "coordinator-12-overdue-count") == "2 förfallna insatser"
    assert _by_test_id(page, "coordinator-12-stale-count") == "0 insatser utan färsk lägesrapport"


def test_the_dashboards_count_column_is_headed_antal(client, world):
    page = _dashboard(client, world)
    (table,) = [e for e in page.iter() if e.get("data-testid") == "coordinator-12-agreements"]
    (caption,) = table.iter(f"{XHTML}caption")
    assert text(caption) == "Kommuner efter läget för samverkansöverenskommelse och medborgarlöften"
    assert [text(th) for th in table.find(f"{XHTML}thead").iter(f"{XHTML}th")] == ["Kommuner", "Antal"]
