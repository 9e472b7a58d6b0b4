from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import caching, registry


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Cooperation agreements and citizen pledges")

    def ready(self) -> None:
        """What this app contributes to the site (``core.registry``)."""
        from agreements import dashboard, navigation, round_notices, search  # noqa: PLC0415 - models load only now
        from core.notices import register_notice_kind  # noqa: PLC0415

        registry.register_search(*search.SPECS)
        registry.register_menu(*navigation.MENU)
        registry.register_county_history(*dashboard.HISTORIES)
        registry.register_dashboard(*dashboard.DASHBOARDS)
        caching.track(self.get_model("FollowUpItem"), county="follow_up__municipality__county")
        for kind in round_notices.KINDS:
            register_notice_kind(kind)
