"""Every form of the portal, fed generated hostile input through its real view by the role that posts it.

For each form the page is fetched, its form read as a browser would submit it, and a valid
submission checked to save (so the fuzzing reaches the saving code). Then hypothesis changes
up to four of the fields to hostile values (control characters and NUL bytes, text beyond the
limit, numbers out of range, impossible dates, unknown choices and ids, missing fields, broken
management forms and version fields) and every response must be:

* never a server error;
* when refused: a page that names what is wrong, and not one row changed anywhere;
* when saved: no stored text longer than its column allows or holding a NUL byte.

Each example runs inside a savepoint that is rolled back, so examples do not leak into each other.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django import forms
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.formsets import BaseFormSet
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from municipalities.models import KeyFigureKind
from municipalities.services import ImportResult, kolada_kind
from tests.security.fuzz_support import PAYLOADS, as_post_data, posted_form, snapshot
from tests.security.fuzz_support import text_limit_violations as too_long

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROJECT_FORM_MODULES = ("actions.", "agreements.", "municipalities.", "portal.")
FORM_MODULES = ("actions.forms", "agreements.forms", "municipalities.forms", "portal.forms")
# Bases that are never a form of their own: every concrete form subclasses them.
ABSTRACT_FORMS = {
    "core.concurrency.VersionedForm",
    "municipalities.filters.PeriodFilterSet",
    "municipalities.filters.MunicipalPeriodFilterSet",
    "municipalities.filters.PeriodForm",  # the form of the period filter sets, fuzzed through them
}


@dataclass(frozen=True)
class Case:
    id: str
    covers: tuple[str, ...]
    role: str | None
    url: Callable
    valid: Callable = field(default=lambda world: {})
    saved: Callable = field(default=lambda response: response.status_code == 302)


def _notice_kinds():
    from core.notices import notice_kinds

    return notice_kinds()


def _today():
    from django.utils import timezone

    return timezone.localdate().isoformat()


CASES = [
    Case(
        "plan",
        ("actions.forms.ActionPlanForm",),
        "county_coordinator",
        lambda w: reverse("actions:plan_edit", kwargs={"pk": w.plan.pk}),
    ),
    Case(
        "measure",
        ("actions.forms.MeasureForm",),
        "county_coordinator",
        lambda w: reverse("actions:measure_edit", kwargs={"pk": w.measure.pk}),
    ),
    Case(
        "measure_actors",
        ("actions.forms.MeasureActorFormSet",),
        "county_coordinator",
        lambda w: reverse("actions:measure_actors_edit", kwargs={"pk": w.measure.pk}),
        lambda w: {"participants-1-actor": str(w.own_actor.pk)},
    ),
    Case(
        "working_group",
        ("actions.forms.WorkingGroupFormSet",),
        "county_coordinator",
        lambda w: reverse("actions:working_group_edit", kwargs={"pk": w.measure.pk}),
        lambda w: {"working_group-0-name": "Anna Ek", "working_group-0-organisation": "Lunds kommun"},
    ),
    Case(
        "milestones",
        ("actions.forms.MilestoneFormSet",),
        "county_coordinator",
        lambda w: reverse("actions:milestones_edit", kwargs={"pk": w.measure.pk}),
        lambda w: {"milestones-1-title": "Utvärdering", "milestones-1-due_date": "2027-01-31"},
    ),
    Case(
        "progress_update",
        ("actions.forms.ProgressUpdateForm",),
        "actor_contact",
        lambda w: reverse("actions:progress_update_create", kwargs={"pk": w.measure.pk}),
        lambda w: {"done_text": "Möte hållet.", "date": _today(), "percent": "40"},
    ),
    Case(
        "milestone_done",
        ("actions.forms.MilestoneDoneForm",),
        "actor_contact",
        lambda w: reverse("actions:milestone_done", kwargs={"pk": w.milestone.pk}),
        lambda w: {"done_on": _today()},
    ),
    Case(
        "public_contact",
        ("portal.public.forms.PublicContactForm",),
        "county_coordinator",
        lambda w: reverse("portal:municipality_public_contact", kwargs={"code": w.own_municipality.code}),
        lambda w: {"email": "trygghet@lund.se", "embed_origins": "https://www.lund.se"},
    ),
    Case(
        "indicator_create",
        ("actions.forms.IndicatorForm",),
        "county_coordinator",
        lambda w: reverse("actions:indicator_create", kwargs={"pk": w.measure.pk}),
        lambda w: {"name": "Besök"},
    ),
    Case(
        "indicator_values",
        ("actions.forms.IndicatorForm", "actions.forms.IndicatorValueFormSet"),
        "county_coordinator",
        lambda w: reverse("actions:indicator_edit", kwargs={"pk": w.indicator.pk}),
        lambda w: {"values-0-date": "2025-05-01", "values-0-value": "12.5"},
    ),
    Case(
        "support_activity",
        ("actions.forms.SupportActivityForm",),
        "county_coordinator",
        lambda w: reverse("actions:support_activity_edit", kwargs={"pk": w.activity.pk}),
    ),
    Case(
        "actor",
        ("actions.forms.ActorForm",),
        "county_coordinator",
        lambda w: reverse("actions:actor_create", kwargs={"code": w.own_county.code}),
        lambda w: {"name": "Brottsofferjouren Skåne", "kind": "civil_society"},
    ),
    Case(
        "progress_status",
        ("actions.forms.ProgressStatusForm",),
        "county_coordinator",
        lambda w: reverse("actions:status_list", kwargs={"code": w.own_county.code}),
        lambda w: {"name": "Pausad", "code": "pausad", "position": "50"},
    ),
    Case(
        "round",
        ("actions.forms.RoundForm",),
        "county_coordinator",
        lambda w: reverse("actions:round_create", kwargs={"pk": w.plan.pk}),
        lambda w: {
            "title": "Uppföljning kvartal 1",
            "period_start": "2027-01-01",
            "period_end": "2027-03-31",
            "deadline": "2027-04-15",
        },
    ),
    Case(
        "round_deadline",
        ("actions.forms.DeadlineForm",),
        "county_coordinator",
        lambda w: reverse("actions:round_deadline", kwargs={"pk": w.round.pk}),
        lambda w: {"deadline": "2027-02-28"},
    ),
    Case(
        "round_update",
        ("actions.forms.RoundUpdateForm",),
        "actor_contact",
        lambda w: reverse("actions:round_request", kwargs={"pk": w.request.pk}),
        lambda w: {"done_text": "Två möten hölls.", "percent": "40"},
    ),
    Case(
        "update_review",
        ("actions.forms.ReviewForm",),
        "county_coordinator",
        lambda w: reverse("actions:update_review", kwargs={"pk": w.submitted.pk}),
        lambda w: {"decision": "return", "comment": "Komplettera med antal deltagare."},
    ),
    Case(
        "hand_over",
        ("actions.forms.HandOverForm",),
        "actor_contact",
        lambda w: reverse("actions:request_hand_over", kwargs={"pk": w.request.pk}),
        lambda w: {"colleague": str(w.colleague.pk)},
    ),
    Case(
        "agreement",
        ("agreements.forms.AgreementForm",),
        "municipal_officer",
        lambda w: reverse("agreements:agreement_edit", kwargs={"pk": w.agreement.pk}),
    ),
    Case(
        "pledge",
        ("agreements.forms.PledgeForm",),
        "municipal_officer",
        lambda w: reverse("agreements:pledge_edit", kwargs={"pk": w.draft.pk}),
    ),
    Case(
        "signatories",
        ("agreements.forms.SignatoryFormSet",),
        "municipal_officer",
        lambda w: reverse("agreements:signatories_edit", kwargs={"pk": w.agreement.pk}),
        lambda w: {
            "signatories-0-name": "Eva Berg",
            "signatories-0-title": "Chef",
            "signatories-0-organisation": "Polisen",
        },
    ),
    Case(
        "problems",
        ("agreements.forms.ProblemFormSet",),
        "municipal_officer",
        lambda w: reverse("agreements:problems_edit", kwargs={"pk": w.agreement.pk}),
        lambda w: {"problems-0-problem": "Otrygghet", "problems-0-causes": "Mörker", "problems-0-goal": "Ljus"},
    ),
    Case(
        "deliverables",
        ("agreements.forms.DeliverableFormSet",),
        "municipal_officer",
        lambda w: reverse("agreements:deliverables_edit", kwargs={"pk": w.agreement.pk}),
        lambda w: {"deliverables-0-title": "Trygghetsvandring", "deliverables-0-due_date": "2026-09-01"},
    ),
    Case(
        "commitments",
        ("agreements.forms.CommitmentForm", "agreements.forms.CommitmentFormSet"),
        "municipal_officer",
        lambda w: reverse("agreements:commitments_edit", kwargs={"pk": w.draft.pk}),
        lambda w: {"commitments-0-commitment": "Fler vuxna ute", "commitments-0-party": "municipality"},
    ),
    Case(
        "follow_up",
        ("agreements.forms.FollowUpForm",),
        "municipal_officer",
        lambda w: reverse("agreements:pledge_follow_up", kwargs={"pk": w.pledge.pk}),
        lambda w: {"summary": "Det går bra.", "date": _today()},
    ),
    Case(
        "review",
        ("agreements.forms.QualityReviewForm",),
        "county_coordinator",
        lambda w: reverse("agreements:pledge_review", kwargs={"pk": w.pledge.pk}),
        lambda w: {
            "date": _today(),
            **{name: "2" for name, _label in __import__("agreements.models").models.CRITERIA},
        },
    ),
    Case(
        "focus_area",
        ("agreements.forms.FocusAreaForm",),
        "county_coordinator",
        lambda w: reverse("agreements:focus_areas", kwargs={"code": w.own_county.code}),
        lambda w: {"name": "Skolan", "position": "10"},
    ),
    Case(
        "municipality_profile",
        ("municipalities.forms.MunicipalityProfileForm",),
        "municipal_officer",
        lambda w: reverse("municipalities:municipality_edit", kwargs={"code": w.own_municipality.code}),
    ),
    Case(
        "council_members",
        ("municipalities.forms.CouncilMemberFormSet",),
        "municipal_officer",
        lambda w: reverse("municipalities:council_members_edit", kwargs={"code": w.own_municipality.code}),
        lambda w: {"council_members-0-organisation": "Socialförvaltningen", "council_members-0-kind": "administration"},
    ),
    Case(
        "coordinators",
        ("municipalities.forms.CoordinatorFormSet",),
        "municipal_officer",
        lambda w: reverse("municipalities:coordinators_edit", kwargs={"code": w.own_municipality.code}),
        lambda w: {"coordinators-0-name": "Lisa", "coordinators-0-email": "lisa@lund.se"},
    ),
    Case(
        "key_figures",
        ("municipalities.forms.KeyFigureForm", "municipalities.forms.KeyFigureFormSet"),
        "municipal_officer",
        lambda w: reverse("municipalities:key_figures_edit", kwargs={"code": w.own_municipality.code}),
        lambda w: {
            "key_figures-0-kind": str(KeyFigureKind.objects.get(code="population").pk),
            "key_figures-0-year": "2024",
            "key_figures-0-value": "125000",
        },
    ),
    Case(
        "compliance",
        ("municipalities.forms.ComplianceItemForm",),
        "municipal_officer",
        lambda w: reverse(
            "municipalities:compliance_edit",
            kwargs={"code": w.own_municipality.code, "obligation": "action_programme"},
        ),
        lambda w: {"status": "in_place", "date": "2025-02-01", "decided_by": "Kommunfullmäktige"},
    ),
    Case(
        "key_figure_import",
        ("municipalities.forms.KeyFigureImportForm",),
        "municipal_officer",
        lambda w: reverse("municipalities:key_figures_import"),
        lambda w: {
            "file": SimpleUploadedFile(
                "nyckeltal.csv", f"kommunkod;år;folkmängd;anmälda brott\n{w.own_municipality.code};2024;1;1\n".encode()
            )
        },
    ),
    Case(
        "key_figures_fetch",
        ("municipalities.forms.FetchKeyFiguresForm",),
        "county_coordinator",
        lambda w: reverse("municipalities:county_key_figures", kwargs={"code": w.own_county.code}),
        lambda w: {"action": "fetch", "fetch-first_year": "2020", "fetch-last_year": "2024"},
    ),
    Case(
        "key_figures_follow_kolada",
        ("municipalities.forms.FollowKoladaForm",),
        "county_coordinator",
        lambda w: reverse("municipalities:county_key_figures", kwargs={"code": w.own_county.code}),
        # A KPI the portal already knows: following it asks Kolada nothing (the tests reach no network).
        lambda w: {"action": "follow", "follow-kpi": kolada_kind("N07403", title="Trygghet").source_ref},
    ),
    Case(
        "key_figures_follow_bra",
        ("municipalities.forms.FollowBraForm",),
        "county_coordinator",
        lambda w: reverse("municipalities:county_key_figures", kwargs={"code": w.own_county.code}),
        lambda w: {"action": "follow_bra", "bra-kind": str(KeyFigureKind.objects.get(code="bra:person").pk)},
    ),
    Case(
        "key_figures_bra_file",
        ("municipalities.forms.BraFileForm",),
        "county_coordinator",
        lambda w: reverse("municipalities:county_key_figures", kwargs={"code": w.own_county.code}),
        lambda w: {
            "action": "bra_file",
            "brafile-file": SimpleUploadedFile(
                "brott.csv",
                f"Region;Brottskategori;År;Antal\n{w.own_municipality.code};Narkotikabrott;2024;9\n".encode(),
            ),
        },
    ),
    Case(
        "key_figures_scb_file",
        ("municipalities.forms.ScbFileForm",),
        "county_coordinator",
        lambda w: reverse("municipalities:county_key_figures", kwargs={"code": w.own_county.code}),
        lambda w: {
            "action": "scb_file",
            "scbfile-file": SimpleUploadedFile(
                "BE0101N1.json",
                b'{"class": "dataset", "id": ["Region", "Tid"], "size": [1, 1], "dimension": {"Region": '
                b'{"category": {"index": {"1281": 0}}}, "Tid": {"category": {"index": {"2024": 0}}}}, "value": [9]}',
            ),
        },
    ),
    Case(
        "report_request",
        ("portal.reports.forms.ReportRequestForm",),
        "county_coordinator",
        lambda w: reverse("portal:county_reports", kwargs={"code": w.own_county.code}),
    ),
    Case(
        "api_token",
        ("portal.api.forms.TokenForm",),
        "municipal_officer",
        lambda w: reverse("api:tokens"),
        lambda w: {"name": "Min nyckel"},
        lambda response: response.status_code == 200 and bool(response.context.get("new_key")),
    ),
    # The sign-in form (with the check of the role's sign-in policy): a wrong user name or password is
    # refused next to the form; each example is rolled back, so django-axes never locks the account.
    Case(
        "sign_in",
        ("portal.forms.SignInForm",),
        None,
        lambda w: reverse("login"),
        lambda w: {"username": "kommun", "password": "test-lösenord-2026"},
    ),
    Case(
        "admin_sign_in",
        ("portal.sso.forms.AdminSignInForm",),
        None,
        lambda w: reverse("admin:login"),
        lambda w: {"username": "admin", "password": "test-lösenord-2026", "next": "/admin/"},
    ),
    Case(
        "password_reset",
        ("portal.forms.QueuedPasswordResetForm",),
        None,
        lambda w: reverse("password_reset"),
        lambda w: {"email": "kommun@example.se"},
    ),
    Case(
        "municipal_round",
        ("agreements.forms.MunicipalRoundForm",),
        "county_coordinator",
        lambda w: reverse("agreements:round_create", kwargs={"code": w.own_county.code}),
        lambda w: {
            "title": "Uppföljning av medborgarlöften",
            "period_start": "2026-01-01",
            "period_end": _today(),
            "deadline": _today(),
            "remind_days_before": "5",
            "items": [f"pledge-{w.pledge.pk}"],
        },
    ),
    Case(
        "municipal_round_deadline",
        ("agreements.forms.MunicipalDeadlineForm",),
        "county_coordinator",
        lambda w: reverse("agreements:round_deadline", kwargs={"pk": _municipal_round(w).pk}),
        lambda w: {"deadline": "2099-12-31"},
    ),
    Case(
        "round_follow_up",
        ("agreements.forms.RoundFollowUpForm",),
        "municipal_officer",
        lambda w: reverse("agreements:round_request", kwargs={"pk": _municipal_request(w, w.pledge).pk}),
        lambda w: {
            f"status_{w.pledge.commitments.get().pk}": "ongoing",
            "date": _today(),
            "assessment": "good",
            "summary": "Trygghetsvandringar hölls.",
            "submit": "",
        },
    ),
    Case(
        "follow_up_review",
        ("agreements.forms.FollowUpReviewForm",),
        "county_coordinator",
        lambda w: reverse("agreements:follow_up_review", kwargs={"pk": _submitted_follow_up(w).pk}),
        lambda w: {"decision": "return", "comment": "Komplettera, tack."},
    ),
    Case(
        "comment",
        ("actions.forms.CommentForm",),
        "municipal_officer",
        lambda w: reverse("actions:measure_discussion", kwargs={"pk": w.measure.pk}),
        lambda w: {"body": "Hur går det med rekryteringen?"},
    ),
    Case(
        "profile_name",
        ("portal.profile.forms.NameForm",),
        "municipal_officer",
        lambda w: reverse("portal:profile_name"),
        lambda w: {"first_name": "Åsa", "last_name": "Öberg"},
    ),
    Case(
        "profile_email",
        ("portal.profile.forms.EmailChangeForm",),
        "municipal_officer",
        lambda w: reverse("portal:profile_email"),
        lambda w: {"new_email": "annica.ny@lund.example.se"},
    ),
    Case(
        "profile",
        ("portal.forms.ProfileSettingsForm",),
        "municipal_officer",
        lambda w: reverse("portal:profile"),
        # The daily digest where the kind offers it (a change to one's roles or second factor comes at once).
        lambda w: {
            "language": "en",
            **{f"notice_{kind.code}": "daily" if "daily" in kind.choices else "now" for kind in _notice_kinds()},
        },
    ),
    # A county's coordinator invites a person, gives a person of the county another role, and pastes a
    # list (the valid submission sends the list as checked; a changed list is only checked again).
    Case(
        "invitation",
        ("portal.people.forms.InvitationForm",),
        "county_coordinator",
        lambda w: reverse("people:invite", kwargs={"code": w.own_county.code}),
        lambda w: {
            "first_name": "Eva",
            "last_name": "Ek",
            "email": "eva.ek@lund.example.se",
            "role": "municipal_officer",
            "municipalities": [str(w.own_municipality.pk)],
        },
    ),
    Case(
        "person_grant",
        ("portal.people.forms.TargetForm",),
        "county_coordinator",
        lambda w: reverse(
            "people:person", kwargs={"code": w.own_county.code, "user_id": w.user("municipal_officer").pk}
        ),
        lambda w: {"grant-role": "steering_group"},
    ),
    Case(
        "invitation_list",
        ("portal.people.forms.InvitationListForm",),
        "county_coordinator",
        lambda w: reverse("people:invite_many", kwargs={"code": w.own_county.code}),
        lambda w: {"lines": PASTED_LIST, "send": "1", "checked": hashlib.sha256(PASTED_LIST.encode()).hexdigest()},
        # A list that is not the one checked is shown checked again (200), and nothing is sent.
        saved=lambda response: response.status_code in (200, 302),
    ),
    # The invited person chooses a password on the invitation's page.
    Case(
        "invitation_accept",
        ("portal.people.forms.AcceptForm",),
        None,
        lambda w: _invitation_link(w),  # noqa: PLW0108 - defined further down
        lambda w: {"password1": "Trygg-i-Lund-2026", "password2": "Trygg-i-Lund-2026"},
    ),
    # A national administrator removes a person's personal data, choosing among the rows naming them.
    Case(
        "personal_data_removal",
        ("portal.privacy.forms.RemovalForm",),
        "national_admin",
        lambda w: _person_to_remove(w),  # noqa: PLW0108 - defined further down, with the other builders
    ),
]
CASES_BY_ID = {case.id: case for case in CASES}
# Filter sets are read from the query string of list pages and exports; they save nothing.
GET_FORMS = {
    "actions.filters.MeasureFilterSet": lambda w: reverse("actions:plan_detail", kwargs={"pk": w.plan.pk}),
    "actions.filters.RoundRequestFilterSet": lambda w: reverse("actions:round_detail", kwargs={"pk": w.round.pk}),
    "agreements.filters.OverviewFilterSet": lambda w: reverse(
        "agreements:county_overview", kwargs={"code": w.own_county.code}
    ),
    "agreements.filters.CountyListFilterSet": lambda w: reverse(
        "agreements:pledge_list", kwargs={"code": w.own_county.code}
    ),
    "municipalities.filters.OverviewFilterSet": lambda w: reverse(
        "municipalities:county_detail", kwargs={"code": w.own_county.code}
    ),
    "agreements.filters.MunicipalRequestFilterSet": lambda w: reverse(
        "agreements:round_detail", kwargs={"pk": _municipal_round(w).pk}
    ),
    # The national administrators' search for a person (a 404 for the coordinator who fuzzes here;
    # tests/privacy fuzzes it as an administrator).
    "portal.privacy.forms.PersonSearchForm": lambda w: reverse("privacy:register"),
}
# The API's filter sets read its query parameters; a bad one is a 400 that names it.
API_FILTERS = {
    "municipalities.filters.MunicipalityFilterSet": "/api/municipalities/",
    "actions.filters.PlanFilterSet": "/api/plans/",
    "agreements.filters.PledgeFilterSet": "/api/pledges/",
    "agreements.filters.AgreementFilterSet": "/api/agreements/",
}


# --- Which forms exist -------------------------------------------------------------------------------


def _dotted(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def project_forms() -> set[str]:
    """Every form class and filter set the project defines, and every formset its forms modules build."""
    import importlib

    from django.urls import get_resolver
    from django_filters import FilterSet

    get_resolver().url_patterns  # noqa: B018 - importing every view module defines their forms
    found: set[str] = set()
    stack = [forms.BaseForm, FilterSet]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith(PROJECT_FORM_MODULES) and _dotted(cls) not in ABSTRACT_FORMS:
            found.add(_dotted(cls))
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseFormSet) and getattr(value, "model", None):
                found.add(f"{name}.{attribute}")
    return found


# Forms whose input is checked against a secret no generic case can post: fuzzed by their own tests.
FUZZED_ELSEWHERE = {
    "portal.twofactor.forms.StepForm": "tests/twofactor/test_hostile_codes.py",
    "portal.twofactor.forms.ConfirmAppForm": "tests/twofactor/test_hostile_codes.py",
}


def test_every_form_of_the_project_is_fuzzed():
    covered = (
        {name for case in CASES for name in case.covers} | set(GET_FORMS) | set(API_FILTERS) | set(FUZZED_ELSEWHERE)
    )
    assert project_forms() - covered == set(), "forms that no fuzz case posts"
    assert covered - project_forms() == set(), "fuzz cases naming forms that do not exist"


# --- Hostile values ----------------------------------------------------------------------------------

MISSING = object()
CONTROL = "".join(chr(c) for c in range(32)) + "\x7f\u200b\u202e\ufeff"
UNICODE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)), st.sampled_from(CONTROL + "åäöÅÄÖ<>&\"'")
    ),
    max_size=40,
)


def _over(limit: int | None) -> st.SearchStrategy[str]:
    limit = limit or 4000
    return st.sampled_from([limit, limit + 1, limit * 2 + 7]).map(lambda n: "å" * n)


def hostile_text(limit: int | None) -> st.SearchStrategy[str]:
    return st.one_of(
        UNICODE_TEXT,
        st.sampled_from(PAYLOADS),
        UNICODE_TEXT.map(lambda s: f"{s}\x00{s}"),
        _over(limit),
        st.just("x" * 50_000),
        st.just("   \t\r\n  "),
    )


NUMBER_TEXT = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        ["-1", "0", "1e400", "NaN", "-inf", "1,5", "1.5", "١٢", "½", "12 345", "0x10", "9" * 40, "1" + "0" * 400]
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
DATE_TEXT = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(
        ["2024-02-30", "0000-01-01", "99999-01-01", "2024-13-01", "31/12/2024", "2024-1-1T25:00", "-2024-01-01"]
    ),
)


def _file_values(_field) -> st.SearchStrategy:
    # The test client sends base names only; paths in names are tested in test_hostile_uploads.
    names = st.one_of(
        st.sampled_from(["x.pdf", "a\x00.csv", "x" * 300 + ".csv", "nyckeltal.csv.exe"]),
        UNICODE_TEXT.map(lambda s: "f" + s.replace("/", "").replace("\\", "") + ".csv"),
    )
    return st.builds(SimpleUploadedFile, names, st.binary(max_size=200).map(lambda b: b or b"\x00"))


ANYTHING = st.one_of(UNICODE_TEXT, NUMBER_TEXT, st.just(""))
# Most specific first: a ModelMultipleChoiceField is also a ModelChoiceField and a ChoiceField.
HOSTILE_BY_FIELD = [
    (forms.FileField, _file_values),
    (forms.ModelMultipleChoiceField, lambda f: st.lists(st.one_of(NUMBER_TEXT, UNICODE_TEXT), min_size=1, max_size=4)),
    (forms.ModelChoiceField, lambda f: st.one_of(NUMBER_TEXT, UNICODE_TEXT)),
    (forms.MultipleChoiceField, lambda f: st.lists(UNICODE_TEXT, min_size=1, max_size=4)),
    (forms.ChoiceField, lambda f: st.one_of(st.sampled_from([str(v) for v, _l in f.choices] or [""]), ANYTHING)),
    (forms.DateField | forms.DateTimeField, lambda f: st.one_of(DATE_TEXT, ANYTHING)),
    (forms.IntegerField | forms.DecimalField | forms.FloatField, lambda f: NUMBER_TEXT),
    (forms.BooleanField, lambda f: st.one_of(st.sampled_from(["on", "false", "0", "", "True"]), UNICODE_TEXT)),
    (forms.CharField, lambda f: hostile_text(f.max_length)),
]


def hostile_value(form_field) -> st.SearchStrategy:
    """Values that a browser (or an attacker without one) may send for ``form_field``."""
    for kind, values in HOSTILE_BY_FIELD:
        if isinstance(form_field, kind):
            return values(form_field)
    return ANYTHING


def version_bases(names: list[str]) -> st.SearchStrategy[str]:
    """What a tampered hidden field of a versioned form may claim the user started from (JSON)."""
    values = st.one_of(st.none(), st.booleans(), NUMBER_TEXT, UNICODE_TEXT, st.lists(NUMBER_TEXT, max_size=3))
    return st.dictionaries(st.sampled_from(names), values, max_size=6).map(json.dumps)


def context_values(context) -> list:
    """Every value the rendered templates saw (a test response's context may be a list of contexts)."""
    contexts = context if isinstance(context, list) else [context]
    return [value for ctx in contexts for value in ctx.flatten().values()]


def fields_by_name(context) -> dict[str, forms.Field]:
    """Form fields by the name they are posted under, for every form and formset on the page."""
    found: dict[str, forms.Field] = {}

    def add(form):
        for name, form_field in form.fields.items():
            found[form.add_prefix(name)] = form_field

    for value in context_values(context):
        if isinstance(value, BaseFormSet):
            add(value.management_form)
            for form in value.forms:
                add(form)
        elif isinstance(value, forms.BaseForm):
            add(value)
    return found


def shows_a_problem(response) -> bool:
    """Whether a refused submission tells the user what to fix (a form or formset with errors)."""
    if response.status_code == 400:
        return True
    for value in context_values(response.context):
        if isinstance(value, BaseFormSet) and (value.total_error_count() or value.non_form_errors()):
            return True
        if isinstance(value, forms.BaseForm) and value.errors:
            return True
        if isinstance(value, ImportResult) and value.errors:  # the key-figure import lists each row's problem
            return True
    return False


def _errors(response) -> list:
    found = []
    for value in context_values(response.context or []):
        if isinstance(value, BaseFormSet):
            found += [value.non_form_errors(), *value.errors]
        elif isinstance(value, forms.BaseForm):
            found.append(value.errors)
    return [e for e in found if e]


# --- The fuzzing -----------------------------------------------------------------------------------------


def _prepare(client, world, case: Case):
    if case.role:
        client.force_login(world.user(case.role))
    url = case.url(world)
    page = client.get(url)
    assert page.status_code == 200, url
    form = posted_form(page.content.decode(), url)
    data = as_post_data(form["fields"])
    data.update(case.valid(world))
    return url, data, fields_by_name(page.context)


def _post(client, url, data):
    payload = {k: v for k, v in data.items() if v is not MISSING}
    return client.post(url, payload)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_valid_submission_saves(client, hostile_world, case):
    """The baseline the fuzzing starts from is accepted, so generated input reaches the saving code."""
    url, data, _fields = _prepare(client, hostile_world, case)
    before = snapshot()
    response = _post(client, url, data)
    assert case.saved(response), (response.status_code, _errors(response))
    assert snapshot() != before or case.id == "password_reset"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_submissions_never_fail_and_never_half_save(client, hostile_world, case):
    url, baseline, fields = _prepare(client, hostile_world, case)
    names = sorted((set(baseline) | set(fields)) - {"csrfmiddlewaretoken"})
    before = snapshot()  # every example is rolled back, so it starts from this state

    @st.composite
    def submissions(draw):
        data = dict(baseline)
        for name in draw(st.lists(st.sampled_from(names), max_size=4, unique=True)):
            if draw(st.integers(0, 4)) == 0:
                data[name] = MISSING
            elif name.endswith("version_basis"):
                data[name] = draw(st.one_of(hostile_text(None), version_bases(names)))
            else:
                data[name] = draw(hostile_value(fields[name]) if name in fields else hostile_text(None))
        return data

    @FUZZ
    @given(data=submissions())
    def attack(data):
        for value in data.values():
            if isinstance(value, SimpleUploadedFile):
                value.seek(0)
        savepoint = transaction.savepoint()
        try:
            response = _post(client, url, data)
            assert response.status_code < 500
            if case.saved(response):
                assert too_long() == []
            else:
                # An empty body leaves the form unbound: the page is shown again as if fetched.
                sent = any(value is not MISSING for value in data.values())
                assert shows_a_problem(response) or not sent, f"refused without saying why: {response.status_code}"
                assert snapshot() == before, "a refused submission changed stored rows"
        finally:
            transaction.savepoint_rollback(savepoint)

    attack()


GET_VALUES = st.one_of(UNICODE_TEXT, NUMBER_TEXT, hostile_text(100), DATE_TEXT)
GET_NAMES = ["q", "state", "status", "actor", "flag", "year", "page", "obligation", "sort", "format"]


@pytest.mark.parametrize("form_name", sorted(GET_FORMS))
def test_hostile_filters_never_fail(client, hostile_world, form_name):
    """Filter forms and the exports behind them answer any query string without a server error."""
    client.force_login(hostile_world.user("county_coordinator"))
    url = GET_FORMS[form_name](hostile_world)
    formats = st.sampled_from(["csv", "xlsx", "", "pdf", "CSV", "csv\x00"])

    @FUZZ
    @given(
        query=st.dictionaries(st.sampled_from(GET_NAMES), GET_VALUES, max_size=4),
        fmt=st.one_of(st.none(), formats),
    )
    def attack(query, fmt):
        if fmt is not None:
            query["format"] = fmt
        response = client.get(url, query)
        assert response.status_code in (200, 404), response.status_code
        if response.status_code == 200 and response.streaming:
            assert b"".join(response.streaming_content)

    attack()


API_NAMES = ["county", "municipality", "period_from", "period_to", "page", "page_size"]


@pytest.mark.parametrize("form_name", sorted(API_FILTERS))
def test_hostile_api_filters_never_fail(client, hostile_world, form_name):
    """The API's filter sets answer any query string with rows or a 400 that names the parameter.

    The anonymous rate limit is not what is tested here: generous rates and fresh counters, as in
    tests/api, so that the suite's earlier anonymous requests do not make this a 429."""

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(API_NAMES), GET_VALUES, max_size=4))
    def attack(query):
        response = client.get(API_FILTERS[form_name], query)
        assert response.status_code in (200, 400, 404), response.status_code
        if response.status_code == 400:
            assert response.json()["field"] in API_NAMES

    rates = {"token": "100000/hour", "anonymous": "100000/hour"}
    with override_settings(REST_FRAMEWORK={**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        cache.clear()
        attack()
    cache.clear()


@pytest.mark.parametrize("query", ["\x00", "a\x00b", "<script>", "x" * 5000, "'; DROP TABLE x;--", "\ud7ff" + "å" * 3])
def test_search_takes_any_text(client, hostile_world, query):
    client.force_login(hostile_world.user("county_coordinator"))
    response = client.get(reverse("portal:search"), {"q": query})
    assert response.status_code == 200


# --- The person the personal-data case removes -----------------------------------------------------------


PASTED_LIST = "Eva Ek; eva.ek@lund.example.se; kommunal samordnare; Lund\nStina Styr; stina@example.se; styrgrupp"


def _invitation_link(world) -> str:
    """The link of an invitation into Skåne, waiting for an answer."""
    import datetime

    from django.utils import timezone

    from portal.models import Invitation, token_hash

    raw = "fuzzens-inbjudan"
    Invitation.objects.get_or_create(
        token_hash=token_hash(raw),
        defaults={
            "email": "inbjuden@lund.example.se",
            "first_name": "Inbjuden",
            "last_name": "Person",
            "county": world.own_county,
            "role": "steering_group",
            "expires_at": timezone.now() + datetime.timedelta(days=7),
        },
    )
    return reverse("people:accept", kwargs={"token": raw})


def _person_to_remove(world):
    """The removal page of Lund's officer, who is also named as a member of Lund's council (a row to choose)."""
    from municipalities.models import CouncilMember

    officer = world.user("municipal_officer")
    CouncilMember.objects.get_or_create(
        municipality=world.own_municipality,
        name=officer.get_full_name(),
        defaults={"organisation": "Lunds kommun", "kind": "administration"},
    )
    return reverse("privacy:person_remove", kwargs={"pk": officer.pk})


# --- The municipal follow-up round the agreements cases above post to ---------------------------------------


def _municipal_round(world):
    """Skåne's open municipal round asking about Lund's pledge and agreement, opened on first use."""
    import datetime

    from agreements import queries as agreement_queries
    from agreements import services as agreement_services
    from agreements.models import MunicipalRound

    round_ = MunicipalRound.objects.filter(county=world.own_county, status="open").first()
    if round_ is None:
        values = {"title": "Kommunernas uppföljning", "period_start": datetime.date(2026, 1, 1)}
        values |= {"period_end": datetime.date(2026, 6, 30), "deadline": datetime.date(2099, 1, 1)}
        round_ = agreement_services.open_round(
            world.own_county,
            values,
            items=[world.pledge, world.agreement],
            asked=agreement_queries.municipal_officers([world.own_municipality.pk]),
            user=world.user("county_coordinator"),
        )
    return round_


def _municipal_request(world, target):
    return _municipal_round(world).requests.get(**{"pledge" if target == world.pledge else "agreement": target})


def _submitted_follow_up(world):
    """The agreement's follow-up in the round, submitted by Lund's officer and waiting for review."""
    import datetime

    from agreements import services as agreement_services

    request = _municipal_request(world, world.agreement)
    if request.follow_up is not None:
        return request.follow_up
    return agreement_services.save_round_follow_up(
        request,
        date=datetime.date(2026, 6, 30),
        assessment="partly",
        summary="Lägesbilden är klar.",
        answers={},
        user=world.user("municipal_officer"),
        submit=True,
    )
