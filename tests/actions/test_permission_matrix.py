"""Every URL of the actions app, for every role, against own (Skåne) and foreign (Stockholm) objects.

In Skåne, the actor contact's organisation (the Police) leads measure 1 and the municipal
officer's Lund takes part in it, so both may report progress on it; only the county
coordinator manages the plan.
"""

import pytest

from tests.matrix import check_row, matrix_cases, uncovered
from tests.matrix_rows.actions import NATIONAL_ACTOR_ROWS, ROWS
from tests.worlds import with_plan_drafts_and_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """Skåne's draft plan besides the two published ones, and a document, a support activity and an
    indicator for each (``tests.worlds.with_plan_drafts_and_documents``)."""
    return with_plan_drafts_and_documents(world)


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


@pytest.mark.parametrize("row", NATIONAL_ACTOR_ROWS, ids=["detail", "edit", "edit-post"])
def test_national_actors_are_read_by_all_and_changed_by_none(client, world, row):
    check_row(client, world, row, "own")
    assert type(world.police).objects.get(pk=world.police.pk).name == "Polisen"


def test_a_coordinator_cannot_add_or_change_a_foreign_countys_actor(client_as, world):
    client = client_as("county_coordinator")
    data = {"name": "Länsstyrelsen Stockholm", "kind": "county_board"}
    assert client.post(f"/lan/{world.foreign_county.code}/aktorer/ny/", data).status_code == 404
    assert client.post(f"/aktorer/{world.foreign_actor.pk}/redigera/", data).status_code == 404
    assert not world.foreign_county.actors.filter(name="Länsstyrelsen Stockholm").exists()


def test_every_url_has_a_row():
    assert uncovered("actions", ROWS) == set()


def test_only_participants_report_progress(client_as, world):
    from tests.factories import MeasureFactory

    other = MeasureFactory(plan=world.own_plan, number=2)  # neither the Police nor Lund takes part
    for role in ("actor_contact", "municipal_officer"):
        client = client_as(role)
        assert client.get(f"/insatser/{other.pk}/").status_code == 200
        assert client.get(f"/insatser/{other.pk}/lagesrapport/").status_code == 403
        assert client.post(f"/insatser/{other.pk}/lagesrapport/", {}).status_code == 403
    assert not other.updates.exists()


def test_readers_cannot_add_statuses(client_as):
    client = client_as("steering_group")
    response = client.post("/lan/12/statusar/", {"name": "Pausad", "code": "paused", "tone": "neutral"})
    assert response.status_code == 403
