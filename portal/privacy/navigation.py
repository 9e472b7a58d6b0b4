"""The personal-data page in the menu, for national administrators (``core.registry``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import MenuEntry, MenuItem, MenuPlace


def _register(user, scope) -> list[MenuItem]:
    return [MenuItem(_("Personal data"), reverse("privacy:register"))] if scope.national else []


# Before the admin site's entry (``portal.administration``, order 0).
MENU = (MenuEntry("privacy.register", MenuPlace.LAST, -10, _register),)
