"""Prepare a database of generated data for `make bench` and print, as JSON, what to request.

    BENCH_PASSWORD=… python manage.py benchmark_targets --county 12

Gives the county's generated users of every role (and a generated national administrator,
``gen-admin``, which the generator does not make) the password in ``BENCH_PASSWORD``,
issues an API token for the county coordinator, gives each user whose role needs the second
factor (``TWO_FACTOR_REQUIRED_ROLES``: coordinators and administrators under production settings)
fresh authenticator apps, and prints the users, the apps' keys (so the benchmark types their codes
as an app would), the token and every page kind the benchmark measures, with the role that
requests it. Only for a database of
generated data (``manage.py generate_scale_data``): it refuses any other.
"""

from __future__ import annotations

import json
import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from actions.models import ActionPlan
from agreements.models import CitizenPledge, CooperationAgreement, PledgeStatus
from core.roles import Role
from devtools.scale import USER_PREFIX, generated_data_exists, real_data
from municipalities.models import County
from portal.api.policies import Pagination
from portal.models import Grant, User
from portal.public import links
from portal.public.queries import slug_of
from portal.services import ScopeRequest, create_user_with_role, issue_token

COORDINATOR, OFFICER, ACTOR, STEERING, ADMIN = (r.value for r in Role)
ANONYMOUS, TOKEN = "anonymous", "token"
# One app per sign-in the benchmark makes as one user (a code works once; the pages and the throughput
# runs sign in the coordinator separately, within the same 30 s period perhaps).
APPS_PER_USER = 4
SEARCH = "trygghet"
API_LISTS = ("county", "municipality", "plan", "pledge", "agreement")


def _page(kind: str, role: str, url: str, query: str = "") -> dict:
    return {"kind": kind, "role": role, "path": url + (f"?{query}" if query else "")}


def _with_exports(kind: str, role: str, url: str) -> list[dict]:
    return [_page(kind, role, url), *(_page(f"{kind} ({fmt})", role, url, f"format={fmt}") for fmt in ("csv", "xlsx"))]


def pages(county: County, officer: User, actor_id: int) -> list[dict]:
    """Every page kind of issue 8's benchmark, requested as the role that uses it."""
    municipality = Grant.objects.get(user=officer, role=OFFICER).municipality
    plan = ActionPlan.objects.filter(county=county).order_by("pk").first()
    if plan is None:
        raise CommandError(f"County {county.code} has no action plan: generate data for it first.")
    measure = plan.measures.order_by("number").first()
    agreement = CooperationAgreement.objects.filter(municipality=municipality).order_by("pk").first()
    pledge = CitizenPledge.objects.filter(municipality=municipality, status=PledgeStatus.PUBLISHED).order_by("pk")
    pledge = pledge.first() or CitizenPledge.objects.filter(municipality=municipality).order_by("pk").first()
    code, m_code = {"code": county.code}, {"code": municipality.code}
    result = [_page(f"dashboard: {role.replace('_', ' ')}", role, reverse("portal:home")) for role in Role.values]
    result += [
        _page("county list", ADMIN, reverse("municipalities:county_list")),
        *_with_exports("county page", COORDINATOR, reverse("municipalities:county_detail", kwargs=code)),
        *_with_exports("county agreements overview", COORDINATOR, reverse("agreements:county_overview", kwargs=code)),
        _page("municipality page", OFFICER, reverse("municipalities:municipality_detail", kwargs=m_code)),
        _page("plan list", COORDINATOR, reverse("actions:plan_list", kwargs=code)),
        *_with_exports("plan page", COORDINATOR, reverse("actions:plan_detail", kwargs={"pk": plan.pk})),
        _page("measure page", COORDINATOR, reverse("actions:measure_detail", kwargs={"pk": measure.pk})),
        _page("actor page", ACTOR, reverse("actions:actor_detail", kwargs={"pk": actor_id})),
        *_with_exports("support activities", COORDINATOR, reverse("actions:support_activity_list", kwargs=code)),
        _page("municipality agreements", OFFICER, reverse("agreements:municipality_agreements", kwargs=m_code)),
    ]
    if agreement is not None:
        result.append(
            _page("agreement page", OFFICER, reverse("agreements:agreement_detail", kwargs={"pk": agreement.pk}))
        )
    if pledge is not None:
        result.append(_page("pledge page", OFFICER, reverse("agreements:pledge_detail", kwargs={"pk": pledge.pk})))
    result += [
        *_with_exports("pledge list", COORDINATOR, reverse("agreements:pledge_list", kwargs=code)),
        *_with_exports("follow-up list", COORDINATOR, reverse("agreements:follow_up_list", kwargs=code)),
        *_with_exports("review list", COORDINATOR, reverse("agreements:review_list", kwargs=code)),
        _page("county reports", COORDINATOR, reverse("portal:county_reports", kwargs=code)),
        _page("search", COORDINATOR, reverse("portal:search"), f"q={SEARCH}"),
        # The public site, as anyone reads it (no sign-in): served from the cache and, cold, computed.
        _page("public: Sweden", ANONYMOUS, links.public_url("sweden")),
        _page("public: county", ANONYMOUS, links.county_url(county)),
        _page("public: municipality", ANONYMOUS, links.municipality_url(municipality)),
        _page(
            "public: municipality (English)",
            ANONYMOUS,
            links.public_url("municipality", language="en", municipality=slug_of(municipality.name)),
        ),
        _page("public: search", ANONYMOUS, links.public_url("search"), f"q={SEARCH}"),
    ]
    if pledge is not None and pledge.status == PledgeStatus.PUBLISHED:
        result.append(_page("public: pledge", ANONYMOUS, links.pledge_url(pledge)))
    for basename in API_LISTS:
        url = reverse(f"api:{basename}-list")
        result += [_page(f"API {basename}s (public)", ANONYMOUS, url), _page(f"API {basename}s (token)", TOKEN, url)]
    # The lists without their nested rows, and those rows paged at their own addresses, at the largest page.
    most = f"page_size={Pagination.max_page_size}"
    api_pages = [
        ("API plans, not nested", reverse("api:plan-list"), f"nested=false&{most}"),
        ("API pledges, not nested", reverse("api:pledge-list"), f"nested=false&{most}"),
        ("API plan measures", reverse("api:plan-measures", kwargs={"id": plan.pk}), most),
    ]
    if pledge is not None:
        url = reverse("api:pledge-commitments", kwargs={"id": pledge.pk})
        api_pages.append(("API pledge commitments", url, most))
    for kind, url, query in api_pages:
        result += [_page(f"{kind} (public)", ANONYMOUS, url, query), _page(f"{kind} (token)", TOKEN, url, query)]
    return result


class Command(BaseCommand):
    help = (
        "For make bench: give a county's generated users the password in BENCH_PASSWORD, issue an API token "
        "and print the pages to measure as JSON. Only on a database of generated data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", default="12", help="SCB county code (default 12, Skåne)")

    def handle(self, *args, **options):
        password = os.environ.get("BENCH_PASSWORD", "")
        if len(password) < 20:
            raise CommandError("Set BENCH_PASSWORD to a random password of at least 20 characters.")
        if not generated_data_exists():
            raise CommandError("This database holds no generated data (manage.py generate_scale_data).")
        if real_data():
            raise CommandError("This database holds real data; the benchmark only runs on generated data.")
        county = County.objects.filter(code=options["county"]).first()
        if county is None:
            raise CommandError(f"No county with code {options['county']}.")

        code = county.code
        officer_grant = (
            Grant.objects.filter(role=OFFICER, municipality__county=county, user__username__startswith=USER_PREFIX)
            .select_related("user", "municipality")
            .order_by("municipality__code")
            .first()
        )
        actor_grant = Grant.objects.select_related("actor").get(user__username=f"{USER_PREFIX}actor-{code}")
        scopes = {
            COORDINATOR: (f"{USER_PREFIX}coordinator-{code}", ScopeRequest(county_code=code)),
            OFFICER: (
                officer_grant.user.username,
                ScopeRequest(municipality_codes=(officer_grant.municipality.code,)),
            ),
            ACTOR: (actor_grant.user.username, ScopeRequest(county_code=code, actor_name=actor_grant.actor.name)),
            STEERING: (f"{USER_PREFIX}steering-{code}", ScopeRequest(county_code=code)),
            ADMIN: (f"{USER_PREFIX}admin", ScopeRequest()),
        }
        users = {
            role: create_user_with_role(username=username, role=role, scope=scope, password=password)
            for role, (username, scope) in scopes.items()
        }
        _token, key = issue_token(users[COORDINATOR], "benchmark")
        app_keys = {}
        for role, user in users.items():
            if role in settings.TWO_FACTOR_REQUIRED_ROLES:
                TOTPDevice.objects.filter(user=user).delete()
                keys = [secrets.token_hex(20) for _i in range(APPS_PER_USER)]
                TOTPDevice.objects.bulk_create(
                    TOTPDevice(user=user, name=f"benchmark {i}", key=k, confirmed=True) for i, k in enumerate(keys)
                )
                app_keys[user.username] = keys
        self.stdout.write(
            json.dumps(
                {
                    "county": code,
                    "users": {role: user.username for role, user in users.items()},
                    "token": key,
                    "app_keys": app_keys,
                    "pages": pages(county, users[OFFICER], actor_grant.actor_id),
                }
            )
        )
