"""The second factor at sign-in: TOTP with an authenticator app and one-time recovery codes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    name = "portal.twofactor"
    label = "twofactor"
    verbose_name = _("Second factor")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415 - the models are loaded only now

        from core.notices import register_notice_kind  # noqa: PLC0415
        from portal.twofactor import signals  # noqa: PLC0415
        from portal.twofactor.services import RESET_NOTICE_KIND  # noqa: PLC0415

        register_notice_kind(RESET_NOTICE_KIND)
        user_logged_in.connect(signals.owe_step_at_sign_in, dispatch_uid="twofactor.owe_step_at_sign_in")
