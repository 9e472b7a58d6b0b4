"""factory_boy factories for every model users reach. Later apps add theirs here."""

import factory

from actions.models import Actor, ActorKind
from core.roles import Role
from municipalities.models import County, Municipality
from portal.models import Grant, User

PASSWORD = "test-lösenord-2026"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{30 + n % 70:02d}")
    name = factory.LazyAttribute(lambda o: f"Testlän {o.code}")
    short_name = factory.LazyAttribute(lambda o: f"Test {o.code}")


def _free_municipality_code(county, n: int) -> str:
    """A four-digit code in the county that no municipality has yet (SCB codes have two digits to spare)."""
    taken = set(Municipality.objects.filter(code__startswith=county.code).values_list("code", flat=True))
    for offset in range(100):
        code = f"{county.code}{(n + offset) % 100:02d}"
        if code not in taken:
            return code
    raise RuntimeError(f"No free municipality code left in county {county.code}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    county = factory.SubFactory(CountyFactory)
    code = factory.LazyAttributeSequence(lambda o, n: _free_municipality_code(o.county, n))
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


# --- municipalities ------------------------------------------------------------------------

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_upload(name: str = "Lägesbild 2024.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


class KeyFigureFactory(factory.django.DjangoModelFactory):
    """A year's population and reported crimes of a municipality (two values; the population's is returned),
    or with ``kind`` and ``value`` one value of that kind."""

    class Meta:
        model = "municipalities.KeyFigure"

    municipality = factory.SubFactory(MunicipalityFactory)
    year = 2024

    @classmethod
    def _create(cls, model_class, *args, population=50000, reported_crimes=5000, **kwargs):
        from municipalities.services import base_kinds

        manager = cls._get_manager(model_class)
        if kwargs.get("kind") is not None:
            return manager.create(*args, **kwargs)
        kinds = base_kinds()
        manager.create(*args, kind=kinds["reported_crimes"], value=reported_crimes, **kwargs)
        return manager.create(*args, kind=kinds["population"], value=population, **kwargs)


class CouncilMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "municipalities.CouncilMember"

    municipality = factory.SubFactory(MunicipalityFactory)
    organisation = factory.Sequence(lambda n: f"Förvaltning {n}")
    kind = "administration"


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "municipalities.Coordinator"

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Samordnare {n}")


class ComplianceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "municipalities.ComplianceItem"

    municipality = factory.SubFactory(MunicipalityFactory)
    obligation = "situation_analysis"
    status = "in_place"
    date = factory.LazyFunction(lambda: __import__("datetime").date(2024, 3, 1))


def compliance_document(item, user=None, name: str = "Lägesbild 2024.pdf", visibility: str = "municipality"):
    """A stored PDF document of ``item``, made the way an upload makes it (for the municipality and
    the county's coordinators unless ``visibility`` is "county")."""
    from core.files.models import fill_document
    from municipalities.models import ComplianceDocument

    document = fill_document(ComplianceDocument(item=item, visibility=visibility), pdf_upload(name), user)
    document.save()
    return document


# --- actions -------------------------------------------------------------------------------------


def national_statuses():
    """The national progress statuses, by code (they are reference data, flushed between some tests)."""
    from actions.models import ProgressStatus
    from actions.services import ensure_national_statuses

    ensure_national_statuses()
    return {s.code: s for s in ProgressStatus.objects.filter(county__isnull=True)}


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.ActionPlan"

    county = factory.SubFactory(CountyFactory)
    title = factory.Sequence(lambda n: f"Handlingsplan {n}")
    period_start = factory.LazyFunction(lambda: __import__("datetime").date(2025, 1, 1))
    period_end = factory.LazyFunction(lambda: __import__("datetime").date(2027, 12, 31))
    status = "active"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.Measure"

    plan = factory.SubFactory(ActionPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Insats {n}")


class MeasureActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.MeasureActor"

    measure = factory.SubFactory(MeasureFactory)
    actor = factory.SubFactory(ActorFactory)
    role = "participant"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.Milestone"

    measure = factory.SubFactory(MeasureFactory)
    title = factory.Sequence(lambda n: f"Delmål {n}")


def progress_update(measure, status_code="on_track", percent=50, date=None, **fields):
    """An update as the service posts it: the measure's latest update follows."""
    import datetime

    from actions.models import Measure, ProgressUpdate

    status = national_statuses()[status_code]
    update = ProgressUpdate.objects.create(
        measure=measure,
        status=status,
        percent=percent,
        date=date or datetime.date(2025, 6, 1),
        done_text=fields.pop("done_text", "Arbete utfört."),
        **fields,
    )
    newest = measure.updates.filter(state="approved").order_by("-date", "-created_at", "-pk").first()
    Measure.objects.filter(pk=measure.pk).update(latest_update=newest)
    measure.refresh_from_db()
    return update


# --- agreements ---------------------------------------------------------------------------------------


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.CooperationAgreement"

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Samverkansöverenskommelse {n}")
    police_area = "Lokalpolisområde"
    start_year = 2024
    end_year = 2027
    status = "active"


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.CitizenPledge"

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Medborgarlöfte {n}")
    period_start = factory.LazyFunction(lambda: __import__("datetime").date(2026, 1, 1))
    period_end = factory.LazyFunction(lambda: __import__("datetime").date(2026, 12, 31))
    background = "Lägesbilden visar otrygghet i centrum."
    status = "published"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.PledgeCommitment"

    pledge = factory.SubFactory(PledgeFactory)
    commitment = factory.Sequence(lambda n: f"Åtagande {n}")
    party = "both"


REVIEW_SCORES = {
    "based_on_situation_analysis": 2,
    "cause_analysis": 2,
    "measurable_goals": 2,
    "commitments_owned": 2,
    "citizen_dialogue": 2,
    "follow_up_planned": 2,
    "period_stated": 2,
    "gender_equality": 2,
}
