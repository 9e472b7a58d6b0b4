"""Cached sections and their invalidation (core/caching.py): every kind of write, by every path a
write can take (a service, the admin site, a management command, bulk operations, a national row, a
person's name), is on the next page; a rolled-back write leaves the version alone; with the cache
unreachable the pages compute and answer as without one."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.template import Context, Template, TemplateSyntaxError
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from actions import services as action_services
from actions.models import ActionPlan, Measure, ProgressStatus
from core import caching
from core.models import DataChange
from core.roles import Role
from portal.profile import services as profile_services
from tests.factories import (
    GrantFactory,
    MeasureFactory,
    PledgeFactory,
    UserFactory,
    national_statuses,
    progress_update,
)
from tests.parsed import by_id, find_all, page, rows, table, text
from tests.worlds import with_plans


@pytest.fixture
def plans(world):
    world = with_plans(world)
    statuses = national_statuses()
    progress_update(world.own_measure, status_code="on_track", percent=40)
    world.statuses = statuses
    return world


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _section(client, user, key: str):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.status_code == 200
    root = page(response)
    found = [s for s in find_all(root, "section") if s.get("data-testid") == f"dashboard-{key}"]
    assert found, f"no section {key}"
    return found[0]


def _plan_title(section) -> str:
    return text(next(a for a in find_all(section, "a") if a.get("href", "").startswith("/handlingsplaner/")))


def _statuses(section) -> dict[str, str]:
    return {name: count.split(" – ")[0] for name, count in rows(table(section, "Measures by status"))[1:]}


def _version(county) -> int:
    return caching.versions([caching.county_scope(county.pk)])[0]


def _coordinator(client, plans):
    return _section(client, plans.user(Role.COUNTY_COORDINATOR), f"coordinator-{plans.own_county.code}")


def test_a_cached_section_is_read_from_the_cache_until_the_data_changes(client, plans):
    first = _coordinator(client, plans)
    with CaptureQueriesContext(connection) as computing:
        cache.clear()
        _coordinator(client, plans)
    with CaptureQueriesContext(connection) as cached:
        again = _coordinator(client, plans)
    assert len(cached) < len(computing)
    assert text(again) == text(first)


def test_a_write_through_a_service_is_on_the_next_page(client, plans):
    assert _plan_title(_coordinator(client, plans)) == plans.own_plan.title
    action_services.update_plan(plans.own_plan, {"title": "Handlingsplan 2027"}, seen_version=plans.own_plan.version)
    assert _plan_title(_coordinator(client, plans)) == "Handlingsplan 2027"
    steering = _section(client, plans.user(Role.STEERING_GROUP), f"steering-{plans.own_county.code}")
    assert _plan_title(steering) == "Handlingsplan 2027"


def test_a_write_through_the_admin_site_is_on_the_next_page(client, plans):
    """A national row (a status every county uses) changed by an administrator on /admin/."""
    status = plans.statuses["on_track"]
    assert _statuses(_coordinator(client, plans)) == {status.name: "1"}
    client.force_login(plans.user(Role.NATIONAL_ADMIN))
    url = f"/admin/actions/progressstatus/{status.pk}/change/"
    values = {
        "code": status.code,
        "name": "Enligt tidplan",
        "tone": status.tone,
        "position": status.position,
        "county": "",
        "_save": "Spara",
    }
    response = client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Enligt tidplan" in _statuses(_coordinator(client, plans))


def test_a_write_by_a_management_command_is_on_the_next_page(client, plans):
    _coordinator(client, plans)
    statement = (
        "from actions.models import ActionPlan; "
        f"ActionPlan.objects.filter(pk={plans.own_plan.pk}).update(title='Ur skalet')"
    )
    call_command("shell", command=statement)
    assert _plan_title(_coordinator(client, plans)) == "Ur skalet"


def test_bulk_writes_are_on_the_next_page(client, plans):
    section = _coordinator(client, plans)
    assert "The plan has 1 measure." in text(section)
    Measure.objects.bulk_create([Measure(plan=plans.own_plan, number=n, title=f"Insats {n}") for n in (7, 8)])
    assert "The plan has 3 measures." in text(_coordinator(client, plans))
    ActionPlan.objects.filter(pk=plans.own_plan.pk).update(title="Massuppdaterad")
    assert _plan_title(_coordinator(client, plans)) == "Massuppdaterad"
    measures = list(Measure.objects.filter(number__in=(7, 8)))
    for measure in measures:
        measure.title = "Ändrad"
    Measure.objects.bulk_update(measures, ["title"])
    Measure.objects.filter(number__in=(7, 8)).delete()
    assert "The plan has 1 measure." in text(_coordinator(client, plans))


def test_a_deleted_row_and_a_national_row_changed_in_bulk_are_on_the_next_page(client, plans):
    extra = MeasureFactory(plan=plans.own_plan, number=5)
    assert "The plan has 2 measures." in text(_coordinator(client, plans))
    extra.delete()
    assert "The plan has 1 measure." in text(_coordinator(client, plans))
    ProgressStatus.objects.filter(county=None, code="on_track").update(name="Går enligt plan")
    assert "Går enligt plan" in _statuses(_coordinator(client, plans))


def test_a_persons_new_name_is_on_the_next_page(client, plans):
    """The change feed names who changed what: a new name (or a removed person) must not linger."""
    coordinator = plans.user(Role.COUNTY_COORDINATOR)
    action_services.update_plan(plans.own_plan, {"title": "Ny titel"}, seen_version=plans.own_plan.version)
    ActionPlan.history.filter(id=plans.own_plan.pk).update(history_user=coordinator)
    feed = by_id(_coordinator(client, plans), f"coordinator-{plans.own_county.code}-feed-heading")
    assert feed is not None
    assert "Karin" in text(_coordinator(client, plans))
    profile_services.save_name(coordinator, first_name="Katarina", last_name="Berg")
    section = text(_coordinator(client, plans))
    assert "Katarina Berg" in section
    assert "Karin" not in section


def test_signing_in_does_not_throw_the_cached_sections_away(client, plans):
    _coordinator(client, plans)
    before = DataChange.objects.count()
    client.logout()
    client.force_login(plans.user(Role.COUNTY_COORDINATOR))
    plans.user(Role.COUNTY_COORDINATOR).save(update_fields=["last_login"])
    assert DataChange.objects.count() == before


def test_each_county_has_its_own_version_and_national_rows_change_every_county(plans):
    own, foreign = _version(plans.own_county), _version(plans.foreign_county)
    action_services.update_plan(plans.own_plan, {"title": "Bara Skåne"}, seen_version=plans.own_plan.version)
    assert _version(plans.own_county) > own
    assert _version(plans.foreign_county) == foreign
    # A national actor: every county's pages may show it, so every key (which includes "national") changes.
    national = caching.versions([])[0]
    plans.police.name = "Polismyndigheten"
    plans.police.save()
    assert caching.versions([])[0] > national


def test_a_many_to_many_change_is_a_change_of_the_county(plans):
    before = _version(plans.own_county)
    plans.own_measure.municipalities.add(plans.own_municipality)
    after_add = _version(plans.own_county)
    assert after_add > before
    plans.own_measure.municipalities.clear()
    assert _version(plans.own_county) > after_add


def test_a_rolled_back_write_leaves_the_version_and_the_next_write_counts(plans):
    before = _version(plans.own_county)

    def write_and_fail():
        with transaction.atomic():
            action_services.update_plan(plans.own_plan, {"title": "Aldrig"}, seen_version=plans.own_plan.version)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_and_fail()
    assert _version(plans.own_county) == before
    plan = ActionPlan.objects.get(pk=plans.own_plan.pk)
    action_services.update_plan(plan, {"title": "Sedan"}, seen_version=plan.version)
    assert _version(plans.own_county) > before


def test_old_changes_are_pruned_to_each_scopes_newest(plans):
    for n in range(3):
        plan = ActionPlan.objects.get(pk=plans.own_plan.pk)
        action_services.update_plan(plan, {"title": f"Titel {n}"}, seen_version=plan.version)
    version = _version(plans.own_county)
    assert caching.prune_changes() > 0
    assert DataChange.objects.filter(scope=caching.county_scope(plans.own_county.pk)).count() == 1
    assert _version(plans.own_county) == version


@pytest.fixture
def unreachable_cache(settings):
    """The production backend pointed at a port where nothing listens (Django swaps the backend)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache_backend.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "KEY_PREFIX": "unreachable",
            "OPTIONS": {"retry_seconds": 0},
        }
    }


def test_with_the_cache_unreachable_pages_compute_and_answer(client, plans, unreachable_cache):
    assert cache.get("anything", "missing") == "missing"
    assert _plan_title(_coordinator(client, plans)) == plans.own_plan.title
    action_services.update_plan(plans.own_plan, {"title": "Utan cache"}, seen_version=plans.own_plan.version)
    assert _plan_title(_coordinator(client, plans)) == "Utan cache"
    cache.clear()
    # The API's rate limits count in the same cache: they let the request through.
    assert client.get("/api/counties/").status_code == 200


# --- Cached parts of pages ({% datacache %}) ----------------------------------------------------------


def _get(client, user, url):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    return page(response)


def test_the_plan_page_shows_a_new_measure_and_a_new_title_on_the_next_request(client, plans):
    coordinator = plans.user(Role.COUNTY_COORDINATOR)
    url = plans.own_plan.get_absolute_url()
    assert "Nattvandring" not in text(_get(client, coordinator, url))
    action_services.create_measure(plans.own_plan, {"number": 2, "title": "Nattvandring"})
    assert "Nattvandring" in text(_get(client, coordinator, url))
    measure = Measure.objects.get(number=2, plan=plans.own_plan)
    action_services.update_measure(measure, {"title": "Nattvandring i centrum"}, seen_version=measure.version)
    assert "Nattvandring i centrum" in text(_get(client, coordinator, url))


def _indicators(root) -> str:
    section = next(s for s in find_all(root, "section") if s.get("aria-labelledby") == "indicators-heading")
    return text(section)


def test_the_measure_page_redraws_an_indicator_after_a_new_value(client, plans):
    coordinator = plans.user(Role.COUNTY_COORDINATOR)
    url = plans.own_measure.get_absolute_url()
    indicator = action_services.create_indicator(
        plans.own_measure, {"name": "Andel trygga", "unit": "%", "baseline": 40, "target": 60}
    )
    before = _indicators(_get(client, coordinator, url))
    assert "Andel trygga" in before
    assert "47" not in before
    indicator.values.create(date="2026-06-30", value=47)
    assert "47" in _indicators(_get(client, coordinator, url))


def test_the_county_page_shows_a_municipalitys_new_coordinator(client, plans):
    coordinator = plans.user(Role.COUNTY_COORDINATOR)
    url = f"/lan/{plans.own_county.code}/"
    assert "Sara Lind" not in text(_get(client, coordinator, url))
    plans.own_municipality.coordinators.create(name="Sara Lind")
    assert "Sara Lind" in text(_get(client, coordinator, url))


def test_a_cached_part_is_never_shared_across_audiences(client, plans):
    """A draft pledge is on the coordinator's agreements overview, not on the steering group's."""
    draft = PledgeFactory(municipality=plans.own_municipality, title="Utkast till löfte", status="draft")
    url = f"/lan/{plans.own_county.code}/overenskommelser/"
    coordinator, steering = plans.user(Role.COUNTY_COORDINATOR), plans.user(Role.STEERING_GROUP)
    assert draft.title in text(_get(client, coordinator, url))
    assert draft.title not in text(_get(client, steering, url))
    assert draft.title in text(_get(client, coordinator, url))


def test_a_cached_part_refuses_a_form_that_posts(db):
    part = Template(
        '{% load datacache %}{% datacache "test-form" county=1 %}'
        '<form method="post"><input name="csrfmiddlewaretoken" value="x"></form>{% enddatacache %}'
    )
    with pytest.raises(TemplateSyntaxError, match="form that posts"):
        part.render(Context({}))


def test_the_officers_cached_section_shows_a_measure_naming_the_municipality_and_is_the_officers_own(client, plans):
    officer = plans.user(Role.MUNICIPAL_OFFICER)
    park = MeasureFactory(plan=plans.own_plan, number=3, title="Trygg park")
    assert park.title not in text(_section(client, officer, "officer"))
    park.municipalities.add(plans.own_municipality)
    assert park.title in text(_section(client, officer, "officer"))
    # An officer of the neighbouring municipality gets a section of their own, without Lund's measure.
    neighbour = GrantFactory(
        user=UserFactory(username="granne"), role=Role.MUNICIPAL_OFFICER, municipality=plans.neighbour_municipality
    ).user
    assert park.title not in text(_section(client, neighbour, "officer"))


def test_key_figures_imported_by_the_command_are_on_the_municipality_page(client, plans, tmp_path):
    """The management command writes through the import service, outside any request: the cached key
    figures of the municipality page are computed anew on the next request."""
    officer = plans.user(Role.MUNICIPAL_OFFICER)
    url = plans.own_municipality.get_absolute_url()
    assert "131" not in _figures(_get(client, officer, url))
    csv_file = tmp_path / "nyckeltal.csv"
    csv_file.write_text("kommunkod;år;folkmängd;anmälda brott\n1281;2025;131 000;15 020\n", encoding="utf-8")
    call_command("import_key_figures", str(csv_file), stdout=StringIO())
    assert "131" in _figures(_get(client, officer, url))


def _figures(root) -> str:
    return text(next(s for s in find_all(root, "section") if s.get("aria-labelledby") == "figures-heading"))
