"""What the search box finds among agreements and pledges (registered in ``AgreementsConfig.ready``)."""

from agreements.models import CitizenPledge, CooperationAgreement
from core.registry import SearchSpec

SPECS: tuple[SearchSpec, ...] = (
    SearchSpec(CooperationAgreement, "title", ("summary",), order=50),
    SearchSpec(CitizenPledge, "title", ("background",), order=60),
)
