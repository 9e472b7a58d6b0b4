from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import registry


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Regional action plans")

    def ready(self) -> None:
        """What this app contributes to the site (``core.registry``)."""
        from actions import dashboard, navigation, notices, search  # noqa: PLC0415 - the models are loaded only now
        from core.notices import register_notice_kind  # noqa: PLC0415

        registry.register_search(*search.SPECS)
        registry.register_menu(*navigation.MENU)
        registry.register_county_history(*dashboard.HISTORIES)
        for kind in notices.KINDS:
            register_notice_kind(kind)
