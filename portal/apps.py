from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import caching, registry


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        """What this app contributes to the site (``core.registry``)."""
        from core.notices import register_notice_kind  # noqa: PLC0415 - the models are loaded only now
        from portal import context_processors, dashboard  # noqa: PLC0415
        from portal.people.services import NOTICE_KIND as GRANT_NOTICE_KIND  # noqa: PLC0415
        from portal.reports.services import NOTICE_KIND  # noqa: PLC0415

        registry.register_menu(*context_processors.MENU)
        registry.register_dashboard(*dashboard.ENTRIES)
        register_notice_kind(NOTICE_KIND)
        register_notice_kind(GRANT_NOTICE_KIND)
        # Reports are listed on the cached dashboard sections; people's names are printed in them.
        caching.track(self.get_model("Report"), county="county")
        caching.track_people(
            self.get_model("User"), shown=frozenset({"first_name", "last_name", "username", "is_active"})
        )
