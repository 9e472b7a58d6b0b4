"""Every URL of the municipalities app, for every role, against own and foreign objects.

Own objects lie in Skåne (Lund for the municipal officer); foreign ones in Stockholm.
"""

import pytest

from tests.matrix import check_row, matrix_cases, uncovered
from tests.matrix_rows.municipalities import ROWS
from tests.worlds import with_compliance_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """In Lund and in Solna a document kept to the municipality and one shared with the county
    (``tests.worlds.with_compliance_documents``)."""
    return with_compliance_documents(world)


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
def test_an_officer_reads_but_cannot_change_a_neighbouring_municipality(client_as, url):
    client = client_as("municipal_officer")
    assert client.get("/kommuner/1293/").status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_posting_to_a_foreign_municipality_is_404_and_changes_nothing(client_as, world):
    client = client_as("county_coordinator")
    response = client.post("/kommuner/0184/profil/", {"police_area": "Kapad"})
    assert response.status_code == 404
    world.foreign_municipality.refresh_from_db()
    assert world.foreign_municipality.police_area == ""


def test_unknown_obligation_is_404(client_as):
    client = client_as("county_coordinator")
    assert client.get("/kommuner/1281/efterlevnad/okand/").status_code == 404
