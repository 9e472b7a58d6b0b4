"""The permission matrix's rows for the people of a county (``portal.people``, namespace ``people``).

A county's people are its coordinators' (and the national administrators'): no one else finds their
pages (404), the county's other people included. An invitation's link is for whoever
holds it.
"""

import datetime

from django.utils import timezone

from core.roles import Role
from portal.models import Invitation, token_hash
from tests.factories import GrantFactory, UserFactory
from tests.matrix import Row, expect

# The county's coordinators and the national administrators manage its people; no one else finds the pages.
OWN = expect(404, anonymous=302, county_coordinator=200, national_admin=200)
FOREIGN = expect(404, anonymous=302, national_admin=200)
# Invitations are found only by those who manage them.
OWN_INVITATION = expect(404, anonymous=302, county_coordinator=200, national_admin=200)


def county(world, side):
    return {"code": (world.own_county if side == "own" else world.foreign_county).code}


def _foreign_officer(world):
    if "foreign_officer" not in world.extra_users:
        world.extra_users["foreign_officer"] = GrantFactory(
            user=UserFactory(username="solna-handlaggare"),
            role=Role.MUNICIPAL_OFFICER,
            municipality=world.foreign_municipality,
        )
    return world.extra_users["foreign_officer"]


def person(world, side):
    grant = world.user(Role.MUNICIPAL_OFFICER).grants.get() if side == "own" else _foreign_officer(world)
    return {**county(world, side), "user_id": grant.user_id}


def grant(world, side):
    grant = world.user(Role.MUNICIPAL_OFFICER).grants.get() if side == "own" else _foreign_officer(world)
    return {**county(world, side), "pk": grant.pk}


def invitation(world, side):
    target = world.own_county if side == "own" else world.foreign_county
    made = Invitation.objects.create(
        email=f"inbjuden-{side}@example.se",
        first_name="Inbjuden",
        last_name=side,
        county=target,
        role=Role.STEERING_GROUP,
        token_hash=token_hash(f"matris-{side}-{Invitation.objects.count()}"),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return {"pk": made.pk}


def link(world, side):
    raw = f"matrislank-{Invitation.objects.count()}"
    Invitation.objects.create(
        email="lank@example.se",
        first_name="Länk",
        last_name="Mottagare",
        county=world.own_county,
        role=Role.STEERING_GROUP,
        token_hash=token_hash(raw),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return {"token": raw}


ROWS = [
    Row("people:county_people", kwargs=county, own=OWN, foreign=FOREIGN),
    Row("people:invite", kwargs=county, own=OWN, foreign=FOREIGN),
    Row("people:invite_many", kwargs=county, own=OWN, foreign=FOREIGN),
    Row("people:person", kwargs=person, own=OWN, foreign=FOREIGN),
    Row("people:account_deactivate", kwargs=person, own=OWN, foreign=FOREIGN),
    Row("people:grant_remove", kwargs=grant, own=OWN, foreign=FOREIGN),
    Row("people:invitation_revoke", kwargs=invitation, own=OWN_INVITATION, foreign=FOREIGN),
    Row(
        "people:invitation_resend",
        method="post",
        kwargs=invitation,
        own={**OWN_INVITATION, "county_coordinator": 302, "national_admin": 302},
        foreign={**FOREIGN, "national_admin": 302},
    ),
    # The link's page, for whoever follows it (signed in as someone else, it says so).
    Row("people:accept", kwargs=link, own=expect(200), no_role=200),
]
