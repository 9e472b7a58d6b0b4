from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import registry


class PrivacyConfig(AppConfig):
    name = "portal.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        """The personal-data page in the national administrators' menu (``core.registry``)."""
        from portal.privacy import navigation, signals  # noqa: PLC0415 - the URLs and models are loaded only now

        registry.register_menu(*navigation.MENU)
        signals.connect()
