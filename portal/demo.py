"""The demo scenario that `make run` loads: Skåne, its actors and one user per role.

Idempotent: it matches on names and codes, so running it again changes nothing and
keeps what users have added. Later capabilities extend ``load_demo``.
"""

from django.db import transaction

from actions.demo import load_actions_demo, load_current_plan_demo
from actions.models import Actor, ActorKind
from agreements.demo import load_agreements_demo, load_municipal_round_demo
from core.roles import Role
from municipalities.demo import load_municipalities_demo
from municipalities.models import County
from portal.models import User
from portal.services import ScopeRequest, create_user_with_role

DEMO_PASSWORD = "trygg-demo-2026"  # noqa: S105 - documented demo password, demo data only

SKANE = "12"

# The seven actors behind "Skåne tillsammans mot brott" (2018).
SKANE_ACTORS = [
    ("Länsstyrelsen Skåne", ActorKind.COUNTY_BOARD, SKANE),
    ("Region Skåne", ActorKind.REGION, SKANE),
    ("Polisen", ActorKind.POLICE, None),
    ("Kommunförbundet Skåne", ActorKind.MUNICIPAL_ASSOCIATION, SKANE),
    ("Kriminalvården", ActorKind.PRISON_SERVICE, None),
    ("Tullverket", ActorKind.CUSTOMS, None),
    ("Sydsvenska handelskammaren", ActorKind.BUSINESS, SKANE),
]

# username, role, scope, first name, last name
DEMO_USERS = [
    ("lan.samordnare", Role.COUNTY_COORDINATOR, ScopeRequest(county_code=SKANE), "Karin", "Lindqvist"),
    (
        "kommun.samordnare",
        Role.MUNICIPAL_OFFICER,
        ScopeRequest(municipality_codes=("1293", "1281")),
        "Annica",
        "Nilsson",
    ),
    (
        "polis.kontakt",
        Role.ACTOR_CONTACT,
        ScopeRequest(county_code=SKANE, actor_name="Polisen"),
        "Veronica",
        "Gustafsson",
    ),
    ("styrgrupp", Role.STEERING_GROUP, ScopeRequest(county_code=SKANE), "Henrik", "Fritzell"),
    # Contacts of the other actors that lead measures of the current plan (the follow-up round asks them).
    ("region.kontakt", Role.ACTOR_CONTACT, ScopeRequest(county_code=SKANE, actor_name="Region Skåne"), "Sara", "Holm"),
    (
        "kfsk.kontakt",
        Role.ACTOR_CONTACT,
        ScopeRequest(county_code=SKANE, actor_name="Kommunförbundet Skåne"),
        "Johan",
        "Berg",
    ),
    (
        "krim.kontakt",
        Role.ACTOR_CONTACT,
        ScopeRequest(county_code=SKANE, actor_name="Kriminalvården"),
        "Leila",
        "Haddad",
    ),
    (
        "handel.kontakt",
        Role.ACTOR_CONTACT,
        ScopeRequest(county_code=SKANE, actor_name="Sydsvenska handelskammaren"),
        "Peter",
        "Ek",
    ),
    ("admin", Role.NATIONAL_ADMIN, ScopeRequest(), "Malin", "Westberg"),
]


@transaction.atomic
def load_demo() -> None:
    counties = {c.code: c for c in County.objects.all()}
    for name, kind, county_code in SKANE_ACTORS:
        Actor.objects.get_or_create(
            name=name, county=counties.get(county_code) if county_code else None, defaults={"kind": kind}
        )
    load_municipalities_demo()
    load_actions_demo()
    load_agreements_demo()
    existing = set(User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True))
    for username, role, scope, first_name, last_name in DEMO_USERS:
        create_user_with_role(
            username=username,
            role=role,
            scope=scope,
            # A demo user who changed their password keeps it when the demo is loaded again.
            password=None if username in existing else DEMO_PASSWORD,
            email=f"{username}@example.se",
            first_name=first_name,
            last_name=last_name,
        )
    load_current_plan_demo()
    # The municipal round asks the demo officers, so it comes after them.
    load_municipal_round_demo()
