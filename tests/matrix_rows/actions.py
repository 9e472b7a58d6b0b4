"""The permission matrix's rows for the actions app: one ``Row`` per URL (``tests/matrix.py``).

``tests/actions/test_permission_matrix.py`` walks them; ``tests/security/test_access.py`` checks that
together with the other apps' rows they leave no URL of the site out. The objects they name are
built in ``tests/worlds.py``.
"""

from tests.matrix import Row, expect

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
