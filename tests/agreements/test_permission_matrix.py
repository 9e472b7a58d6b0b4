"""Every URL of the agreements app, for every role, against own (Lund, Skåne) and foreign (Solna) objects,
and against Lund's drafts, which only Lund's officers and Skåne's coordinators may see."""

import pytest
from django.urls import reverse

from core.roles import Role
from portal.models import Grant
from tests.agreements.round_world import with_municipal_rounds
from tests.factories import UserFactory
from tests.matrix import check_row, matrix_cases, uncovered
from tests.matrix_rows.agreements import ROWS
from tests.worlds import with_agreement_drafts_and_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """Lund's draft agreement and draft pledge besides the published ones, a document on each
    agreement (``tests.worlds.with_agreement_drafts_and_documents``), and an open municipal round in
    each county with a submitted follow-up (``tests.agreements.round_world.with_municipal_rounds``)."""
    return with_municipal_rounds(with_agreement_drafts_and_documents(world))


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
def test_drafts_are_seen_only_by_their_municipality_and_the_county(client_as, world, role, status):
    client = client_as(role)
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


def test_a_draft_has_no_public_print_version(client_as, world):
    client = client_as("municipal_officer")
    assert client.get(f"/medborgarloften/{world.own_draft.pk}/utskrift/").status_code == 403


def test_only_the_reviewed_municipality_and_the_county_read_reviews(client_as, world):
    for role, sees in (("municipal_officer", True), ("steering_group", True), ("actor_contact", False)):
        client = client_as(role)
        page = client.get(f"/medborgarloften/{world.own_pledge.pk}/").content.decode()
        assert ("16 av 24 poäng" in page) is sees, role
