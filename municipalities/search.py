"""What the search box finds among counties and municipalities (registered in ``MunicipalitiesConfig.ready``)."""

from core.registry import SearchSpec
from municipalities.models import Municipality

SPECS: tuple[SearchSpec, ...] = (SearchSpec(Municipality, "name", order=40),)
