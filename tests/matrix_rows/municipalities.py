"""The permission matrix's rows for the municipalities app: one ``Row`` per URL (``tests/matrix.py``).

``tests/municipalities/test_permission_matrix.py`` walks them; ``tests/security/test_access.py`` checks that
together with the other apps' rows they leave no URL of the site out. The objects they name are
built in ``tests/worlds.py``.
"""

from tests.matrix import Row, expect

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


def county(world, side):
    return {"code": (world.own_county if side == "own" else world.foreign_county).code}


def municipality(world, side):
    return {"code": (world.own_municipality if side == "own" else world.foreign_municipality).code}


def document(world, side):
    return {"pk": getattr(world, f"{side}_document").pk}


def shared_document(world, side):
    return {"pk": getattr(world, f"{side}_shared_document").pk}


def key_figure_import(world, side):
    """An import of the side's county, fetched and waiting to be reviewed."""
    from municipalities.models import ImportStatus, KeyFigureImport

    county = world.own_county if side == "own" else world.foreign_county
    batch, _created = KeyFigureImport.objects.get_or_create(
        county=county,
        defaults={"source": "kolada", "status": ImportStatus.READY, "first_year": 2023, "last_year": 2024},
    )
    return {"pk": batch.pk}


# The county's key figures from the sources: its coordinators choose, fetch and save them.
COORDINATORS = {
    "own": expect(200, anonymous=302, municipal_officer=403, actor_contact=403, steering_group=403),
    "foreign": expect(404, anonymous=302, national_admin=200),
}
# An import is seen by the county's coordinators only.
IMPORTS = {
    "own": expect(200, anonymous=302, municipal_officer=404, actor_contact=404, steering_group=404),
    "foreign": expect(404, anonymous=302, national_admin=200),
}

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
    Row("municipalities:county_key_figures", kwargs=county, **COORDINATORS),
    Row("municipalities:key_figure_import", kwargs=key_figure_import, **IMPORTS),
    Row("municipalities:key_figure_import_status", kwargs=key_figure_import, **IMPORTS),
    Row(
        "municipalities:key_figures_import",
        own=expect(200, anonymous=302, actor_contact=403, steering_group=403),
        no_role=403,
    ),
]
