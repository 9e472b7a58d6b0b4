"""No page before the second step: a signed-in person who owes it is sent to it (or to set up an app)."""

from functools import cache

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .queries import must_enrol, step_owed

# Reached before the step: signing in and out, the identity providers' callbacks, an invitation,
# a forgotten password, the language switch. (The enrolment page lets in only a person without an app.)
_EXACT = (
    "twofactor:verify",
    "twofactor:enrol",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "set_language",
)
_PREFIXES = ("accounts/oidc/", "accounts/reset/", "inbjudan/")


@cache
def _exempt_paths() -> tuple[frozenset[str], tuple[str, ...]]:
    root = reverse("login").removesuffix("accounts/login/")
    prefixes = [root + tail for tail in _PREFIXES]
    if settings.STATIC_URL.startswith("/"):
        prefixes.append(settings.STATIC_URL)
    return frozenset(reverse(name) for name in _EXACT), tuple(prefixes)


def _exempt(path: str) -> bool:
    exact, prefixes = _exempt_paths()
    return path in exact or path.startswith(prefixes)


class SecondFactorMiddleware:
    """After ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not _exempt(request.path) and step_owed(request):
            return self._to_step(request)
        return self.get_response(request)

    def _to_step(self, request):
        if request.path.startswith("/api/") and "text/html" not in request.headers.get("Accept", ""):
            return JsonResponse({"detail": _("Two-step verification is needed first.")}, status=403)
        target = "twofactor:enrol" if must_enrol(request) else "twofactor:verify"
        next_url = request.get_full_path() if request.method == "GET" else reverse(settings.LOGIN_REDIRECT_URL)
        url = f"{reverse(target)}?{urlencode({'next': next_url})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
