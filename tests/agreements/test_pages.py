"""Municipal officers record agreements, pledges and follow-ups; the county reviews and sees the picture."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import CitizenPledge, CooperationAgreement, FollowUp, PledgeCommitment, QualityReview
from tests.factories import REVIEW_SCORES, AgreementFactory, CommitmentFactory, MunicipalityFactory, PledgeFactory
from tests.helpers import page_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client_as):
    return client_as("municipal_officer")


@pytest.fixture
def coordinator(client_as):
    return client_as("county_coordinator")


AGREEMENT = {
    "title": "Samverkansöverenskommelse Lund 2028–2031",
    "police_area": "Lokalpolisområde Lund",
    "start_year": "2028",
    "end_year": "2031",
    "status": "draft",
    "step": "initiate",
}


def test_officer_records_an_agreement_and_a_reversed_period_is_refused(officer, world):
    response = officer.post("/kommuner/1281/overenskommelser/ny/", {**AGREEMENT, "end_year": "2027"})
    assert "Perioden kan inte sluta innan den börjar." in response.content.decode()
    assert not CooperationAgreement.objects.filter(start_year=2028).exists()

    from agreements.models import FocusArea

    areas = list(FocusArea.objects.filter(county__isnull=True).values_list("pk", flat=True))
    response = officer.post("/kommuner/1281/overenskommelser/ny/", {**AGREEMENT, "focus_areas": areas}, follow=True)
    agreement = CooperationAgreement.objects.get(start_year=2028)
    assert agreement.municipality == world.own_municipality
    assert agreement.focus_areas.count() == 5
    page = page_source(response)
    assert "Trygghetsskapande åtgärder på offentliga platser" in page
    assert "Brott mot äldre personer" in page


def test_problem_cause_goal_chain_and_deliverables(officer, world):
    agreement = world.own_agreement
    data = {
        "problems-TOTAL_FORMS": "1",
        "problems-INITIAL_FORMS": "0",
        "problems-0-problem": "Bedrägerier mot äldre ökar.",
        "problems-0-causes": "Nya bedrägeriupplägg via telefon.",
        "problems-0-goal": "Färre anmälda bedrägerier mot äldre 2027.",
    }
    assert officer.post(f"/overenskommelser/{agreement.pk}/problem/", data).status_code == 302
    data = {
        "deliverables-TOTAL_FORMS": "1",
        "deliverables-INITIAL_FORMS": "0",
        "deliverables-0-title": "Åtgärdsplan till kommunstyrelsen",
        "deliverables-0-due_date": "2024-12-31",
    }
    assert officer.post(f"/overenskommelser/{agreement.pk}/leveranser/", data).status_code == 302
    page = page_source(officer.get(f"/overenskommelser/{agreement.pk}/"))
    assert "Nya bedrägeriupplägg via telefon." in page
    assert "Åtgärdsplan till kommunstyrelsen" in page


def test_a_pledge_is_drafted_given_commitments_and_then_published(officer, world):
    data = {
        "title": "Medborgarlöfte Lund 2027",
        "police_area": "Lokalpolisområde Lund",
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "background": "Otrygghet vid stationen.",
        "status": "published",
    }
    refused = officer.post("/kommuner/1281/medborgarloften/ny/", data)
    assert "Spara löftet som utkast först" in refused.content.decode()
    response = officer.post("/kommuner/1281/medborgarloften/ny/", {**data, "status": "draft"})
    pledge = CitizenPledge.objects.get(title="Medborgarlöfte Lund 2027")
    assert response["Location"] == f"/medborgarloften/{pledge.pk}/atagon/"

    commitments = {
        "commitments-TOTAL_FORMS": "2",
        "commitments-INITIAL_FORMS": "0",
        "commitments-0-commitment": "Trygghetsvandringar varje månad.",
        "commitments-0-party": "both",
        "commitments-0-status": "planned",
        "commitments-1-commitment": "Bättre belysning.",
        "commitments-1-status": "planned",
    }
    without_party = officer.post(f"/medborgarloften/{pledge.pk}/atagon/", commitments)
    assert without_party.status_code == 200
    assert "Detta fält måste fyllas i." in without_party.content.decode()
    assert not PledgeCommitment.objects.filter(pledge=pledge).exists()

    commitments.update({"commitments-1-party": "other", "commitments-1-other_party": ""})
    unnamed = officer.post(f"/medborgarloften/{pledge.pk}/atagon/", commitments)
    assert "Ange vilken aktör som genomför åtagandet." in unnamed.content.decode()

    commitments["commitments-1-other_party"] = "Skånetrafiken"
    assert officer.post(f"/medborgarloften/{pledge.pk}/atagon/", commitments).status_code == 302
    page = officer.get(f"/medborgarloften/{pledge.pk}/redigera/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    basis = re.search(r'name="version_basis" value="([^"]*)"', page)
    publish = {**data, "status": "published", "version": version}
    if basis:
        import html

        publish["version_basis"] = html.unescape(basis.group(1))
    assert officer.post(f"/medborgarloften/{pledge.pk}/redigera/", publish).status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "published"
    assert pledge.published_on == timezone.localdate()
    printable = page_source(officer.get(f"/medborgarloften/{pledge.pk}/utskrift/"))
    assert "Skånetrafiken" in printable
    assert "Trygghetsvandringar varje månad." in printable


def test_a_follow_up_answers_each_commitment_and_updates_its_status(officer, world):
    pledge = world.own_pledge
    second = CommitmentFactory(pledge=pledge, commitment="Belysning vid stationen")
    first = pledge.commitments.exclude(pk=second.pk).get()
    form = page_source(officer.get(f"/medborgarloften/{pledge.pk}/uppfoljning/"))
    assert "Punkt 1 av 2" in form
    assert "Belysning vid stationen" in form
    data = {
        "date": "2026-11-01",
        "assessment": "partly",
        "summary": "Vandringarna pågår; belysningen är klar.",
        f"status_{first.pk}": "ongoing",
        f"status_{second.pk}": "done",
        f"comment_{second.pk}": "Klart i oktober.",
    }
    assert officer.post(f"/medborgarloften/{pledge.pk}/uppfoljning/", data).status_code == 302
    follow_up = FollowUp.objects.get(pledge=pledge)
    assert follow_up.assessment == "partly"
    assert {i.commitment_id: i.status for i in follow_up.items.all()} == {first.pk: "ongoing", second.pk: "done"}
    second.refresh_from_db()
    assert second.status == "done"
    assert "Klart i oktober." in page_source(officer.get(f"/medborgarloften/{pledge.pk}/"))


def test_a_follow_up_of_a_draft_pledge_is_refused_and_nothing_saved(officer, world):
    CommitmentFactory(pledge=world.own_draft)
    commitment = world.own_draft.commitments.get()
    data = {"date": "2026-11-01", "assessment": "good", "summary": "x", f"status_{commitment.pk}": "done"}
    response = officer.post(f"/medborgarloften/{world.own_draft.pk}/uppfoljning/", data)
    assert response.status_code == 200
    assert "Bara ett publicerat löfte kan följas upp" in response.content.decode()
    assert not FollowUp.objects.filter(pledge=world.own_draft).exists()


@pytest.mark.parametrize(
    ("score", "message"), [("4", "mindre än eller lika med 3"), ("-1", "större än eller lika med 0")]
)
def test_a_review_score_out_of_range_is_refused(coordinator, world, score, message):
    data = {**{k: str(v) for k, v in REVIEW_SCORES.items()}, "date": "2026-11-01", "measurable_goals": score}
    response = coordinator.post(f"/medborgarloften/{world.own_pledge.pk}/granskning/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert QualityReview.objects.filter(pledge=world.own_pledge).count() == 1


def test_the_coordinator_reviews_and_the_municipality_reads_it(client_as, world):
    client = client_as("county_coordinator")
    data = {**dict.fromkeys(REVIEW_SCORES, "3"), "date": "2026-11-01", "comments": "Tydlig orsaksanalys."}
    assert client.post(f"/medborgarloften/{world.own_pledge.pk}/granskning/", data).status_code == 302
    client = client_as("municipal_officer")
    page = page_source(client.get(f"/medborgarloften/{world.own_pledge.pk}/"))
    assert "24 av 24 poäng (100\xa0%)" in page  # a percentage as everywhere: no-break space
    assert "Tydlig orsaksanalys." in page
    assert client.post(f"/medborgarloften/{world.own_pledge.pk}/granskning/", data).status_code == 403


def test_county_view_shows_agreements_pledges_follow_ups_scores_and_trend(coordinator, world):
    old = PledgeFactory(
        municipality=world.own_municipality,
        title="Löfte Lund 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
    )
    QualityReview.objects.create(
        municipality=world.own_municipality,
        pledge=old,
        date=datetime.date(2025, 2, 1),
        **{**REVIEW_SCORES, "cause_analysis": 0},
    )
    QualityReview.objects.filter(pledge=world.own_pledge).update(date=datetime.date(2026, 2, 1))
    response = coordinator.get("/lan/12/overenskommelser/")
    lund = next(r for r in response.context["rows"] if r.municipality.code == "1281")
    assert lund.agreement == world.own_agreement
    assert [p.title for p in lund.current_pledges] == ["Löfte Lund", "Utkast Lund"]
    assert [p.title for p in lund.follow_up_missing] == ["Löfte Lund 2025"]
    assert lund.review_trend == [58, 67]
    page = page_source(response)
    assert "1 saknas" in page
    filtered = coordinator.get("/lan/12/overenskommelser/?state=no_agreement")
    assert [r.municipality.code for r in filtered.context["rows"]] == ["1293"]


def test_county_view_exports_as_filtered(coordinator, world):
    response = coordinator.get("/lan/12/overenskommelser/?format=csv&q=lund")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = content.strip().splitlines()
    assert lines[0].startswith("Kommun;Överenskommelse;Period")
    assert len(lines) == 2
    assert lines[1].startswith("Lund;Överenskommelse Lund;2024–2027")


def test_county_view_queries_do_not_grow_with_municipalities_and_pledges(coordinator, world):
    def grow(n):
        for _ in range(n):
            municipality = MunicipalityFactory(county=world.own_county)
            agreement = AgreementFactory(municipality=municipality)
            for _ in range(3):
                pledge = PledgeFactory(municipality=municipality, agreement=agreement)
                CommitmentFactory(pledge=pledge)
                QualityReview.objects.create(municipality=municipality, pledge=pledge, **REVIEW_SCORES)
            agreement.deliverables.create(title="Leverans", due_date=timezone.localdate())

    grow(1)
    with CaptureQueriesContext(connection) as small:
        coordinator.get("/lan/12/overenskommelser/")
    grow(8)
    with CaptureQueriesContext(connection) as large:
        coordinator.get("/lan/12/overenskommelser/")
    assert len(small) == len(large) <= 15


@pytest.mark.parametrize("page", ["pledge", "agreement"])
def test_detail_pages_queries_do_not_grow(coordinator, world, page):
    pledge, agreement = world.own_pledge, world.own_agreement

    def grow(n):
        for i in range(n):
            commitment = CommitmentFactory(pledge=pledge)
            follow_up = FollowUp.objects.create(
                municipality=world.own_municipality, pledge=pledge, assessment="good", summary="ok"
            )
            follow_up.items.create(commitment=commitment, status="done")
            QualityReview.objects.create(municipality=world.own_municipality, pledge=pledge, **REVIEW_SCORES)
            deliverable = agreement.deliverables.create(title=f"Leverans {i}", due_date=datetime.date(2027, 1, 1))
            agreement.signatories.create(name=f"Person {i}", title="Chef", organisation="Polisen")
            agreement.problems.create(problem="P", causes="C", goal="G")
            agreement_follow_up = FollowUp.objects.create(
                municipality=world.own_municipality, agreement=agreement, assessment="good", summary="ok"
            )
            agreement_follow_up.items.create(deliverable=deliverable, status="ongoing")
            QualityReview.objects.create(municipality=world.own_municipality, agreement=agreement, **REVIEW_SCORES)

    url = f"/medborgarloften/{pledge.pk}/" if page == "pledge" else f"/overenskommelser/{agreement.pk}/"
    grow(1)
    with CaptureQueriesContext(connection) as small:
        coordinator.get(url)
    grow(6)
    with CaptureQueriesContext(connection) as large:
        coordinator.get(url)
    assert len(small) == len(large) <= 25


@pytest.mark.parametrize(
    ("url", "header"),
    [
        ("/lan/12/medborgarloften/", "Kommun;Medborgarlöfte;Period från"),
        ("/lan/12/uppfoljningar/", "Datum;Kommun;Följer upp"),
        ("/lan/12/granskningar/", "Datum;Kommun;Granskat"),
    ],
)
def test_county_lists_filter_page_and_export_what_is_shown(coordinator, world, url, header):
    pledge = world.own_pledge
    FollowUp.objects.create(municipality=world.own_municipality, pledge=pledge, assessment="good", summary="=1+1")
    page = coordinator.get(url + "?q=lund")
    assert page.status_code == 200
    assert "Solna" not in page.content.decode()
    export = coordinator.get(url + "?q=lund&format=csv")
    lines = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith(header)
    assert all(";Lund;" in line or line.startswith("Lund;") for line in lines[1:])
    assert len(lines) >= 2
    assert coordinator.get(url + "?q=lund&year=2001").context["page"].paginator.count == 0


def test_the_pledge_list_counts_each_pledges_commitments_and_follow_ups(coordinator, world):
    pledge = world.own_pledge
    commitments = pledge.commitments.count()
    CommitmentFactory(pledge=pledge)
    CommitmentFactory(pledge=pledge)
    for _ in range(3):
        FollowUp.objects.create(municipality=world.own_municipality, pledge=pledge, assessment="good", summary="Ok")
    export = coordinator.get("/lan/12/medborgarloften/?q=lund&format=csv")
    rows = [line.split(";") for line in b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]]
    (row,) = [r for r in rows if r[1] == pledge.title]
    assert row[-2:] == [str(commitments + 2), "3"]
    page = coordinator.get("/lan/12/medborgarloften/?q=lund").content.decode()
    assert f'<td class="text-end">{commitments + 2}</td><td class="text-end">3</td>' in page


def test_a_follow_up_summary_that_looks_like_a_formula_is_neutralised_in_exports(coordinator, world):
    FollowUp.objects.create(
        municipality=world.own_municipality, pledge=world.own_pledge, assessment="good", summary='=HYPERLINK("x")'
    )
    content = b"".join(coordinator.get("/lan/12/uppfoljningar/?format=csv").streaming_content).decode("utf-8-sig")
    assert ';"\'=HYPERLINK(""x"")";' in content


def test_list_pages_are_paginated(coordinator, world):
    for _ in range(55):
        PledgeFactory(municipality=world.neighbour_municipality)
    first = coordinator.get("/lan/12/medborgarloften/")
    assert len(first.context["page"].object_list) == 50
    assert "Sida 1 av 2" in first.content.decode()
    # 55 new pledges and the world's two in Lund; Solna's lies in another county.
    assert len(coordinator.get("/lan/12/medborgarloften/?page=2").context["page"].object_list) == 7


def test_a_draft_agreements_deadlines_are_its_owners_only(client_as, world):
    from agreements.models import Deliverable
    from agreements.queries import county_agreements
    from core.roles import Role

    draft = AgreementFactory(municipality=world.own_municipality, title="Utkast till överenskommelse", status="draft")
    due = timezone.localdate() + datetime.timedelta(days=5)
    Deliverable.objects.create(agreement=draft, title="Hemlig leverans", due_date=due)
    Deliverable.objects.create(agreement=world.own_agreement, title="Öppen leverans", due_date=due)

    def deadline_titles(user):
        rows = county_agreements(world.own_county, user)
        return {d.title for row in rows for d in row.deadlines}

    assert {"Hemlig leverans", "Öppen leverans"} <= deadline_titles(world.user(Role.COUNTY_COORDINATOR))
    assert {"Hemlig leverans", "Öppen leverans"} <= deadline_titles(world.user(Role.MUNICIPAL_OFFICER))
    for role in (Role.STEERING_GROUP, Role.ACTOR_CONTACT):
        assert "Hemlig leverans" not in deadline_titles(world.user(role)), role
        assert "Öppen leverans" in deadline_titles(world.user(role)), role
    assert "Hemlig leverans" not in deadline_titles(None)  # the steering group's PDF report

    client = client_as(Role.STEERING_GROUP)
    page = client.get(f"/kommuner/{world.own_municipality.code}/overenskommelser/").content.decode()
    assert "Öppen leverans" in page
    assert "Hemlig leverans" not in page
