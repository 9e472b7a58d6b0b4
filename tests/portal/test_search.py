"""The search box: Swedish word forms, highlighting, escaping, scope, ranking, query count."""

import pytest
from django.urls import reverse

from actions.models import SupportActivity
from core.registry import search_specs
from core.roles import Role
from core.scoping import scope_for
from portal.search import clean_query, highlight, plain_snippet, query_words, search
from tests.factories import (
    ActionPlanFactory,
    ActorFactory,
    AgreementFactory,
    MeasureFactory,
    PledgeFactory,
)

pytestmark = pytest.mark.django_db

SKANE_ROLES = (Role.COUNTY_COORDINATOR, Role.MUNICIPAL_OFFICER, Role.ACTOR_CONTACT, Role.STEERING_GROUP)


def titles(results):
    return [r.title for r in results]


@pytest.fixture
def plan(world):
    return ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")


@pytest.fixture
def foreign_plan(world):
    return ActionPlanFactory(county=world.foreign_county, title="Stockholm mot brott")


def support_activity(county, **fields):
    fields.setdefault("kind", "conference")
    fields.setdefault("date", "2025-05-01")
    fields.setdefault("organiser", "Länsstyrelsen")
    return SupportActivity.objects.create(county=county, **fields)


# --- PostgreSQL full-text search --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["brottsförebyggandet", "brottsförebyggande", "Brottsförebyggande"])
def test_swedish_word_forms_find_each_other(world, plan, query):
    MeasureFactory(plan=plan, title="Det brottsförebyggande arbetet")

    results = search(world.user(Role.COUNTY_COORDINATOR), query)

    assert titles(results) == ["Det brottsförebyggande arbetet"]
    assert results[0].kind_label == "Insats"


def test_a_pledge_is_found_by_another_form_of_a_word_in_its_background(world):
    PledgeFactory(
        municipality=world.own_municipality,
        title="Trygg i centrum",
        background="Kommunen och polisen ger medborgarlöften varje år.",
    )

    results = search(world.user(Role.MUNICIPAL_OFFICER), "medborgarlöfte")

    assert titles(results) == ["Trygg i centrum"]
    assert results[0].kind_label == "Medborgarlöfte"
    assert "<mark>medborgarlöften</mark>" in results[0].snippet


def test_matching_words_are_marked_in_title_and_snippet(world, plan):
    measure = MeasureFactory(
        plan=plan,
        title="Det brottsförebyggande arbetet",
        description="Kommunerna samordnar brottsförebyggande insatser med polisen i hela länet.",
    )

    [result] = search(world.user(Role.COUNTY_COORDINATOR), "brottsförebyggandet")

    assert result.title_html == "Det <mark>brottsförebyggande</mark> arbetet"
    assert "samordnar <mark>brottsförebyggande</mark> insatser" in result.snippet
    assert "·" not in result.snippet  # the empty purpose adds no separator
    assert result.url == measure.get_absolute_url()


def test_the_snippet_joins_the_other_text_fields(world, plan):
    MeasureFactory(plan=plan, title="Insats", description="Om trygghet.", purpose="Mer trygghet.")

    [result] = search(world.user(Role.COUNTY_COORDINATOR), "trygghet")

    assert result.snippet == "Om <mark>trygghet</mark>. · Mer <mark>trygghet</mark>."


def test_html_in_the_text_is_escaped_and_only_marks_remain(world, plan):
    MeasureFactory(
        plan=plan,
        title="<script>alert(1)</script>Trygghet",
        description='<img src=x onerror="alert(2)"> Trygghet & <b>fet</b> text',
    )

    [result] = search(world.user(Role.COUNTY_COORDINATOR), "trygghet")

    for html in (result.title_html, result.snippet):
        assert "<script" not in html
        assert "<img" not in html
        assert "<b>" not in html
        assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert "&lt;script&gt;" in result.title_html
    assert "<mark>Trygghet</mark>" in result.title_html
    assert "&amp;" in result.snippet


def test_html_in_a_title_is_escaped_on_the_page(client, world, plan):
    MeasureFactory(plan=plan, title="<script>alert(1)</script>Trygghet")
    client.force_login(world.user(Role.COUNTY_COORDINATOR))

    response = client.get(reverse("portal:search"), {"q": "Trygghet"})

    assert b"<script>alert(1)" not in response.content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>Trygghet</mark>" in response.content.decode()


def test_every_type_is_found_and_labelled(world, plan):
    MeasureFactory(plan=plan, title="Trygghet i Lund")
    ActionPlanFactory(county=world.own_county, title="Plan för Lund")
    ActorFactory(name="Polisen i Lund", county=world.own_county)
    AgreementFactory(municipality=world.own_municipality, title="Överenskommelse", summary="Polisen och Lund.")
    PledgeFactory(municipality=world.own_municipality, title="Löfte", background="Tryggare centrum i Lund.")
    support_activity(world.own_county, title="Konferens", place="Lund")

    results = search(world.user(Role.COUNTY_COORDINATOR), "Lund")

    assert sorted(r.kind_label for r in results) == sorted(
        [
            "Insats",
            "Handlingsplan",
            "Aktör",
            "Kommun",
            "Samverkansöverenskommelse",
            "Medborgarlöfte",
            "Stödinsats",
        ]
    )


def test_the_apps_register_their_searchable_models_in_a_fixed_order():
    # Results of equal rank keep this order, whatever order the apps are loaded in.
    assert [spec.model._meta.label for spec in search_specs()] == [
        "actions.ActionPlan",
        "actions.Measure",
        "actions.Actor",
        "municipalities.Municipality",
        "agreements.CooperationAgreement",
        "agreements.CitizenPledge",
        "actions.SupportActivity",
    ]


def test_a_title_match_ranks_above_a_description_only_match(world, plan):
    MeasureFactory(plan=plan, title="Om något annat", description="Här nämns grannsamverkan en gång.")
    MeasureFactory(plan=plan, title="Grannsamverkan i Lund", description="Bostadsområden i Lund.")

    for backend in ("fulltext", "plain"):
        results = search(world.user(Role.COUNTY_COORDINATOR), "grannsamverkan", backend=backend)
        assert titles(results) == ["Grannsamverkan i Lund", "Om något annat"], backend
        assert results[0].rank > results[1].rank


def test_results_are_cut_at_the_limit(world, plan):
    for n in range(5):
        MeasureFactory(plan=plan, title=f"Trygghetsvandring {n}")

    assert len(search(world.user(Role.COUNTY_COORDINATOR), "trygghetsvandring", limit=3)) == 3


# --- Scope --------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["fulltext", "plain"])
def test_a_draft_pledge_is_found_by_its_owners_only(world, backend):
    PledgeFactory(municipality=world.own_municipality, title="Utkast om trygghetsvandringar", status="draft")

    def found(role):
        return titles(search(world.user(role), "trygghetsvandringar", backend=backend)) == [
            "Utkast om trygghetsvandringar"
        ]

    assert found(Role.MUNICIPAL_OFFICER)
    assert found(Role.COUNTY_COORDINATOR)
    assert found(Role.NATIONAL_ADMIN)
    assert not found(Role.STEERING_GROUP)
    assert not found(Role.ACTOR_CONTACT)


def test_a_draft_agreement_is_hidden_from_readers_of_the_county(world):
    AgreementFactory(municipality=world.own_municipality, title="Utkast till överenskommelse", status="draft")

    assert titles(search(world.user(Role.COUNTY_COORDINATOR), "överenskommelse")) == ["Utkast till överenskommelse"]
    assert search(world.user(Role.STEERING_GROUP), "överenskommelse") == []


@pytest.mark.parametrize("backend", ["fulltext", "plain"])
def test_nothing_of_the_foreign_county_is_found_by_skane_users(world, plan, foreign_plan, backend):
    MeasureFactory(plan=plan, title="Skånes arbete med avhoppare")
    MeasureFactory(plan=foreign_plan, title="Stockholms arbete med avhoppare")
    ActorFactory(name="Stöd till avhoppare i Stockholm", county=world.foreign_county)
    PledgeFactory(municipality=world.foreign_municipality, title="Solnas löfte om avhoppare")
    AgreementFactory(municipality=world.foreign_municipality, title="Solnas avhoppare-överenskommelse")
    support_activity(world.foreign_county, title="Stockholmskonferens om avhoppare")

    for role in SKANE_ROLES:
        found = titles(search(world.user(role), "avhoppare", backend=backend))
        assert found == ["Skånes arbete med avhoppare"], role
        assert search(world.user(role), "Solna", backend=backend) == [], role

    national = titles(search(world.user(Role.NATIONAL_ADMIN), "avhoppare", backend=backend))
    assert len(national) == 6
    assert "Stockholms arbete med avhoppare" in national
    assert "Skånes arbete med avhoppare" in national
    assert "Solna" in titles(search(world.user(Role.NATIONAL_ADMIN), "Solna", backend=backend))


def test_anonymous_users_find_nothing(world, plan):
    from django.contrib.auth.models import AnonymousUser

    MeasureFactory(plan=plan, title="Trygghetsvandring")

    assert search(AnonymousUser(), "trygghetsvandring") == []


def test_support_activities_link_to_their_form_only_for_those_who_change_them(world):
    activity = support_activity(world.own_county, title="Hearing om trygghetsvandringar")

    [coordinator] = search(world.user(Role.COUNTY_COORDINATOR), "trygghetsvandringar")
    [steering] = search(world.user(Role.STEERING_GROUP), "trygghetsvandringar")
    [plain] = search(world.user(Role.STEERING_GROUP), "trygghetsvandringar", backend="plain")

    assert coordinator.url == activity.get_absolute_url()
    assert steering.url == plain.url == reverse("actions:support_activity_list", kwargs={"code": "12"})


# --- Query count and guards ---------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["fulltext", "plain"])
def test_the_number_of_queries_does_not_grow_with_the_hits(world, plan, django_assert_max_num_queries, backend):
    user = world.user(Role.COUNTY_COORDINATOR)
    scope_for(user)  # the request's scope, computed once per request

    def make(n):
        for i in range(n):
            MeasureFactory(plan=plan, title=f"Trygghetsvandring {i}")
            PledgeFactory(municipality=world.own_municipality, title=f"Trygghetsvandring löfte {i}")
            support_activity(world.own_county, title=f"Trygghetsvandring övning {i}")

    make(1)
    with django_assert_max_num_queries(7) as few:
        assert len(search(user, "trygghetsvandring", backend=backend)) == 3
    make(9)
    with django_assert_max_num_queries(7) as many:
        assert len(search(user, "trygghetsvandring", backend=backend)) == 30
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize("query", ["", "   ", "a", " ö ", None])
@pytest.mark.parametrize("backend", [None, "fulltext", "plain"])
def test_empty_and_one_letter_queries_ask_nothing(world, django_assert_num_queries, query, backend):
    user = world.user(Role.COUNTY_COORDINATOR)
    with django_assert_num_queries(0):
        assert search(user, query, backend=backend) == []


@pytest.mark.parametrize(
    "query",
    ['"', "-", "OR", "&|!:*()", "'; drop table x; --", "trygg\x00het", "\\", "<mark>", "a & b", "x" * 1000],
)
def test_odd_queries_do_not_fail(world, plan, query):
    MeasureFactory(plan=plan, title="Trygghet")
    user = world.user(Role.COUNTY_COORDINATOR)

    for backend in ("fulltext", "plain"):
        assert isinstance(search(user, query, backend=backend), list)


def test_long_queries_are_cut_at_200_characters():
    assert clean_query("  " + "a" * 300) == "a" * 200
    assert clean_query("trygg\x00het") == "trygghet"
    assert clean_query(None) == ""


def test_websearch_syntax_leaves_words_out(world, plan):
    MeasureFactory(plan=plan, title="Trygghet i centrum")
    MeasureFactory(plan=plan, title="Trygghet i hamnen")

    assert titles(search(world.user(Role.COUNTY_COORDINATOR), "trygghet -hamnen")) == ["Trygghet i centrum"]


# --- The plain fallback (the embedded SQLite) ----------------------------------------------------


def test_plain_matching_finds_and_marks_every_word_case_insensitively(world, plan):
    measure = MeasureFactory(
        plan=plan,
        title="Trygghetsvandringar i Lund",
        description="Vi går trygghetsvandringar med boende varje höst i Lund.",
    )
    MeasureFactory(plan=plan, title="Trygghetsvandringar i Malmö")

    results = search(world.user(Role.COUNTY_COORDINATOR), "TRYGGHETSVANDRINGAR lund", backend="plain")

    assert titles(results) == ["Trygghetsvandringar i Lund"]
    [result] = results
    assert result.title_html == "<mark>Trygghetsvandringar</mark> i <mark>Lund</mark>"
    assert "<mark>trygghetsvandringar</mark> med boende" in result.snippet
    assert result.url == measure.get_absolute_url()
    assert result.kind_label == "Insats"


def test_plain_matching_escapes_the_text(world, plan):
    MeasureFactory(plan=plan, title="<script>alert(1)</script>Trygghet", description="amp & <b>trygghet</b>")

    [result] = search(world.user(Role.COUNTY_COORDINATOR), "trygghet amp", backend="plain")

    assert result.title_html == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>Trygghet</mark>"
    # "amp" is marked in the text, never inside the escaped "&amp;".
    assert result.snippet == "<mark>amp</mark> &amp; &lt;b&gt;<mark>trygghet</mark>&lt;/b&gt;"


def test_highlight_and_snippet_helpers():
    assert highlight("Lund och LUND", ["lund"]) == "<mark>Lund</mark> och <mark>LUND</mark>"
    assert highlight("a < b", []) == "a &lt; b"
    assert highlight("", ["x"]) == ""
    words = [f"ord{i}" for i in range(100)]
    snippet = plain_snippet(" ".join([*words[:40], "träff", *words[40:]]), ["träff"])
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>träff</mark>" in snippet
    assert len(snippet.split()) <= 32
    assert query_words("Lund, lund och i Malmö") == ["Malmö", "Lund", "och"]


# --- The page ------------------------------------------------------------------------------------


def test_the_page_lists_results_with_type_title_and_snippet(client, world, plan):
    measure = MeasureFactory(
        plan=plan, title="Det brottsförebyggande arbetet", description="Brottsförebyggande samverkan i länet."
    )
    client.force_login(world.user(Role.COUNTY_COORDINATOR))

    response = client.get(reverse("portal:search"), {"q": "brottsförebyggandet"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'role="status"' in html
    assert len(response.context["results"]) == 1
    assert '<span class="badge text-bg-secondary me-2">Insats</span>' in html
    assert f'href="{measure.get_absolute_url()}"' in html
    assert "<mark>Brottsförebyggande</mark> samverkan" in html
    # The query fills both search boxes: the header's and the page's.
    assert html.count('value="brottsförebyggandet"') == 2


def test_the_page_without_a_query_explains_what_to_do(client, world):
    client.force_login(world.user(Role.STEERING_GROUP))

    response = client.get(reverse("portal:search"))

    assert response.status_code == 200
    assert response.context["results"] == []
    assert response.context["searched"] is False
    assert 'data-testid="search-results"' not in response.content.decode()


def test_the_page_says_when_nothing_matches(client, world):
    client.force_login(world.user(Role.STEERING_GROUP))

    response = client.get(reverse("portal:search"), {"q": "finnsinte"})

    assert response.status_code == 200
    assert response.context["searched"] is True
    assert response.context["results"] == []


def test_the_header_has_the_search_box_for_signed_in_users_only(client, world):
    client.force_login(world.user(Role.STEERING_GROUP))
    html = client.get(reverse("municipalities:county_detail", kwargs={"code": "12"})).content.decode()
    assert 'role="search"' in html
    assert 'name="q"' in html
    assert (
        'id="header-search-query" name="q" maxlength="200" size="30" class="form-control form-control-sm" value=""'
        in html
    )

    client.logout()
    assert 'role="search"' not in client.get(reverse("login")).content.decode()


def test_the_page_only_answers_get(client, world):
    client.force_login(world.user(Role.STEERING_GROUP))

    assert client.post(reverse("portal:search"), {"q": "x"}).status_code == 405
