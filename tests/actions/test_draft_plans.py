"""A draft action plan and everything under it are for the county's coordinators (and the national
administrators) only: the municipal officers, actor contacts and steering group of the same county
get a 404 for each of its pages, files and API answers, and find nothing of it in lists, exports,
search, dashboards, reports or the choices of a form.

The world: Skåne's active plan (measure 1, led by the Police, Lund taking part) from the actions
conftest, and beside it a draft plan with a measure the Police leads and Lund joins, a document,
a progress update, an indicator with a value, a milestone, a working group and a support activity
of the county linked to the draft measure.
"""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import translation
from pypdf import PdfReader

from actions.models import (
    ActionPlan,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureActor,
    Milestone,
    PlanDocument,
    ProgressUpdate,
    SupportActivity,
    WorkingGroupMember,
)
from agreements.models import CooperationAgreement
from core.files.models import fill_document
from portal.dashboard import dashboard_for
from portal.models import Report, ReportKind, ReportStatus
from portal.reports import gather, services
from portal.search import search
from portal.services import issue_token
from tests.factories import (
    ActionPlanFactory,
    AgreementFactory,
    MeasureActorFactory,
    MeasureFactory,
    MilestoneFactory,
    PledgeFactory,
    pdf_upload,
    progress_update,
)
from tests.helpers import signed_in
from tests.parsed import find_all, labels, links, main, page, text

pytestmark = pytest.mark.django_db

# The rest of the county: they read its published plans, never its drafts.
READERS = ["municipal_officer", "actor_contact", "steering_group"]
# Those a draft is for.
OWNERS = ["county_coordinator", "national_admin"]
DRAFT_TITLE = "Planutkast nattvandring 2027"
DRAFT_MEASURE = "Nattvandring i hemlighet"


@pytest.fixture
def draft(world):
    plan = ActionPlanFactory(
        county=world.own_county,
        title=DRAFT_TITLE,
        status="draft",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2029, 12, 31),
        description="Nattvandring med föreningar, ännu inte beslutad.",
    )
    measure = MeasureFactory(plan=plan, number=1, title=DRAFT_MEASURE)
    MeasureActorFactory(measure=measure, actor=world.police, role="lead")
    measure.municipalities.add(world.own_municipality)
    update = progress_update(measure, status_code="at_risk", percent=10, done_text="Hemlig lägesrapport.")
    indicator = measure.indicators.create(name="Nattvandrare", unit="personer", target=30)
    value = indicator.values.create(date=datetime.date(2027, 3, 31), value=7)
    document = fill_document(PlanDocument(plan=plan), pdf_upload("Utkast.pdf"), None)
    document.save()
    activity = SupportActivity.objects.create(
        county=world.own_county,
        title="Hearing om nattvandring",
        kind="hearing",
        date=datetime.date(2026, 2, 15),
        organiser="Länsstyrelsen Skåne",
        measure=measure,
    )
    return SimpleNamespace(
        plan=plan,
        measure=measure,
        update=update,
        indicator=indicator,
        value=value,
        document=document,
        activity=activity,
        milestone=MilestoneFactory(measure=measure, due_date=datetime.date(2027, 6, 30)),
        member=WorkingGroupMember.objects.create(measure=measure, name="Eva", organisation="Polisen"),
    )


def urls(draft) -> dict[str, str]:
    return {
        "plan page": draft.plan.get_absolute_url(),
        "measures as CSV": f"{draft.plan.get_absolute_url()}?format=csv",
        "measures as Excel": f"{draft.plan.get_absolute_url()}?format=xlsx",
        "plan document": draft.document.get_absolute_url(),
        "measure page": draft.measure.get_absolute_url(),
        "progress update form": f"/insatser/{draft.measure.pk}/lagesrapport/",
        "milestone done": f"/delmal/{draft.milestone.pk}/klart/",
        "indicator form": draft.indicator.get_absolute_url(),
    }


# --- The querysets: the one place that says who reads a draft ------------------------------------


def rows_of(draft) -> dict:
    return {
        ActionPlan: draft.plan,
        PlanDocument: draft.document,
        Measure: draft.measure,
        MeasureActor: draft.measure.participants.get(),
        WorkingGroupMember: draft.member,
        Milestone: draft.milestone,
        ProgressUpdate: draft.update,
        Indicator: draft.indicator,
        IndicatorValue: draft.value,
    }


@pytest.mark.parametrize("role", READERS + OWNERS)
def test_every_row_under_a_draft_plan_is_visible_to_its_coordinators_only(world, draft, role):
    user = world.user(role)
    for model, row in rows_of(draft).items():
        visible = model.objects.visible_to(user).filter(pk=row.pk).exists()
        assert visible is (role in OWNERS), f"{model.__name__} of the draft plan, as {role}"
    # The published plan's rows stay readable by the whole county.
    assert Measure.objects.visible_to(user).filter(pk=world.own_measure.pk).exists()


def test_a_published_plan_is_read_again_by_the_county(world, draft):
    officer = world.user("municipal_officer")
    for status in ("active", "completed", "archived"):
        ActionPlan.objects.filter(pk=draft.plan.pk).update(status=status)
        assert all(
            model.objects.visible_to(officer).filter(pk=row.pk).exists() for model, row in rows_of(draft).items()
        ), status


def test_the_coordinator_of_another_county_does_not_read_the_draft(world, draft):
    from core.roles import Role
    from portal.models import Grant
    from tests.factories import UserFactory

    stockholm = Grant.objects.create(
        user=UserFactory(username="stockholm-samordnare"), role=Role.COUNTY_COORDINATOR, county=world.foreign_county
    ).user
    assert not Measure.objects.visible_to(stockholm).filter(pk=draft.measure.pk).exists()


# --- Pages, exports and documents ----------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_page_file_and_export_of_a_draft_is_404_for_the_rest_of_the_county(client, world, draft, role):
    signed_in(client, world, role)
    answers = {name: client.get(url).status_code for name, url in urls(draft).items()}
    assert answers == dict.fromkeys(answers, 404)


@pytest.mark.parametrize("role", OWNERS)
def test_the_coordinator_and_the_national_admin_read_the_draft_and_export_it(client, world, draft, role):
    signed_in(client, world, role)
    root = page(client.get(draft.plan.get_absolute_url()))
    assert DRAFT_TITLE in text(next(find_all(root, "h1")))
    assert client.get(draft.document.get_absolute_url()).status_code == 200
    export = client.get(f"{draft.plan.get_absolute_url()}?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == [DRAFT_MEASURE]


@pytest.mark.parametrize("role", OWNERS)
def test_the_draft_plan_page_tells_its_readers_who_else_sees_it(client, world, draft, role):
    signed_in(client, world, role)
    with translation.override("sv"):
        notices = [
            text(n) for n in find_all(main(page(client.get(draft.plan.get_absolute_url()))), "div", class_="alert")
        ]
        published = [
            text(n) for n in find_all(main(page(client.get(world.own_plan.get_absolute_url()))), "div", class_="alert")
        ]
    assert [n for n in notices if "utkast" in n] == [
        "Planen är ett utkast: bara länets samordnare ser den och dess insatser. Kommunerna, aktörerna och "
        "styrgruppen ser den när dess status är aktiv."
    ]
    assert [n for n in published if "utkast" in n] == []


@pytest.mark.parametrize("role", READERS + OWNERS)
def test_the_plan_list_names_a_draft_to_its_coordinators_only(client, world, draft, role):
    signed_in(client, world, role)
    shown = links(main(page(client.get(f"/lan/{world.own_county.code}/handlingsplaner/"))))
    assert shown.get(world.own_plan.get_absolute_url()) == world.own_plan.title
    assert (draft.plan.get_absolute_url() in shown) is (role in OWNERS)
    assert (DRAFT_TITLE in shown.values()) is (role in OWNERS)


@pytest.mark.parametrize("role", READERS + OWNERS)
def test_the_actor_page_lists_a_draft_measure_to_the_coordinators_only(client, world, draft, role):
    signed_in(client, world, role)
    shown = links(main(page(client.get(world.police.get_absolute_url()))))
    assert world.own_measure.get_absolute_url() in shown
    assert (draft.measure.get_absolute_url() in shown) is (role in OWNERS)


@pytest.mark.parametrize("role", READERS + OWNERS)
def test_support_activities_do_not_name_a_draft_measure_to_the_rest_of_the_county(client, world, draft, role):
    signed_in(client, world, role)
    listing = main(page(client.get(f"/lan/{world.own_county.code}/stodinsatser/")))
    row = next(r for r in find_all(listing, "tr") if "Hearing om nattvandring" in text(r))
    measure_cell = list(row)[-1]
    assert text(measure_cell) == (f"1. {DRAFT_MEASURE}" if role in OWNERS else "–")

    export = client.get(f"/lan/{world.own_county.code}/stodinsatser/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == "Hearing om nattvandring"
    assert rows[1][-1] == (f"1. {DRAFT_MEASURE}" if role in OWNERS else "")


# --- Search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS + OWNERS)
def test_search_finds_a_draft_plan_and_its_measures_for_its_coordinators_only(client, world, draft, role):
    signed_in(client, world, role)
    shown = links(main(page(client.get("/sok/", {"q": "nattvandring"}))))
    found = {url for url in (draft.plan.get_absolute_url(), draft.measure.get_absolute_url()) if url in shown}
    assert found == ({draft.plan.get_absolute_url(), draft.measure.get_absolute_url()} if role in OWNERS else set())
    for backend in ("fulltext", "plain"):
        titles = {result.title for result in search(world.user(role), "nattvandring", backend=backend)}
        assert (DRAFT_TITLE in titles and DRAFT_MEASURE in titles) is (role in OWNERS), backend


# --- API ------------------------------------------------------------------------------------------


@pytest.fixture
def api(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/hour", "anonymous": "100000/hour"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("role", READERS + OWNERS)
def test_the_api_with_a_token_serves_a_draft_to_its_coordinators_only(client, world, draft, api, role):
    _token, key = issue_token(world.user(role), "Nyckel")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    listed = {plan["id"] for plan in client.get("/api/plans/", {"county": "12"}, **headers).json()["results"]}
    detail = client.get(f"/api/plans/{draft.plan.pk}/", **headers)
    if role in OWNERS:
        assert listed == {world.own_plan.pk, draft.plan.pk}
        assert [m["title"] for m in detail.json()["measures"]] == [DRAFT_MEASURE]
    else:
        assert listed == {world.own_plan.pk}
        assert detail.status_code == 404
        assert detail.json()["error"]


def test_the_api_without_a_token_never_serves_a_draft(client, world, draft, api):
    listed = {plan["id"] for plan in client.get("/api/plans/").json()["results"]}
    assert draft.plan.pk not in listed
    assert world.own_plan.pk in listed
    assert client.get(f"/api/plans/{draft.plan.pk}/").status_code == 404


# --- Dashboards -----------------------------------------------------------------------------------


def _completed_plan_only(world):
    """The county's published plan is completed, so a newer draft would be its "current" plan."""
    ActionPlan.objects.filter(pk=world.own_plan.pk).update(status="completed")


@pytest.mark.parametrize("role", READERS)
def test_the_dashboard_pages_of_the_rest_of_the_county_name_no_draft(client, world, draft, role):
    _completed_plan_only(world)
    signed_in(client, world, role)
    shown = links(main(page(client.get("/"))))
    assert not {draft.plan.get_absolute_url(), draft.measure.get_absolute_url()} & set(shown)
    assert DRAFT_TITLE not in shown.values()


def test_the_steering_group_dashboard_summarises_the_published_plan_not_a_newer_draft(world, draft):
    _completed_plan_only(world)
    with translation.override("en"):
        sections = {s.role: s for s in dashboard_for(world.user("steering_group"))}
        coordinator = {s.role: s for s in dashboard_for(world.user("county_coordinator"))}
    assert sections["steering_group"].data.summary.plan == world.own_plan
    # The coordinator, whose draft it is, sees it as the county's newest plan.
    assert coordinator["county_coordinator"].data.summary.plan == draft.plan


def test_the_officer_and_actor_dashboards_list_no_draft_measure(world, draft):
    with translation.override("en"):
        officer = {s.role: s for s in dashboard_for(world.user("municipal_officer"))}["municipal_officer"]
        actor = {s.role: s for s in dashboard_for(world.user("actor_contact"))}["actor_contact"]
    assert [m.pk for m in officer.data.measures] == [world.own_measure.pk]
    assert [row.measure.pk for row in actor.data.measures] == [world.own_measure.pk]


# --- Reports --------------------------------------------------------------------------------------


def test_the_county_report_for_the_steering_group_leaves_a_draft_out(world, draft):
    _completed_plan_only(world)
    report = Report.objects.create(
        kind=ReportKind.COUNTY,
        county=world.own_county,
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    context = gather.county_context(report)
    assert context["plan"] == world.own_plan
    assert [m.pk for m in context["measures"]] == [world.own_measure.pk]
    assert not [u for u in context["changes"].updates if u.measure_id == draft.measure.pk]

    services.build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    printed = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(report.file.read())).pages)
    assert world.own_plan.title in printed
    assert DRAFT_TITLE not in printed
    assert DRAFT_MEASURE not in printed


# --- Form choices and the pages of agreements and pledges -----------------------------------------


@pytest.mark.parametrize("role", ["municipal_officer", "county_coordinator"])
@pytest.mark.parametrize("form", ["overenskommelser", "medborgarloften"])
def test_agreement_and_pledge_forms_offer_no_draft_measure(client, world, draft, role, form):
    signed_in(client, world, role)
    shown = labels(main(page(client.get(f"/kommuner/{world.own_municipality.code}/{form}/ny/"))))
    assert str(world.own_measure) in shown
    assert str(draft.measure) not in shown


def test_a_draft_measure_named_by_an_agreement_or_pledge_shows_to_the_coordinators_only(client, world, draft):
    agreement = AgreementFactory(municipality=world.own_municipality, status="active")
    pledge = PledgeFactory(municipality=world.own_municipality, agreement=agreement)
    for owner in (agreement, pledge):
        owner.related_measures.set([world.own_measure, draft.measure])
    for role in READERS + OWNERS:
        signed_in(client, world, role)
        for owner in (agreement, pledge):
            shown = links(main(page(client.get(owner.get_absolute_url()))))
            assert world.own_measure.get_absolute_url() in shown
            assert (draft.measure.get_absolute_url() in shown) is (role in OWNERS), (role, owner)


def test_saving_an_agreement_keeps_a_link_to_a_measure_the_officer_cannot_see(client, world, draft):
    agreement = AgreementFactory(municipality=world.own_municipality, status="active")
    agreement.related_measures.set([draft.measure])
    signed_in(client, world, "municipal_officer")
    response = client.post(
        f"/overenskommelser/{agreement.pk}/redigera/",
        {
            "title": agreement.title,
            "police_area": "Lund",
            "start_year": agreement.start_year,
            "end_year": agreement.end_year,
            "status": agreement.status,
            "step": agreement.step,
            "related_measures": [world.own_measure.pk],
            "version": agreement.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(CooperationAgreement.objects.get(pk=agreement.pk).related_measures.all()) == {
        world.own_measure,
        draft.measure,
    }
