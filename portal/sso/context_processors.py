"""The identity providers' buttons for the sign-in and invitation pages (``sso/_providers.html``)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .providers import configured
from .views import safe_next


def _buttons(request) -> list[dict]:
    next_url = safe_next(request, request.GET.get("next", ""))
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return [
        {
            "slug": provider.slug,
            "label": provider.button_label,
            "url": reverse("sso:login", kwargs={"slug": provider.slug}) + query,
        }
        for provider in configured()
    ]


def identity_providers(request) -> dict:
    """``identity_providers``: [{"slug", "label", "url"}], the url carrying the page's ``next``."""
    return {"identity_providers": SimpleLazyObject(lambda: _buttons(request))}
