from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import registry


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Counties and municipalities")

    def ready(self) -> None:
        """What this app contributes to the site (``core.registry``)."""
        from municipalities import navigation, search  # noqa: PLC0415 - the models are loaded only now

        registry.register_search(*search.SPECS)
        registry.register_menu(*navigation.MENU)
