"""factory_boy factories for every model users reach. Later apps add theirs here."""

import factory

from actions.models import Actor, ActorKind
from municipalities.models import County, Municipality
from portal.models import Grant, Role, User

PASSWORD = "test-lösenord-2026"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{30 + n % 70:02d}")
    name = factory.LazyAttribute(lambda o: f"Testlän {o.code}")
    short_name = factory.LazyAttribute(lambda o: f"Test {o.code}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    county = factory.SubFactory(CountyFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.county.code}{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Testkommun {n}")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Aktör {n}")
    kind = ActorKind.OTHER_AGENCY
    county = factory.SubFactory(CountyFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Användare {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    role = Role.COUNTY_COORDINATOR
