"""Every URL of the agreements app, for every role, against own (Lund, Skåne) and foreign (Solna) objects,
and against Lund's drafts, which only Lund's officers and Skåne's coordinators may see."""

import pytest
from django.urls import reverse

from agreements.models import AgreementDocument
from core.roles import Role
from portal.models import Grant
from tests.factories import AgreementFactory, UserFactory, pdf_upload
from tests.matrix import Row, check_row, expect, matrix_cases, uncovered

pytestmark = pytest.mark.django_db

FOREIGN = expect(404, anonymous=302, national_admin=200)
READ = {"own": expect(200, anonymous=302), "foreign": FOREIGN}
CHANGE = {
    "own": expect(200, anonymous=302, actor_contact=403, steering_group=403),
    "foreign": FOREIGN,
}
REVIEW = {
    "own": expect(403, anonymous=302, county_coordinator=200, national_admin=200),
    "foreign": FOREIGN,
}
# A draft is hidden from everyone but its municipality's officers and the county's coordinators.
DRAFT = expect(404, anonymous=302, county_coordinator=200, municipal_officer=200, national_admin=200)
READ_DRAFT = {**READ, "draft": DRAFT}
CHANGE_DRAFT = {**CHANGE, "draft": DRAFT}
REVIEW_DRAFT = {**REVIEW, "draft": {**DRAFT, "municipal_officer": 403}}


@pytest.fixture
def world(world):
    from core.files.models import fill_document

    world.draft_agreement = AgreementFactory(
        municipality=world.own_municipality, title="Utkast till överenskommelse", status="draft"
    )
    world.draft_pledge = world.own_draft
    for side in ("own", "foreign", "draft"):
        agreement = getattr(world, f"{side}_agreement")
        document = fill_document(AgreementDocument(agreement=agreement), pdf_upload("Överenskommelse.pdf"), None)
        document.save()
        setattr(world, f"{side}_document", document)
    return world


def county(world, side):
    return {"code": (world.own_county if side == "own" else world.foreign_county).code}


def municipality(world, side):
    return {"code": (world.own_municipality if side == "own" else world.foreign_municipality).code}


def pk_of(attribute):
    return lambda world, side: {"pk": getattr(world, f"{side}_{attribute}").pk}


ROWS = [
    Row("agreements:county_overview", kwargs=county, **READ),
    Row("agreements:focus_areas", kwargs=county, **READ),
    Row("agreements:pledge_list", kwargs=county, **READ),
    Row("agreements:follow_up_list", kwargs=county, **READ),
    Row("agreements:review_list", kwargs=county, **READ),
    Row("agreements:municipality_agreements", kwargs=municipality, **READ),
    Row("agreements:agreement_create", kwargs=municipality, **CHANGE),
    Row("agreements:pledge_create", kwargs=municipality, **CHANGE),
    Row("agreements:agreement_detail", kwargs=pk_of("agreement"), **READ_DRAFT),
    Row("agreements:agreement_edit", kwargs=pk_of("agreement"), **CHANGE_DRAFT),
    Row("agreements:signatories_edit", kwargs=pk_of("agreement"), **CHANGE_DRAFT),
    Row("agreements:problems_edit", kwargs=pk_of("agreement"), **CHANGE_DRAFT),
    Row("agreements:deliverables_edit", kwargs=pk_of("agreement"), **CHANGE_DRAFT),
    Row("agreements:agreement_follow_up", kwargs=pk_of("agreement"), **CHANGE_DRAFT),
    Row("agreements:agreement_review", kwargs=pk_of("agreement"), **REVIEW_DRAFT),
    Row("agreements:agreement_document", kwargs=pk_of("document"), **READ_DRAFT),
    Row("agreements:pledge_detail", kwargs=pk_of("pledge"), **READ_DRAFT),
    Row("agreements:pledge_edit", kwargs=pk_of("pledge"), **CHANGE_DRAFT),
    # A draft has no print version yet: those who see the draft get 403, the others 404.
    Row(
        "agreements:pledge_print",
        kwargs=pk_of("pledge"),
        **READ,
        draft={**DRAFT, **dict.fromkeys(("county_coordinator", "municipal_officer", "national_admin"), 403)},
    ),
    Row("agreements:commitments_edit", kwargs=pk_of("pledge"), **CHANGE_DRAFT),
    Row("agreements:pledge_follow_up", kwargs=pk_of("pledge"), **CHANGE_DRAFT),
    Row("agreements:pledge_review", kwargs=pk_of("pledge"), **REVIEW_DRAFT),
]


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


def test_every_url_has_a_row():
    assert uncovered("agreements", ROWS) == set()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("county_coordinator", 200),
        ("municipal_officer", 200),
        ("national_admin", 200),
        ("steering_group", 404),
        ("actor_contact", 404),
    ],
)
def test_drafts_are_seen_only_by_their_municipality_and_the_county(client, world, role, status):
    client.force_login(world.user(role))
    assert client.get(f"/medborgarloften/{world.own_draft.pk}/").status_code == status
    listed = client.get("/lan/12/overenskommelser/").content.decode()
    assert ("Utkast Lund" in listed) is (status == 200)


def test_an_officer_of_another_municipality_does_not_see_the_draft(client, world):
    neighbour = UserFactory(username="hassleholm")
    Grant.objects.create(user=neighbour, role=Role.MUNICIPAL_OFFICER, municipality=world.neighbour_municipality)
    client.force_login(neighbour)
    assert client.get(f"/medborgarloften/{world.own_draft.pk}/").status_code == 404
    assert client.get(f"/medborgarloften/{world.own_pledge.pk}/").status_code == 200
    assert client.get(f"/medborgarloften/{world.own_pledge.pk}/redigera/").status_code == 403


@pytest.mark.parametrize("row", [row for row in ROWS if row.draft is not None], ids=lambda row: row.name)
def test_an_officer_of_another_municipality_gets_404_for_every_draft_url(client, world, row):
    """Hässleholm's officer, in the same county, must not learn that Lund's drafts exist."""
    neighbour = UserFactory(username="hassleholm")
    Grant.objects.create(user=neighbour, role=Role.MUNICIPAL_OFFICER, municipality=world.neighbour_municipality)
    client.force_login(neighbour)
    url = reverse(row.name, kwargs=row.kwargs(world, "draft"))
    assert client.get(url).status_code == 404
    # A read-only page refuses every POST (405) before looking at the object.
    assert client.post(url, {}).status_code in {404, 405}


def test_a_draft_has_no_public_print_version(client, world):
    client.force_login(world.user("municipal_officer"))
    assert client.get(f"/medborgarloften/{world.own_draft.pk}/utskrift/").status_code == 403


def test_only_the_reviewed_municipality_and_the_county_read_reviews(client, world):
    for role, sees in (("municipal_officer", True), ("steering_group", True), ("actor_contact", False)):
        client.force_login(world.user(role))
        page = client.get(f"/medborgarloften/{world.own_pledge.pk}/").content.decode()
        assert ("16 av 24 poäng" in page) is sees, role
