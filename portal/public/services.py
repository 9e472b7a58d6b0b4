"""What the county registers for the public site: the only writes of ``portal/public/``."""

from __future__ import annotations

from django.db import transaction

from core.editing import save_values
from municipalities.models import County, Municipality
from portal.models import PublicContact


@transaction.atomic
def save_public_contact(county: County, municipality: Municipality | None, values: dict) -> PublicContact:
    """The public contact of the county board (``municipality`` None) or of a municipality, created or changed."""
    contact = PublicContact.objects.select_for_update().filter(
        county=county, municipality=municipality
    ).first() or PublicContact(county=county, municipality=municipality)
    if municipality is None:
        values = {**values, "embed_origins": ""}
    return save_values(contact, values)
