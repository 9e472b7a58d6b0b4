"""Access from outside: every URL of every app covered by a matrix, ids guessed, files fetched by URL.

The per-app matrices (``tests/<app>/test_permission_matrix.py``, their rows in ``tests/matrix_rows/``)
walk every role, an inactive and a grant-less user over own, foreign and draft objects. This module
adds the URLs outside the four apps (sign-in and password pages, the language switch, the API, the
admin site), checks that no URL of any namespace is left without a row, and then plays the outsider
who guesses: every id of every kind of object, and every stored file's path under ``/media/``.
"""

import re
import textwrap

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actions.models import (
    ActionPlan,
    Actor,
    FollowUpRound,
    Indicator,
    Measure,
    Milestone,
    PlanDocument,
    ProgressUpdate,
    RoundRequest,
    SupportActivity,
    UpdateAttachment,
)
from agreements.models import (
    AgreementDocument,
    CitizenPledge,
    CooperationAgreement,
    FollowUp,
    MunicipalRequest,
    MunicipalRound,
)
from municipalities.models import ComplianceDocument, KeyFigureImport
from portal.models import ApiToken, Grant, Invitation, Report, User
from portal.people import queries as people_queries
from portal.public.queries import slug_of
from portal.services import issue_token
from tests.factories import MINIMAL_PDF
from tests.helpers import PRODUCTION_ENV, python
from tests.matrix import INACTIVE, NO_ROLE, Row, check_row, expect, extra_user, matrix_cases, uncovered
from tests.matrix_rows.actions import ROWS as ACTIONS_ROWS
from tests.matrix_rows.agreements import ROWS as AGREEMENTS_ROWS
from tests.matrix_rows.municipalities import ROWS as MUNICIPALITIES_ROWS
from tests.matrix_rows.people import ROWS as PEOPLE_ROWS
from tests.matrix_rows.portal import ROWS as PORTAL_ROWS
from tests.matrix_rows.privacy import ROWS as PRIVACY_ROWS
from tests.matrix_rows.public import ROWS as PUBLIC_ROWS
from tests.matrix_rows.sso import ROWS as SSO_ROWS
from tests.matrix_rows.twofactor import ROWS as TWOFACTOR_ROWS
from tests.worlds import with_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """The shared world plus, in each county, one object of every kind a URL names by id (a follow-up
    round and a municipal round among them, each with an answer waiting for review), and Lund's (and
    its neighbour Hässleholm's) drafts (``tests.worlds.with_everything``)."""
    return with_everything(world)


# --- Every URL has a row ---------------------------------------------------------------------------


def on_side(attribute):
    return lambda world, side: {"pk": getattr(world, f"{side}_{attribute}").pk}


EVERYONE = expect(200)
SIGNED_IN = expect(200, anonymous=302)
# The API answers sessions with public material only: a published object is public wherever it
# lies, a draft is not there for anyone, signed in or not.
PUBLIC = {**EVERYONE, NO_ROLE: 200}
API_OBJECT = {"own": PUBLIC, "foreign": PUBLIC, "draft": expect(404)}
API_LIST = {"own": EVERYONE, "no_role": 200}

ROWS = [
    # The sign-in page sends someone signed in on to the start page.
    Row("login", own=expect(302, anonymous=200), no_role=302),
    # Signing out is a POST; the matrix signs the user in again before every request.
    Row("logout", own=expect(405), no_role=405),
    Row("logout", method="post", own=expect(302), no_role=302),
    Row("password_change", own=SIGNED_IN, no_role=200),
    Row("password_change_done", own=SIGNED_IN, no_role=200),
    Row("password_reset", own=EVERYONE, no_role=200),
    Row("password_reset_done", own=EVERYONE, no_role=200),
    # A made-up link shows the "link is invalid" page to everyone.
    Row(
        "password_reset_confirm",
        kwargs=lambda world, side: {"uidb64": "MQ", "token": "gissad-0123456789abcdef"},
        own=EVERYONE,
        no_role=200,
    ),
    Row("password_reset_complete", own=EVERYONE, no_role=200),
    Row("set_language", method="post", data=lambda world, side: {"language": "sv"}, own=expect(302), no_role=302),
    Row("api:schema", **API_LIST),
    Row("api:docs", **API_LIST),
    Row("api:tokens", own=SIGNED_IN, no_role=200),
    # Tokens are personal: only the officer's own key can be revoked, by the officer.
    Row(
        "api:token_revoke",
        method="post",
        kwargs=lambda world, side: {"pk": (world.officer_token if side == "own" else world.foreign_token).pk},
        own=expect(404, anonymous=302, municipal_officer=302),
        foreign=expect(404, anonymous=302),
    ),
    Row("api:county-list", **API_LIST),
    Row(
        "api:county-detail",
        kwargs=lambda world, side: {"code": (world.own_county if side == "own" else world.foreign_county).code},
        own=EVERYONE,
        foreign=EVERYONE,
        no_role=200,
    ),
    Row("api:municipality-list", **API_LIST),
    Row(
        "api:municipality-detail",
        kwargs=lambda world, side: {
            "code": (world.own_municipality if side == "own" else world.foreign_municipality).code
        },
        own=EVERYONE,
        foreign=EVERYONE,
        no_role=200,
    ),
    Row("api:plan-list", **API_LIST),
    Row("api:plan-detail", kwargs=lambda world, side: {"id": getattr(world, f"{side}_plan").pk}, **API_OBJECT),
    # A plan's measures and a pledge's commitments, paged: read as their plan or pledge is.
    Row("api:plan-measures", kwargs=lambda world, side: {"id": getattr(world, f"{side}_plan").pk}, **API_OBJECT),
    Row("api:pledge-list", **API_LIST),
    Row("api:pledge-detail", kwargs=lambda world, side: {"id": getattr(world, f"{side}_pledge").pk}, **API_OBJECT),
    Row(
        "api:pledge-commitments",
        kwargs=lambda world, side: {"id": getattr(world, f"{side}_pledge").pk},
        **API_OBJECT,
    ),
    Row("api:agreement-list", **API_LIST),
    Row(
        "api:agreement-detail",
        kwargs=lambda world, side: {"id": getattr(world, f"{side}_agreement").pk},
        **API_OBJECT,
    ),
]

ALL_ROWS = [
    *PORTAL_ROWS,
    *PRIVACY_ROWS,
    *PEOPLE_ROWS,
    *MUNICIPALITIES_ROWS,
    *ACTIONS_ROWS,
    *AGREEMENTS_ROWS,
    *TWOFACTOR_ROWS,
    *SSO_ROWS,
    *PUBLIC_ROWS,
    *ROWS,
]


@pytest.mark.parametrize(("row", "side"), matrix_cases(ROWS))
def test_permission_matrix(client, world, row, side):
    check_row(client, world, row, side)


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(
                pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            )
        elif pattern.name:
            yield f"{prefix}{pattern.name}"


def test_every_url_of_every_app_has_a_matrix_row():
    """Sign-in, password, language, API and the four apps: nothing is left out (the admin site below)."""
    names = set(_url_names(get_resolver().url_patterns))
    missing = {name for name in names if not name.startswith("admin:")} - {row.name for row in ALL_ROWS}
    assert missing == set()
    for namespace in ("portal", "municipalities", "actions", "agreements", "api", "twofactor", "sso"):
        assert uncovered(namespace, ALL_ROWS) == set()


def test_unnamed_api_addresses_are_json_404_for_everyone(client, world):
    for user in (None, world.user("national_admin")):
        if user:
            client.force_login(user)
        response = client.get("/api/finns-inte/")
        assert response.status_code == 404
        assert response.json() == {"error": "Not found.", "field": None}


def test_only_staff_reach_the_admin_site(client, world):
    """Every page of every model on the admin site sends a non-administrator to the admin sign-in."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
    users = [
        world.user(role) for role in ("county_coordinator", "municipal_officer", "actor_contact", "steering_group")
    ]
    users += [extra_user(world, INACTIVE), extra_user(world, NO_ROLE), None]
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (user, url)
            assert response["Location"].startswith(reverse("admin:login")), (user, url)
    client.force_login(world.user("national_admin"))
    # The administrator reaches every list and every form to add what can be added by hand.
    # Records made by the portal itself cannot be added by hand: django-axes' sign-in records, and the links of
    # identities to accounts (made by a sign-in through the provider).
    made_by_the_portal = ("/admin/axes/", "/admin/sso/identitylink/")
    reachable = [url for url in urls if not (url.startswith(made_by_the_portal) and url.endswith("/add/"))]
    statuses = {url: client.get(url).status_code for url in reachable}
    assert {url: status for url, status in statuses.items() if status != 200} == {}


# --- Guessing ids ----------------------------------------------------------------------------------

# Each URL with an integer id, and the kind of object the id names.
ID_URLS = {
    "municipalities:key_figure_import": KeyFigureImport,
    "municipalities:key_figure_import_status": KeyFigureImport,
    "actions:plan_detail": ActionPlan,
    "actions:plan_edit": ActionPlan,
    "actions:measure_create": ActionPlan,
    "actions:plan_document": PlanDocument,
    "actions:measure_detail": Measure,
    "actions:measure_edit": Measure,
    "actions:measure_actors_edit": Measure,
    "actions:working_group_edit": Measure,
    "actions:milestones_edit": Measure,
    "actions:progress_update_create": Measure,
    "actions:indicator_create": Measure,
    "actions:milestone_done": Milestone,
    "actions:indicator_edit": Indicator,
    "actions:actor_detail": Actor,
    "actions:actor_edit": Actor,
    "actions:support_activity_edit": SupportActivity,
    "actions:round_create": ActionPlan,
    "actions:round_detail": FollowUpRound,
    "actions:round_deadline": FollowUpRound,
    "actions:round_remind": FollowUpRound,
    "actions:round_close": FollowUpRound,
    "actions:round_reopen": FollowUpRound,
    "actions:round_request": RoundRequest,
    "actions:request_hand_over": RoundRequest,
    "actions:update_review": ProgressUpdate,
    "actions:update_attachment": UpdateAttachment,
    "actions:update_detail": ProgressUpdate,
    "actions:measure_discussion": Measure,
    "actions:measure_follow": Measure,
    "agreements:agreement_detail": CooperationAgreement,
    "agreements:agreement_edit": CooperationAgreement,
    "agreements:signatories_edit": CooperationAgreement,
    "agreements:problems_edit": CooperationAgreement,
    "agreements:deliverables_edit": CooperationAgreement,
    "agreements:agreement_follow_up": CooperationAgreement,
    "agreements:agreement_review": CooperationAgreement,
    "agreements:agreement_document": AgreementDocument,
    "agreements:pledge_detail": CitizenPledge,
    "agreements:pledge_edit": CitizenPledge,
    "agreements:pledge_print": CitizenPledge,
    "agreements:commitments_edit": CitizenPledge,
    "agreements:pledge_follow_up": CitizenPledge,
    "agreements:pledge_review": CitizenPledge,
    "agreements:round_detail": MunicipalRound,
    "agreements:round_deadline": MunicipalRound,
    "agreements:round_remind": MunicipalRound,
    "agreements:round_close": MunicipalRound,
    "agreements:round_reopen": MunicipalRound,
    "agreements:round_request": MunicipalRequest,
    "agreements:request_hand_over": MunicipalRequest,
    "agreements:follow_up_review": FollowUp,
    "municipalities:compliance_document": ComplianceDocument,
    "municipalities:compliance_document_delete": ComplianceDocument,
    "portal:report_detail": Report,
    "portal:report_status": Report,
    "portal:report_file": Report,
    "portal:report_retry": Report,
    "api:token_revoke": ApiToken,
    "portal:profile_api_key_revoke": ApiToken,
    # The personal-data pages of an account: national administrators only.
    "privacy:person": User,
    "privacy:person_json": User,
    "privacy:person_pdf": User,  # a POST: the guess is posted
    "privacy:person_remove": User,
    # Resetting a person's second factor: national administrators only.
    "twofactor:reset": User,
    # A county's invitations: its coordinators'.
    "people:invitation_resend": Invitation,
    "people:invitation_revoke": Invitation,
}
# URLs with an id under a county (``/lan/<code>/…/<id>/``): guessed under the guesser's own county,
# by the kwarg that names the id and what it names ("person": an account with a role in the county).
# The public site names a pledge or an agreement by its municipality's name and its id: anyone may
# guess, and whatever is not public (a draft, an ended or withdrawn one) is a 404 like a missing id.
PUBLIC_ID_URLS = {
    "public:pledge": CitizenPledge,
    "public_en:pledge": CitizenPledge,
    "public:agreement": CooperationAgreement,
    "public_en:agreement": CooperationAgreement,
}
COUNTY_ID_URLS = {
    "people:person": ("user_id", "person"),
    "people:account_deactivate": ("user_id", "person"),
    "people:grant_remove": ("pk", "grant"),
}
GUESSERS = ["county_coordinator", "municipal_officer", "actor_contact", "steering_group", NO_ROLE]


def _int_id_urls(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _int_id_urls(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and "<int:" in str(pattern.pattern):
            yield f"{prefix}{pattern.name}"


def test_every_url_with_an_id_is_guessed():
    assert set(_int_id_urls(get_resolver().url_patterns)) == set(ID_URLS) | set(COUNTY_ID_URLS) | set(PUBLIC_ID_URLS)


def test_guessed_ids_on_the_public_site_are_404_unless_public(client, world):
    for name, model in PUBLIC_ID_URLS.items():
        public = set(model.objects.public().values_list("pk", flat=True))
        hidden = model.objects.exclude(pk__in=public).select_related("municipality")
        assert hidden, f"{name}: the world has nothing hidden to guess"
        last = max(model.objects.values_list("pk", flat=True))
        guesses = [(obj.municipality, obj.pk) for obj in hidden] + [(world.own_municipality, last + 1)]
        for municipality, pk in guesses:
            url = reverse(name, kwargs={"municipality": slug_of(municipality.name), "pk": pk})
            assert client.get(url).status_code == 404, url


def _visible_ids(model, user) -> set[int]:
    if model is User:
        return set()  # no guesser may read anyone's personal-data pages, their own included
    if model is ApiToken:
        return set(ApiToken.objects.filter(user=user).values_list("pk", flat=True))
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def _guesses(model, user) -> list[int]:
    """Every existing id the user may not see, and ids just and far beyond the last one."""
    ids = set(model._default_manager.values_list("pk", flat=True))
    last = max(ids)
    return [*sorted(ids - _visible_ids(model, user)), last + 1, last + 1_000_000]


@pytest.mark.parametrize("role", GUESSERS)
def test_guessed_ids_are_404_never_403_or_200(client, world, role):
    """An id outside the user's scope, or one that does not exist, looks the same: 404.

    A page that is only sent to (milestone done, retry, revoke) is guessed with POST.
    """
    user = extra_user(world, NO_ROLE) if role == NO_ROLE else world.user(role)
    client.force_login(user)
    answers = []
    for name, model in ID_URLS.items():
        guesses = _guesses(model, user)
        assert len(guesses) > 2 or model is ApiToken, f"{name}: the world has nothing to guess"
        for pk in guesses:
            url = reverse(name, kwargs={"pk": pk})
            status = client.get(url).status_code
            if status == 405:
                status = client.post(url, {}).status_code
            answers.append((url, status))
    for name, (kwarg, kind) in COUNTY_ID_URLS.items():
        for pk in _county_guesses(world, kind, user):
            url = reverse(name, kwargs={"code": world.own_county.code, kwarg: pk})
            status = client.get(url).status_code
            answers.append((url, status))
    wrong = [f"{url}: {status}" for url, status in answers if status != 404]
    assert not wrong, f"{role} learnt something by guessing:\n" + "\n".join(wrong)


def _county_guesses(world, kind: str, user) -> list[int]:
    """The ids of people (or grants) the user may not manage in their own county, and ids beyond the last."""
    county = world.own_county
    manages = user.grants.filter(role="county_coordinator", county=county).exists()
    if kind == "person":
        ids = set(User.objects.values_list("pk", flat=True))
        managed = (
            User.objects.filter(people_queries.in_county_q(county.pk, "grants__")) if manages else User.objects.none()
        )
    else:
        ids = set(Grant.objects.values_list("pk", flat=True))
        managed = people_queries.county_grants(county) if manages else Grant.objects.none()
    seen = set(managed.values_list("pk", flat=True))
    assert ids - seen, f"the world has no {kind} outside what {user} manages"
    return [*sorted(ids - seen), max(ids) + 1, max(ids) + 1_000_000]


def test_the_hidden_drafts_are_among_the_guesses(world):
    """The guessing above covers the drafts of Lund (for the actor contact and the steering group)
    and of Hässleholm (for Lund's officer too)."""
    officer = world.user("municipal_officer")
    hidden = CitizenPledge.objects.filter(status="draft").exclude(pk__in=_visible_ids(CitizenPledge, officer))
    assert list(hidden.values_list("municipality__name", flat=True)) == ["Hässleholm"]
    for role in ("actor_contact", "steering_group"):
        assert world.draft_pledge.pk in _guesses(CitizenPledge, world.user(role))
        assert world.draft_agreement.pk in _guesses(CooperationAgreement, world.user(role))


@pytest.mark.parametrize("role", ["municipal_officer", "actor_contact", "steering_group"])
def test_a_draft_plan_and_its_rows_are_among_the_guesses(world, role):
    """Skåne's draft plan, its measure, milestone, indicator and document are hidden from the rest of
    Skåne (so each is guessed above, and must be a 404), as is Lund's lägesbild kept to Lund."""
    user = world.user(role)
    for model, obj in (
        (ActionPlan, world.draft_plan),
        (Measure, world.draft_measure),
        (Milestone, world.draft_milestone),
        (Indicator, world.draft_indicator),
        (PlanDocument, world.draft_plan_document),
    ):
        assert obj.pk in _guesses(model, user), model.__name__
    restricted = world.own_compliance_document.pk in _guesses(ComplianceDocument, user)
    assert restricted is (role != "municipal_officer")
    assert world.shared_compliance_document.pk not in _guesses(ComplianceDocument, user)


API_DETAIL = {
    "api:plan-detail": ActionPlan,
    "api:plan-measures": ActionPlan,
    "api:pledge-detail": CitizenPledge,
    "api:pledge-commitments": CitizenPledge,
    "api:agreement-detail": CooperationAgreement,
}


@pytest.mark.parametrize("role", [*GUESSERS, "anonymous"])
def test_guessed_api_ids_are_json_404(client, world, role, settings):
    """With a token the API reads the token user's scope, without one public material only."""
    from portal.api.public import PUBLIC

    # Hundreds of guesses from one address, more than the anonymous rate allows in an hour: a rate of
    # their own, and counters that end with the test, so no later test of the run finds them spent.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/hour", "anonymous": "100000/hour"},
    }
    cache.clear()

    headers = {}
    if role != "anonymous":
        user = extra_user(world, NO_ROLE) if role == NO_ROLE else world.user(role)
        _token, key = issue_token(user, "Gissning")
        headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    wrong = []
    for name, model in API_DETAIL.items():
        ids = set(model.objects.values_list("pk", flat=True))
        readable = set(
            (PUBLIC[model]() if role == "anonymous" else model.objects.visible_to(user)).values_list("pk", flat=True)
        )
        for pk in [*sorted(ids - readable), max(ids) + 1, "0x1", "-1"]:
            response = client.get(reverse(name, kwargs={"id": pk}), **headers)
            if response.status_code != 404 or response.json().get("error") is None:
                wrong.append(f"{response.request['PATH_INFO']}: {response.status_code}")
        for pk in readable:
            assert client.get(reverse(name, kwargs={"id": pk}), **headers).status_code == 200
    cache.clear()
    assert not wrong, "\n".join(wrong)


# --- Files by URL ----------------------------------------------------------------------------------

STORED = re.compile(r"^(documents/(actions|agreements|municipalities)/[0-9a-f]{32}\.pdf|reports/[0-9a-f]{32}\.pdf)$")


def _stored_files():
    for model in (PlanDocument, AgreementDocument, ComplianceDocument, Report):
        yield from model._default_manager.exclude(file="").values_list("file", flat=True)


def test_stored_file_names_are_random_and_never_the_uploaded_name(world):
    names = list(_stored_files())
    assert len(names) >= 12
    for name in names:
        assert STORED.match(name), name
        assert "Dokument" not in name
        assert "rapport" not in name.removeprefix("reports/")
    assert len(set(names)) == len(names)


def test_media_files_are_not_served_by_url(client, world):
    """Files are only handed out by the download views, which check who asks; /media/ serves nothing."""
    for name in _stored_files():
        assert (settings.MEDIA_ROOT / name).exists()
        for user in (None, world.user("national_admin")):
            client.logout()
            if user:
                client.force_login(user)
            response = client.get(f"{settings.MEDIA_URL}{name}")
            assert response.status_code == 404, name
            assert MINIMAL_PDF not in b"".join(response) if response.streaming else response.content


def test_media_files_are_not_served_under_production_settings(tmp_path):
    """The production URLconf and WhiteNoise serve no uploads either, even over HTTPS."""
    media = tmp_path / "media"
    (media / "documents" / "actions").mkdir(parents=True)
    (media / "documents" / "actions" / "0123456789abcdef0123456789abcdef.pdf").write_bytes(MINIMAL_PDF)
    script = textwrap.dedent(
        """
        import django
        from django.conf import settings
        django.setup()
        from django.test import Client, override_settings
        # The image runs collectstatic for the manifest; here the 404 page takes its CSS from the finders.
        plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        storages = {**settings.STORAGES, "staticfiles": plain}
        with override_settings(STORAGES=storages):
            response = Client(HTTP_HOST="trygghetsportalen.example.se").get(
                "/media/documents/actions/0123456789abcdef0123456789abcdef.pdf", secure=True
            )
        body = b"".join(response) if response.streaming else response.content
        print(response.status_code, b"%PDF" in body)
        """
    )
    result = python(
        "-c", script, timeout=120, **PRODUCTION_ENV, MEDIA_ROOT=str(media), DJANGO_SETTINGS_MODULE="portal.settings"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["404", "False"], result.stdout + result.stderr


@pytest.mark.parametrize(
    ("role", "own_municipality_report", "own_county_report"),
    [
        ("county_coordinator", 200, 200),
        ("steering_group", 200, 200),
        ("municipal_officer", 200, 404),
        ("actor_contact", 404, 404),
    ],
)
def test_report_pdfs_go_only_to_their_readers(client_as, world, role, own_municipality_report, own_county_report):
    client = client_as(role)
    for report, status in (
        (world.own_report, own_municipality_report),
        (world.own_county_report, own_county_report),
        (world.foreign_report, 404),
        (world.foreign_county_report, 404),
    ):
        response = client.get(reverse("portal:report_file", kwargs={"pk": report.pk}))
        assert response.status_code == status, report
        if status == 200:
            assert b"".join(response) == MINIMAL_PDF
            assert response["Content-Disposition"].startswith("attachment;")
