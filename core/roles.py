"""The roles a person can hold. The grants themselves (``portal.Grant``) live with the user model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_COORDINATOR = "county_coordinator", _("County coordinator")
    MUNICIPAL_OFFICER = "municipal_officer", _("Municipal officer")
    ACTOR_CONTACT = "actor_contact", _("Actor contact")
    STEERING_GROUP = "steering_group", _("Steering group member")
    NATIONAL_ADMIN = "national_admin", _("National administrator")
