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
ROUND = {
    "own": expect(404, anonymous=302, county_coordinator=200, steering_group=200, national_admin=200),
    "foreign": FOREIGN,
}
RUN_ROUND = {
    "own": expect(404, anonymous=302, county_coordinator=200, steering_group=403, national_admin=200),
    "foreign": FOREIGN,
}
ASKED = {
    "own": expect(404, anonymous=302, county_coordinator=200, actor_contact=200, national_admin=200),
    "foreign": FOREIGN,
}


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
    # Follow-up rounds: coordinators open and run them, the steering group follows a round's page, the
    # people asked (here the Police contact) answer their request; a round is never opened on a draft.
    Row(
        "actions:round_create",
        kwargs=pk_of("plan"),
        **MANAGE,
        # (national administrators hold every permission; the service refuses a round on a draft for them too)
        draft=expect(404, anonymous=302, county_coordinator=403, national_admin=200),
    ),
    Row("actions:round_detail", kwargs=pk_of("round"), **ROUND),
    Row("actions:round_deadline", kwargs=pk_of("round"), **RUN_ROUND),
    Row("actions:round_remind", kwargs=pk_of("round"), **RUN_ROUND),
    Row("actions:round_close", kwargs=pk_of("round"), **RUN_ROUND),
    Row("actions:round_reopen", kwargs=pk_of("round"), **RUN_ROUND),
    Row("actions:round_request", kwargs=pk_of("request"), **ASKED),
    Row("actions:request_hand_over", kwargs=pk_of("request"), **ASKED),
    Row("actions:update_attachment", kwargs=pk_of("attachment"), **ASKED),
    Row(
        "actions:update_review",
        kwargs=pk_of("update"),
        own=expect(404, anonymous=302, county_coordinator=200, national_admin=200, actor_contact=403),
        foreign=FOREIGN,
    ),
    # A return without a comment changes nothing, so every role meets the same submitted update: the
    # coordinators get the form back with the error; its author may read it but not review it.
    Row(
        "actions:update_review",
        kwargs=pk_of("update"),
        method="post",
        data=lambda world, side: {"decision": "return", "comment": ""},
        own=expect(404, anonymous=302, county_coordinator=400, national_admin=400, actor_contact=403),
        foreign=expect(404, anonymous=302, national_admin=400),
    ),
    # The threads: whoever reads the measure (or the update) reads and writes in them; an empty comment
    # changes nothing, so each role that may write gets the form back with the error.
    Row("actions:measure_discussion", kwargs=pk_of("measure"), **READ_DRAFT),
    Row(
        "actions:measure_discussion",
        kwargs=pk_of("measure"),
        method="post",
        data=lambda world, side: {"body": ""},
        own=expect(200, anonymous=302),
        foreign=expect(404, anonymous=302, national_admin=200),
        draft=expect(404, anonymous=302, county_coordinator=200, national_admin=200),
    ),
    Row(
        "actions:measure_follow",
        kwargs=pk_of("measure"),
        method="post",
        data=lambda world, side: {"following": "1"},
        own=expect(302),
        foreign=expect(404, anonymous=302, national_admin=302),
        draft=expect(404, anonymous=302, county_coordinator=302, national_admin=302),
    ),
    # A submitted update is read by its author (the Police contact), the county's coordinators and
    # the national administrators until it is approved.
    Row("actions:update_detail", kwargs=pk_of("update"), **ASKED),
    Row(
        "actions:update_detail",
        kwargs=pk_of("update"),
        method="post",
        data=lambda world, side: {"body": ""},
        own=expect(404, anonymous=302, county_coordinator=200, actor_contact=200, national_admin=200),
        foreign=expect(404, anonymous=302, national_admin=200),
    ),
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
