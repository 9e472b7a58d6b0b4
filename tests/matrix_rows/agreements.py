"""The permission matrix's rows for the agreements app: one ``Row`` per URL (``tests/matrix.py``).

``tests/agreements/test_permission_matrix.py`` walks them; ``tests/security/test_access.py`` checks that
together with the other apps' rows they leave no URL of the site out. The objects they name are
built in ``tests/worlds.py``.
"""

from tests.matrix import Row, expect

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

# --- Municipal follow-up rounds (the world: ``tests/agreements/round_world.py``) ---------------------------
# A round is its county's coordinators' working tool, read by the steering group too.
ROUND_READ = {
    "own": expect(404, anonymous=302, county_coordinator=200, steering_group=200, national_admin=200),
    "foreign": FOREIGN,
}
ROUND_CHANGE = {
    "own": expect(404, anonymous=302, county_coordinator=200, steering_group=403, national_admin=200),
    "foreign": FOREIGN,
}
# Opening one: the county is read by all its users, only its coordinators open rounds.
ROUND_OPEN = {
    "own": expect(403, anonymous=302, county_coordinator=200, national_admin=200),
    "foreign": FOREIGN,
}
# A request: the officers asked (Lund's) and the county's coordinators; everyone else 404.
REQUEST = {
    "own": expect(404, anonymous=302, county_coordinator=200, municipal_officer=200, national_admin=200),
    "foreign": FOREIGN,
}
# A follow-up under review: read by its author (Lund's officer), reviewed by the coordinators only.
FOLLOW_UP_REVIEW = {
    "own": expect(404, anonymous=302, county_coordinator=200, municipal_officer=403, national_admin=200),
    "foreign": FOREIGN,
}

ROWS += [
    Row("agreements:round_create", kwargs=county, **ROUND_OPEN),
    Row("agreements:round_detail", kwargs=pk_of("round"), **ROUND_READ),
    Row("agreements:round_deadline", kwargs=pk_of("round"), **ROUND_CHANGE),
    Row("agreements:round_remind", kwargs=pk_of("round"), **ROUND_CHANGE),
    Row("agreements:round_close", kwargs=pk_of("round"), **ROUND_CHANGE),
    Row("agreements:round_reopen", kwargs=pk_of("round"), **ROUND_CHANGE),
    Row("agreements:round_request", kwargs=pk_of("municipal_request"), **REQUEST),
    Row("agreements:request_hand_over", kwargs=pk_of("municipal_request"), **REQUEST),
    Row("agreements:follow_up_review", kwargs=pk_of("round_follow_up"), **FOLLOW_UP_REVIEW),
]
