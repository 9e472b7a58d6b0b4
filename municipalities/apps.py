from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import caching, registry


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Counties and municipalities")

    def ready(self) -> None:
        """What this app contributes to the site (``core.registry``)."""
        from municipalities import navigation, search  # noqa: PLC0415 - the models are loaded only now

        registry.register_search(*search.SPECS)
        registry.register_menu(*navigation.MENU)
        # Counties and municipalities have no scope path of their own: say where their county is.
        caching.track(self.get_model("County"), county="pk")
        caching.track(self.get_model("Municipality"), county="county")
