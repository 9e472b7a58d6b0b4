from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Foundation")

    def ready(self) -> None:
        from core import caching  # noqa: PLC0415 - the models' signals are connected once every app is loaded

        caching.connect_tracked_models()
