"""The one scoping mechanism: what each role sees and may change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from actions.models import Actor
from core.roles import Role
from core.scoping import get_for_user, scope_for
from municipalities.models import County, Municipality
from portal.models import Grant
from tests.factories import GrantFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def names(queryset):
    return sorted(str(obj) for obj in queryset)


def test_each_role_sees_only_its_own_county(world):
    for role in (Role.COUNTY_COORDINATOR, Role.MUNICIPAL_OFFICER, Role.ACTOR_CONTACT, Role.STEERING_GROUP):
        user = world.user(role)
        assert names(County.objects.visible_to(user)) == ["Skåne län"], role
        assert names(Municipality.objects.visible_to(user)) == ["Hässleholm", "Lund"], role


def test_national_admin_sees_every_county(world):
    assert names(County.objects.visible_to(world.user(Role.NATIONAL_ADMIN))) == ["Skåne län", "Stockholms län"]


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Municipality.objects.visible_to(AnonymousUser()).exists()


def test_who_may_change_a_municipality(world):
    assert names(Municipality.objects.editable_by(world.user(Role.COUNTY_COORDINATOR))) == ["Hässleholm", "Lund"]
    assert names(Municipality.objects.editable_by(world.user(Role.MUNICIPAL_OFFICER))) == ["Lund"]
    assert not Municipality.objects.editable_by(world.user(Role.STEERING_GROUP)).exists()
    assert not Municipality.objects.editable_by(world.user(Role.ACTOR_CONTACT)).exists()


def test_named_permissions_agree_with_the_querysets(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    assert officer.has_perm("municipalities.view_municipality", world.neighbour_municipality)
    assert not officer.has_perm("municipalities.change_municipality", world.neighbour_municipality)
    assert officer.has_perm("municipalities.change_municipality", world.own_municipality)
    assert not officer.has_perm("municipalities.view_municipality", world.foreign_municipality)


def test_get_for_user_is_404_outside_scope_and_403_without_permission(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    with pytest.raises(Http404):
        get_for_user(officer, Municipality, code=world.foreign_municipality.code)
    with pytest.raises(PermissionDenied):
        get_for_user(officer, Municipality, perm="municipalities.change_municipality", code="1293")
    assert get_for_user(officer, Municipality, perm="municipalities.change_municipality", code="1281").name == "Lund"


def test_an_officer_of_two_municipalities_in_two_counties_reads_both_counties(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    GrantFactory(user=officer, role=Role.MUNICIPAL_OFFICER, municipality=world.foreign_municipality)
    officer = type(officer).objects.get(pk=officer.pk)
    assert names(County.objects.visible_to(officer)) == ["Skåne län", "Stockholms län"]
    assert names(Municipality.objects.editable_by(officer)) == ["Lund", "Solna"]


def test_national_actors_are_seen_everywhere_county_actors_only_in_their_county(world):
    assert names(Actor.objects.visible_to(world.user(Role.STEERING_GROUP))) == ["Polisen", "Region Skåne"]


def test_scope_costs_one_query_per_request(world, django_assert_num_queries):
    user = type(world.user(Role.ACTOR_CONTACT)).objects.get(username="polis")
    with django_assert_num_queries(1):
        scope_for(user)
        scope_for(user)
    assert scope_for(user).actor_ids == {Actor.objects.get(name="Polisen").pk}


def test_a_grant_must_have_the_scope_its_role_needs(world):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    grant = Grant(user=world.user(Role.STEERING_GROUP), role=Role.MUNICIPAL_OFFICER, county=world.own_county)
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert set(error.value.message_dict) == {"municipality", "county"}
    with pytest.raises(IntegrityError), transaction.atomic():
        grant.save()


def test_user_without_grants_sees_nothing(db):
    from tests.factories import UserFactory

    MunicipalityFactory()
    assert not Municipality.objects.visible_to(UserFactory()).exists()
