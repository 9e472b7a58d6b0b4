from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "portal.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from django.contrib import admin  # noqa: PLC0415 - the admin site exists once the apps are loaded

        from .forms import AdminSignInForm  # noqa: PLC0415 - it imports the models

        # The admin site's own password form refuses the roles whose password sign-in is off, as the portal's does.
        admin.site.login_form = AdminSignInForm
