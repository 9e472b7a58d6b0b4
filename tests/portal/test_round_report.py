"""The report of a follow-up round: what it says of the round, which round the quarterly job reports
on, and who may ask for it from the round's page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from actions.models import FollowUpRound, ProgressUpdate, RoundRequest, RoundStatus
from core.roles import Role
from portal.models import Report, ReportKind, ReportStatus
from portal.reports import gather, render, services
from tests import parsed
from tests.factories import (
    ActionPlanFactory,
    GrantFactory,
    MeasureActorFactory,
    MeasureFactory,
    UserFactory,
    national_statuses,
)

pytestmark = pytest.mark.django_db

TITLES = {
    1: "Utvecklad avhopparverksamhet",
    2: "Färre återfall i brott",
    3: "Trygghetsvandringar i centrum",
    4: "Föräldrastöd i skolan",
    5: "Belysning i parker",
    6: "Samverkan mot klotter",
}


def make_round(plan, title, start, end, *, closed_at=None) -> FollowUpRound:
    return FollowUpRound.objects.create(
        plan=plan,
        title=title,
        period_start=start,
        period_end=end,
        deadline=end + datetime.timedelta(days=14),
        status=RoundStatus.CLOSED if closed_at else RoundStatus.OPEN,
        closed_at=closed_at,
    )


def answer(round_, measure, state=None, *, status="on_track", percent=50, done_text="Arbete utfört.", opened=False):
    """The measure's request in ``round_``: unanswered (``state`` None), or with an update in ``state``."""
    update = None
    if state is not None:
        update = ProgressUpdate.objects.create(
            measure=measure,
            status=national_statuses()[status],
            percent=percent,
            date=round_.period_end,
            done_text=done_text,
            state=state,
        )
    return RoundRequest.objects.create(
        round=round_, measure=measure, update=update, opened_at=timezone.now() if opened else None
    )


@pytest.fixture
def plan(world):
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    for number, title in TITLES.items():
        measure = MeasureFactory(plan=plan, number=number, title=title)
        MeasureActorFactory(measure=measure, actor=world.police, role="lead")
    return plan


def measure(plan, number):
    return plan.measures.get(number=number)


@pytest.fixture
def rounds(plan):
    """Quarter 3, closed, with measures 1 and 2 approved; quarter 4, closed, with one request in each state:
    1 approved (delayed → on track), 2 submitted, 3 returned, 4 asked and never opened, 5 opened, 6 a draft."""
    q3 = make_round(
        plan,
        "Uppföljning kvartal 3 2026",
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
        closed_at=datetime.datetime(2026, 10, 20, 12, tzinfo=datetime.UTC),
    )
    answer(q3, measure(plan, 1), "approved", status="delayed", percent=20)
    answer(q3, measure(plan, 2), "approved", status="on_track", percent=40)
    q4 = make_round(
        plan,
        "Uppföljning kvartal 4 2026",
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
        closed_at=datetime.datetime(2027, 1, 20, 12, tzinfo=datetime.UTC),
    )
    answer(q4, measure(plan, 1), "approved", percent=45, done_text="Tolv avhoppare fick stöd under kvartalet.")
    answer(q4, measure(plan, 2), "submitted", status="done", percent=100, done_text="Hemlig inlämnad text.")
    answer(q4, measure(plan, 3), "returned", done_text="Återsänd text.")
    answer(q4, measure(plan, 4))
    answer(q4, measure(plan, 5), opened=True)
    answer(q4, measure(plan, 6), "draft", done_text="Utkastets text.")
    return q3, q4


def round_report(round_, **fields) -> Report:
    return Report.objects.create(
        kind=ReportKind.COUNTY,
        county=round_.plan.county,
        period_start=round_.period_start,
        period_end=round_.period_end,
        round=round_,
        **fields,
    )


def numbers(listed: gather.Listed) -> list[int]:
    return [item.measure.number for item in listed.shown]


# --- What the report says of the round ---------------------------------------------------------


def test_the_round_account_lists_approved_missing_and_not_yet_approved_measures(rounds):
    _q3, q4 = rounds
    account = gather.round_account(q4)
    assert numbers(account.approved) == [1]
    assert numbers(account.missing) == [4, 5]
    assert numbers(account.under_review) == [2, 3, 6]
    assert [item.state_code for item in account.under_review.shown] == ["submitted", "returned", "draft"]
    assert (account.total, account.approved.count, account.missing.count, account.under_review.count) == (6, 1, 2, 3)


def test_the_change_since_the_previous_round_compares_approved_updates_then_and_now(rounds):
    q3, q4 = rounds
    account = gather.round_account(q4)
    assert account.previous == q3
    rows = {c.measure.number: (c.then, c.now, c.changed) for c in account.changes.shown}
    assert rows[1] == (gather.Standing("Försenad", 20), gather.Standing("Enligt plan", 45), True)
    # Measure 2 was approved in quarter 3; its quarter 4 update waits for review, so there is no "now" yet.
    assert rows[2] == (gather.Standing("Enligt plan", 40), None, False)
    assert rows[4] == (None, None, False)
    assert list(rows) == [1, 2, 3, 4, 5, 6]


def test_the_first_round_of_a_plan_has_nothing_to_compare_with(rounds):
    q3, _q4 = rounds
    account = gather.round_account(q3)
    assert account.previous is None
    assert all(change.then is None for change in account.changes.shown)


def test_the_report_of_a_round_covers_the_rounds_plan_not_the_countys_current_one(world, rounds):
    _q3, q4 = rounds
    newer = ActionPlanFactory(county=world.own_county, title="En nyare plan", status="active")
    MeasureFactory(plan=newer, number=1, title="Insats i den nyare planen")
    context = services.build_context(round_report(q4))
    assert context["plan"] == q4.plan
    assert context["round"].round == q4
    assert (
        services.build_context(Report.objects.create(kind=ReportKind.COUNTY, county=world.own_county, **PERIOD))[
            "round"
        ]
        is None
    )


PERIOD = {"period_start": datetime.date(2026, 10, 1), "period_end": datetime.date(2026, 12, 31)}


def rendered_round_section(report):
    html = render.render_html("reports/county_report.html", services.build_context(report))
    return parsed.by_id(parsed.parse(html), "round")


def test_the_rendered_report_lists_the_approved_update_and_the_missing_and_waiting_measures(rounds):
    _q3, q4 = rounds
    section = rendered_round_section(round_report(q4))
    approved = parsed.rows(
        parsed.table(
            section, "Insatserna vars lägesrapport i omgången är godkänd: status, framsteg och vad som har gjorts"
        )
    )
    assert [[cell.replace("\xa0", " ") for cell in row] for row in approved[1:]] == [
        ["1. Utvecklad avhopparverksamhet", "Enligt plan", "45 %", "Tolv avhoppare fick stöd under kvartalet."]
    ]
    lists = {parsed.text(h): h for h in parsed.find_all(section, "h3")}
    assert set(lists) >= {
        "Godkända lägesrapporter",
        "Lägesrapporter som saknas",
        "Lägesrapporter som inte är godkända ännu",
    }
    items = [parsed.text(li) for li in parsed.find_all(section, "li")]
    assert any(TITLES[4] in item and item.endswith("inte öppnad") for item in items)
    assert any(TITLES[5] in item and item.endswith("öppnad men inte besvarad") for item in items)
    assert any(TITLES[2] in item and item.endswith("inlämnad") for item in items)
    assert any(TITLES[3] in item and item.endswith("återsänd för komplettering") for item in items)
    assert any(TITLES[6] in item and item.endswith("utkast") for item in items)
    change = parsed.rows(
        parsed.table(
            section,
            "Varje insats enligt dess godkända lägesrapport i föregående omgång, Uppföljning kvartal 3 2026 "
            "(2026-07-01 – 2026-09-30), och i den här",
        )
    )
    by_title = {row[0]: row[1:] for row in change[1:]}
    first = next(cells for title, cells in by_title.items() if TITLES[1] in title)
    assert [cell.replace("\xa0", " ") for cell in first] == ["Försenad, 20 %", "Enligt plan, 45 % (ändrad)"]
    fourth = next(cells for title, cells in by_title.items() if TITLES[4] in title)
    assert fourth == ["Ingen godkänd lägesrapport", "Ingen godkänd lägesrapport"]


def test_the_pdf_of_a_round_uses_approved_updates_only(rounds):
    _q3, q4 = rounds
    report = round_report(q4)
    services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.file.read())).pages)
    assert "Uppföljning kvartal 4 2026" in text
    assert "Tolv avhoppare fick stöd under kvartalet." in text
    for title in TITLES.values():
        assert title in text, title
    # What waits for review, was returned or is a draft is its authors' and the coordinators', not the report's.
    for secret in ("Hemlig inlämnad text.", "Återsänd text.", "Utkastets text."):
        assert secret not in text, secret


def test_gathering_a_round_takes_the_same_number_of_queries_for_a_larger_round(world, plan, rounds):
    q3, q4 = rounds

    def grow(numbers):
        for number in numbers:
            added = MeasureFactory(plan=plan, number=number)
            MeasureActorFactory(measure=added, actor=world.police, role="lead")
            answer(q3, added, "approved")
            answer(q4, added, ("approved", "submitted", None)[number % 3], opened=number % 2 == 0)

    def gather_queries():
        report = round_report(q4)
        with CaptureQueriesContext(connection) as queries:
            services.build_context(report)
        return len(queries)

    # Both sizes past DETAILED_MEASURES, so the plan's part of the report is summarised at both.
    grow(range(10, 10 + gather.DETAILED_MEASURES))
    small = gather_queries()
    grow(range(100, 130))
    assert gather_queries() == small
    assert gather.round_account(q4).total == len(TITLES) + gather.DETAILED_MEASURES + 30


def test_a_long_round_is_summarised(world, plan):
    round_ = make_round(plan, "Stor omgång", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    for number in range(10, 10 + gather.ROUND_ROWS_LISTED + 5):
        answer(round_, MeasureFactory(plan=plan, number=number))
    account = gather.round_account(round_)
    assert len(account.missing.shown) == gather.ROUND_ROWS_LISTED
    assert (account.missing.count, account.missing.unlisted) == (gather.ROUND_ROWS_LISTED + 5, 5)
    section = rendered_round_section(round_report(round_))
    assert "Och 5 insatser till." in [parsed.text(p) for p in parsed.find_all(section, "p")]


# --- The quarterly report ------------------------------------------------------------------------


def closed_on(plan, title, day: datetime.date) -> FollowUpRound:
    start = day - datetime.timedelta(days=80)
    return make_round(
        plan,
        title,
        start,
        start + datetime.timedelta(days=60),
        closed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15))),
    )


def test_the_quarterly_job_reports_on_the_round_that_closed_last_in_the_quarter_once(
    world, plan, django_capture_on_commit_callbacks
):
    closed_on(plan, "Stängd förra kvartalet", datetime.date(2026, 9, 30))
    closed_on(plan, "Stängd i oktober", datetime.date(2026, 10, 15))
    last = closed_on(plan, "Stängd i december", datetime.date(2026, 12, 20))
    make_round(plan, "Fortfarande öppen", datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    closed_on(plan, "Stängd efter kvartalet", datetime.date(2027, 1, 2))
    with django_capture_on_commit_callbacks() as callbacks:
        (report,) = services.produce_quarterly_county_reports(datetime.date(2027, 1, 5))
    assert report.round == last
    assert (report.period_start, report.period_end) == (last.period_start, last.period_end)
    assert (report.kind, report.county, report.requested_by) == (ReportKind.COUNTY, world.own_county, None)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as again:
        assert services.produce_quarterly_county_reports(datetime.date(2027, 1, 5)) == []
    assert again == []
    assert list(Report.objects.values_list("round__title", flat=True)) == ["Stängd i december"]


def test_a_report_a_coordinator_asked_for_does_not_stand_in_for_the_scheduled_one(world, plan):
    last = closed_on(plan, "Stängd i december", datetime.date(2026, 12, 20))
    services.request_round_report(last, user=world.user(Role.COUNTY_COORDINATOR))
    (report,) = services.produce_quarterly_county_reports(datetime.date(2027, 1, 5))
    assert (report.round, report.requested_by) == (last, None)


def test_a_county_without_a_round_closed_in_the_quarter_gets_the_quarters_report_once(world, plan):
    closed_on(plan, "Stängd förra kvartalet", datetime.date(2026, 9, 30))
    (report,) = services.produce_quarterly_county_reports(datetime.date(2027, 1, 5))
    assert report.round is None
    assert (report.period_start, report.period_end) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert services.produce_quarterly_county_reports(datetime.date(2027, 1, 5)) == []
    assert Report.objects.count() == 1


def test_each_county_gets_its_own_rounds_report(world, plan):
    GrantFactory(user=UserFactory(), role=Role.STEERING_GROUP, county=world.foreign_county)
    foreign_plan = ActionPlanFactory(county=world.foreign_county)
    own = closed_on(plan, "Skånes omgång", datetime.date(2026, 11, 1))
    foreign = closed_on(foreign_plan, "Stockholms omgång", datetime.date(2026, 12, 1))
    reports = services.produce_quarterly_county_reports(datetime.date(2027, 1, 5))
    assert {(r.county, r.round) for r in reports} == {(world.own_county, own), (world.foreign_county, foreign)}


# --- Asking for it from the round's page -----------------------------------------------------------


def round_page(client, round_):
    return parsed.page(client.get(round_.get_absolute_url()))


def report_button(page):
    section = parsed.by_id(page, "round-reports-heading")
    forms = [
        form
        for form in parsed.find_all(page, "form")
        if any(i.get("name") == "round" for i in parsed.find_all(form, "input"))
    ]
    return section, forms


def test_a_coordinator_asks_for_the_rounds_report_from_the_round_page(
    client_as, world, rounds, django_capture_on_commit_callbacks
):
    _q3, q4 = rounds
    client = client_as(Role.COUNTY_COORDINATOR)
    heading, (form,) = report_button(round_page(client, q4))
    assert parsed.text(heading) == "Omgångens rapport"
    assert form.get("action") == "/lan/12/rapporter/"
    assert [parsed.text(b) for b in parsed.find_all(form, "button")] == ["Ta fram omgångens rapport"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(form.get("action"), {"round": q4.pk})
    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert len(callbacks) == 1
    assert (report.round, report.kind, report.requested_by) == (q4, ReportKind.COUNTY, world.user("county_coordinator"))
    assert (report.period_start, report.period_end) == (q4.period_start, q4.period_end)

    detail = parsed.main(parsed.page(client.get(report.get_absolute_url())))
    assert parsed.links(detail)[q4.get_absolute_url()] == "Uppföljning kvartal 4 2026"
    listing = parsed.page(client.get("/lan/12/rapporter/"))
    table = parsed.table(listing, "Rapporter, senaste först")
    header, row = parsed.rows(table)
    assert row[header.index("Uppföljningsomgång")] == "Uppföljning kvartal 4 2026"
    # And the round's page links to it.
    assert report.get_absolute_url() in parsed.links(parsed.main(round_page(client, q4)))


@pytest.mark.parametrize(
    ("role", "status"),
    [("steering_group", 302), ("national_admin", 302), ("municipal_officer", 403), ("actor_contact", 403)],
)
def test_who_else_may_ask_for_a_rounds_report(client_as, rounds, role, status):
    _q3, q4 = rounds
    response = client_as(role).post("/lan/12/rapporter/", {"round": q4.pk})
    assert response.status_code == status
    assert Report.objects.filter(round=q4).count() == (1 if status == 302 else 0)


def test_the_round_page_offers_the_report_to_coordinators_only(client_as, rounds):
    _q3, q4 = rounds
    _heading, forms = report_button(round_page(client_as("steering_group"), q4))
    assert forms == []


def test_a_foreign_round_is_not_found(client, world, rounds):
    _q3, q4 = rounds
    stockholm = GrantFactory(user=UserFactory(), role=Role.COUNTY_COORDINATOR, county=world.foreign_county).user
    client.force_login(stockholm)
    assert client.post("/lan/01/rapporter/", {"round": q4.pk}).status_code == 404
    assert client.post("/lan/12/rapporter/", {"round": q4.pk}).status_code == 404
    assert not Report.objects.exists()


def test_a_round_of_another_county_named_in_this_countys_form_is_not_found(client_as, world, rounds):
    foreign = make_round(
        ActionPlanFactory(county=world.foreign_county),
        "Stockholm",
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    client = client_as(Role.COUNTY_COORDINATOR)
    for value in (foreign.pk, "inte-ett-tal", 999999, "9" * 30, "1\x00", ""):
        assert client.post("/lan/12/rapporter/", {"round": value}).status_code == 404, value
    assert not Report.objects.exists()
