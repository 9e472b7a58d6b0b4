import pytest

from agreements.models import QualityReview
from agreements.services import ensure_national_focus_areas
from tests.factories import REVIEW_SCORES, AgreementFactory, CommitmentFactory, PledgeFactory


@pytest.fixture
def world(world):
    """The shared world plus, in Lund and in Solna, an active agreement with a published pledge
    (reviewed by the county); Lund also has a draft pledge."""
    ensure_national_focus_areas()
    for side, municipality in (("own", world.own_municipality), ("foreign", world.foreign_municipality)):
        agreement = AgreementFactory(municipality=municipality, title=f"Överenskommelse {municipality.name}")
        pledge = PledgeFactory(municipality=municipality, agreement=agreement, title=f"Löfte {municipality.name}")
        CommitmentFactory(pledge=pledge)
        QualityReview.objects.create(municipality=municipality, pledge=pledge, **REVIEW_SCORES)
        setattr(world, f"{side}_agreement", agreement)
        setattr(world, f"{side}_pledge", pledge)
    world.own_draft = PledgeFactory(municipality=world.own_municipality, title="Utkast Lund", status="draft")
    return world
