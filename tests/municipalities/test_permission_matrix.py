"""Every URL of the municipalities app, for every role, against own and foreign objects.

Own objects lie in Skåne (Lund for the municipal officer); foreign ones in Stockholm.
"""

import pytest

from tests.factories import ComplianceItemFactory, compliance_document
from tests.matrix import Row, check_row, expect, matrix_cases, uncovered

pytestmark = pytest.mark.django_db

READ = {"own": expect(200, anonymous=302), "foreign": expect(404, anonymous=302, national_admin=200)}
# Changing: the county coordinator and the municipality's own officer; the others read only.
CHANGE = {
    "own": expect(200, anonymous=302, actor_contact=403, steering_group=403),
    "foreign": expect(404, anonymous=302, national_admin=200),
}


# A compliance document the municipality keeps to itself and the county's coordinators (the
# default): the rest of the county does not learn it exists, to open or to delete.
RESTRICTED = {
    "own": expect(200, anonymous=302, actor_contact=404, steering_group=404),
    "foreign": expect(404, anonymous=302, national_admin=200),
}


@pytest.fixture
def world(world):
    for side, municipality in (("own", world.own_municipality), ("foreign", world.foreign_municipality)):
        item = ComplianceItemFactory(municipality=municipality)
        setattr(world, f"{side}_document", compliance_document(item))
        setattr(world, f"{side}_shared_document", compliance_document(item, visibility="county"))
    return world


def county(world, side):
    return {"code": (world.own_county if side == "own" else world.foreign_county).code}


def municipality(world, side):
    return {"code": (world.own_municipality if side == "own" else world.foreign_municipality).code}


def document(world, side):
    return {"pk": getattr(world, f"{side}_document").pk}


def shared_document(world, side):
    return {"pk": getattr(world, f"{side}_shared_document").pk}


ROWS = [
    Row("municipalities:county_list", own=expect(200, anonymous=302), no_role=200),
    Row("municipalities:county_detail", kwargs=county, **READ),
    Row("municipalities:municipality_detail", kwargs=municipality, **READ),
    Row("municipalities:municipality_edit", kwargs=municipality, **CHANGE),
    Row("municipalities:council_members_edit", kwargs=municipality, **CHANGE),
    Row("municipalities:coordinators_edit", kwargs=municipality, **CHANGE),
    Row("municipalities:key_figures_edit", kwargs=municipality, **CHANGE),
    Row(
        "municipalities:compliance_edit",
        kwargs=lambda world, side: {**municipality(world, side), "obligation": "action_programme"},
        **CHANGE,
    ),
    Row("municipalities:compliance_document", kwargs=document, **RESTRICTED),
    Row("municipalities:compliance_document_delete", kwargs=document, **RESTRICTED),
    # ... and one shared with everyone signed in in the county.
    Row("municipalities:compliance_document", kwargs=shared_document, **READ),
    Row("municipalities:compliance_document_delete", kwargs=shared_document, **CHANGE),
    Row(
        "municipalities:key_figures_import",
        own=expect(200, anonymous=302, actor_contact=403, steering_group=403),
        no_role=403,
    ),
]


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


def test_every_url_has_a_row():
    assert uncovered("municipalities", ROWS) == set()


@pytest.mark.parametrize(
    "url",
    [
        "/kommuner/1293/profil/",
        "/kommuner/1293/rad/",
        "/kommuner/1293/samordnare/",
        "/kommuner/1293/nyckeltal/",
        "/kommuner/1293/efterlevnad/follow_up/",
    ],
)
def test_an_officer_reads_but_cannot_change_a_neighbouring_municipality(client, world, url):
    client.force_login(world.user("municipal_officer"))
    assert client.get("/kommuner/1293/").status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_posting_to_a_foreign_municipality_is_404_and_changes_nothing(client, world):
    client.force_login(world.user("county_coordinator"))
    response = client.post("/kommuner/0184/profil/", {"police_area": "Kapad"})
    assert response.status_code == 404
    world.foreign_municipality.refresh_from_db()
    assert world.foreign_municipality.police_area == ""


def test_unknown_obligation_is_404(client, world):
    client.force_login(world.user("county_coordinator"))
    assert client.get("/kommuner/1281/efterlevnad/okand/").status_code == 404
