"""Every URL of the actions app, for every role, against own (Skåne) and foreign (Stockholm) objects.

In Skåne, the actor contact's organisation (the Police) leads measure 1 and the municipal
officer's Lund takes part in it, so both may report progress on it; only the county
coordinator manages the plan.
"""

import pytest

from actions.models import PlanDocument, SupportActivity
from tests.factories import ActionPlanFactory, MeasureActorFactory, MeasureFactory, MilestoneFactory, pdf_upload
from tests.matrix import Row, check_row, expect, matrix_cases, uncovered

pytestmark = pytest.mark.django_db

FOREIGN = expect(404, anonymous=302, national_admin=200)
READ = {"own": expect(200, anonymous=302), "foreign": FOREIGN}
MANAGE = {
    "own": expect(403, anonymous=302, county_coordinator=200, national_admin=200),
    "foreign": FOREIGN,
}
REPORT = {"own": expect(200, anonymous=302, steering_group=403), "foreign": FOREIGN}
# A draft plan and every row under it are for the county's coordinators and the national
# administrators: the rest of the county gets a 404, to read, report on or change it.
DRAFT = expect(404, anonymous=302, county_coordinator=200, national_admin=200)
READ_DRAFT = {**READ, "draft": DRAFT}
MANAGE_DRAFT = {**MANAGE, "draft": DRAFT}
REPORT_DRAFT = {**REPORT, "draft": DRAFT}


@pytest.fixture
def world(world):
    from core.files.models import fill_document

    draft = world.draft_plan = ActionPlanFactory(county=world.own_county, title="Planutkast", status="draft")
    world.draft_measure = MeasureFactory(plan=draft, number=1, title="Insats i utkastet")
    MeasureActorFactory(measure=world.draft_measure, actor=world.police, role="lead")
    world.draft_measure.municipalities.add(world.own_municipality)
    world.draft_milestone = MilestoneFactory(measure=world.draft_measure)
    for side in ("own", "foreign", "draft"):
        plan = getattr(world, f"{side}_plan")
        document = fill_document(PlanDocument(plan=plan), pdf_upload("Handlingsplan.pdf"), None)
        document.save()
        setattr(world, f"{side}_plan_document", document)
        activity = SupportActivity.objects.create(
            county=plan.county, title="Hearing", kind="hearing", date="2025-02-15", organiser="Länsstyrelsen"
        )
        setattr(world, f"{side}_activity", activity)
        setattr(world, f"{side}_indicator", getattr(world, f"{side}_measure").indicators.create(name="Avhoppare"))
    return world


def county(world, side):
    return {"code": (world.own_county if side == "own" else world.foreign_county).code}


def pk_of(attribute):
    return lambda world, side: {"pk": getattr(world, f"{side}_{attribute}").pk}


ROWS = [
    Row("actions:plan_list", kwargs=county, **READ),
    Row("actions:plan_create", kwargs=county, **MANAGE),
    Row("actions:support_activity_list", kwargs=county, **READ),
    Row("actions:support_activity_create", kwargs=county, **MANAGE),
    Row("actions:status_list", kwargs=county, **READ),
    Row("actions:actor_list", kwargs=county, **READ),
    Row("actions:actor_create", kwargs=county, **MANAGE),
    Row("actions:plan_detail", kwargs=pk_of("plan"), **READ_DRAFT),
    Row("actions:plan_edit", kwargs=pk_of("plan"), **MANAGE_DRAFT),
    Row("actions:measure_create", kwargs=pk_of("plan"), **MANAGE_DRAFT),
    Row("actions:plan_document", kwargs=pk_of("plan_document"), **READ_DRAFT),
    Row("actions:measure_detail", kwargs=pk_of("measure"), **READ_DRAFT),
    Row("actions:measure_edit", kwargs=pk_of("measure"), **MANAGE_DRAFT),
    Row("actions:measure_actors_edit", kwargs=pk_of("measure"), **MANAGE_DRAFT),
    Row("actions:working_group_edit", kwargs=pk_of("measure"), **MANAGE_DRAFT),
    Row("actions:milestones_edit", kwargs=pk_of("measure"), **MANAGE_DRAFT),
    Row("actions:progress_update_create", kwargs=pk_of("measure"), **REPORT_DRAFT),
    Row("actions:indicator_create", kwargs=pk_of("measure"), **MANAGE_DRAFT),
    Row("actions:milestone_done", kwargs=pk_of("milestone"), **REPORT_DRAFT),
    Row("actions:indicator_edit", kwargs=pk_of("indicator"), **MANAGE_DRAFT),
    Row(
        "actions:actor_detail",
        kwargs=lambda world, side: {"pk": (world.own_actor if side == "own" else world.foreign_actor).pk},
        **READ,
    ),
    Row("actions:support_activity_edit", kwargs=pk_of("activity"), **MANAGE),
    # The county's own actor (Region Skåne) and a foreign county's (Region Stockholm).
    Row(
        "actions:actor_edit",
        kwargs=lambda world, side: {"pk": (world.own_actor if side == "own" else world.foreign_actor).pk},
        **MANAGE,
    ),
]

# A national actor (Polisen) is read by everyone and changed by no one in the portal (the admin site keeps them).
NATIONAL_ACTOR_ROWS = [
    Row(
        "actions:actor_detail",
        kwargs=lambda world, side: {"pk": world.police.pk},
        own=expect(200, anonymous=302),
        no_role=200,
    ),
    Row(
        "actions:actor_edit",
        kwargs=lambda world, side: {"pk": world.police.pk},
        own=expect(403, anonymous=302),
        no_role=403,
    ),
    Row(
        "actions:actor_edit",
        kwargs=lambda world, side: {"pk": world.police.pk},
        method="post",
        data=lambda world, side: {"name": "Polisen i Skåne", "kind": "police"},
        own=expect(403, anonymous=302),
        no_role=403,
    ),
]


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


@pytest.mark.parametrize("row", NATIONAL_ACTOR_ROWS, ids=["detail", "edit", "edit-post"])
def test_national_actors_are_read_by_all_and_changed_by_none(client, world, row):
    check_row(client, world, row, "own")
    assert type(world.police).objects.get(pk=world.police.pk).name == "Polisen"


def test_a_coordinator_cannot_add_or_change_a_foreign_countys_actor(client, world):
    client.force_login(world.user("county_coordinator"))
    data = {"name": "Länsstyrelsen Stockholm", "kind": "county_board"}
    assert client.post(f"/lan/{world.foreign_county.code}/aktorer/ny/", data).status_code == 404
    assert client.post(f"/aktorer/{world.foreign_actor.pk}/redigera/", data).status_code == 404
    assert not world.foreign_county.actors.filter(name="Länsstyrelsen Stockholm").exists()


def test_every_url_has_a_row():
    assert uncovered("actions", ROWS) == set()


def test_only_participants_report_progress(client, world):
    from tests.factories import MeasureFactory

    other = MeasureFactory(plan=world.own_plan, number=2)  # neither the Police nor Lund takes part
    for role in ("actor_contact", "municipal_officer"):
        client.force_login(world.user(role))
        assert client.get(f"/insatser/{other.pk}/").status_code == 200
        assert client.get(f"/insatser/{other.pk}/lagesrapport/").status_code == 403
        assert client.post(f"/insatser/{other.pk}/lagesrapport/", {}).status_code == 403
    assert not other.updates.exists()


def test_readers_cannot_add_statuses(client, world):
    client.force_login(world.user("steering_group"))
    response = client.post("/lan/12/statusar/", {"name": "Pausad", "code": "paused", "tone": "neutral"})
    assert response.status_code == 403
