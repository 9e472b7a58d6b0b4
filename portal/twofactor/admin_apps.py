"""The admin site as an app of its own, so that it asks for the second step (``portal.twofactor.admin_site``)."""

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    default_site = "portal.twofactor.admin_site.SecondFactorAdminSite"
