"""The permission matrix's rows for the public site (``portal/public/``), in Swedish and in English.

Everyone reads a public page, signed in or not, with or without a role; the other county's pages
are as public as the own county's. A draft pledge or agreement is a 404 for everyone, including
the officers who may read it in the portal: the public site shows public material only.
"""

from django.utils.text import slugify

from tests.matrix import NO_ROLE, Row, expect

EVERYONE = {**expect(200), NO_ROLE: 200}
NO_ONE = {**expect(404), NO_ROLE: 404}


def _municipality(world, side):
    return world.foreign_municipality if side == "foreign" else world.own_municipality


def _county(world, side):
    return {"county": slugify((world.foreign_county if side == "foreign" else world.own_county).name)}


def _place(world, side):
    return {"municipality": slugify(_municipality(world, side).name)}


def _object(attribute):
    def kwargs(world, side):
        return {**_place(world, side), "pk": getattr(world, f"{side}_{attribute}").pk}

    return kwargs


ROWS = [
    row
    for namespace in ("public", "public_en")
    for row in (
        Row(f"{namespace}:sweden", own=EVERYONE, no_role=200),
        Row(f"{namespace}:search", own=EVERYONE, no_role=200),
        Row(f"{namespace}:accessibility", own=EVERYONE, no_role=200),
        Row(f"{namespace}:privacy", own=EVERYONE, no_role=200),
        Row(f"{namespace}:county", kwargs=_county, own=EVERYONE, foreign=EVERYONE),
        Row(f"{namespace}:municipality", kwargs=_place, own=EVERYONE, foreign=EVERYONE),
        Row(f"{namespace}:embed", kwargs=_place, own=EVERYONE, foreign=EVERYONE),
        Row(f"{namespace}:pledge", kwargs=_object("pledge"), own=EVERYONE, foreign=EVERYONE, draft=NO_ONE),
        Row(f"{namespace}:agreement", kwargs=_object("agreement"), own=EVERYONE, foreign=EVERYONE, draft=NO_ONE),
    )
]

# The feeds, and sitemap.xml and robots.txt at the site's root.
ROWS += [
    Row("public_sitemap", own=EVERYONE, no_role=200),
    Row("robots", own=EVERYONE, no_role=200),
]
ROWS += [
    row
    for namespace in ("public", "public_en")
    for row in (
        Row(f"{namespace}:county_feed", kwargs=_county, own=EVERYONE, foreign=EVERYONE),
        Row(f"{namespace}:municipality_feed", kwargs=_place, own=EVERYONE, foreign=EVERYONE),
    )
]
