"""The second step at sign-in, setting up an authenticator app and recovery codes, and an administrator's reset."""

from base64 import b32encode

import segno
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.predicates import is_national_admin

from . import queries, services
from .forms import ConfirmAppForm, StepForm

NEW_CODES_SESSION_KEY = "twofactor.new_codes"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step: a code from the person's app (or a recovery code) before any other page."""
    next_url = _next_url(request)
    if queries.must_enrol(request):
        return redirect(_with_next("twofactor:enrol", next_url))
    if not queries.step_owed(request):
        return redirect(next_url)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.pass_step(request, form.cleaned_data["code"])
        if result is services.StepResult.PASSED:
            return redirect(next_url)
        if result is services.StepResult.LOCKED:
            credentials = {"username": request.user.get_username()}
            logout(request)
            return get_lockout_response(request, credentials=credentials)
        if result is services.StepResult.WAIT:
            form.add_error("code", _("Too many wrong codes in a row. Wait a few seconds and try again."))
        else:
            form.add_error("code", _("The code is wrong or has already been used. Try the code the app shows now."))
    return render(request, "twofactor/verify.html", {"form": form, "next": next_url})


def _grouped(text: str, size: int = 4) -> str:
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with its first code."""
    next_url = _next_url(request)
    if queries.step_owed(request) and not queries.must_enrol(request):
        # A person with an app who has not passed the step may not replace it.
        return redirect(_with_next("twofactor:verify", next_url))
    device = services.app_being_set_up(request)
    form = ConfirmAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-step verification is on. Save your recovery codes now."))
            return redirect(_with_next("twofactor:recovery_codes", next_url))
        form.add_error(
            "code", _("The code does not match. Check that the app shows this account and try its newest code.")
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr.svg_inline(scale=5, border=4, title=_("QR code for your authenticator app"), omitsize=False),
        "secret": _grouped(b32encode(device.bin_key).decode()),
        "account_label": f"{settings.OTP_TOTP_ISSUER}: {request.user.get_username()}",
        "required": queries.role_requires_second_factor(request.user),
        "replacing": queries.has_second_factor(request.user),
    }
    return render(request, "twofactor/enrol.html", context)


@login_required
@require_GET
def manage(request):
    """The person's own two-step verification: on or off, recovery codes left, what changed when."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "device": device,
        "codes_left": queries.recovery_codes_left(user) if device else 0,
        "required": queries.role_requires_second_factor(user),
        "changes": queries.second_factor_history(user),
    }
    return render(request, "twofactor/manage.html", context)


def _codes(request) -> list[str]:
    codes = request.session.get(NEW_CODES_SESSION_KEY)
    return codes if isinstance(codes, list) else []


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """The new recovery codes, shown until the person says they have saved them (POST), then never again."""
    if request.method == "POST":
        request.session.pop(NEW_CODES_SESSION_KEY, None)
        return redirect(_next_url(request) if request.POST.get("next") else reverse("twofactor:manage"))
    codes = [_grouped(code) for code in _codes(request)]
    return render(request, "twofactor/recovery_codes.html", {"codes": codes, "next": request.GET.get("next", "")})


@login_required
@require_GET
def recovery_codes_file(request):
    codes = _codes(request)
    if not codes:
        return redirect("twofactor:recovery_codes")
    lines = [
        _("Recovery codes for Trygghetsportalen, %(user)s") % {"user": request.user.get_username()},
        _("Each code works once, when you cannot use your authenticator app."),
        "",
        *[_grouped(code) for code in codes],
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="trygghetsportalen-aterstallningskoder.txt"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def regenerate(request):
    """New recovery codes, after confirmation: the earlier ones stop working."""
    if not queries.has_second_factor(request.user):
        return redirect("twofactor:manage")
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = services.regenerate_recovery_codes(request.user)
        messages.success(request, _("You have new recovery codes. The earlier ones no longer work."))
        return redirect("twofactor:recovery_codes")
    return render(request, "twofactor/regenerate_confirm.html")


@login_required
@require_http_methods(["GET", "POST"])
def disable(request):
    """Turn off two-step verification, after confirmation; not for a role that needs it."""
    user = request.user
    if not queries.has_second_factor(user):
        return redirect("twofactor:manage")
    required = queries.role_requires_second_factor(user)
    if request.method == "POST":
        if required:
            raise PermissionDenied
        services.disable_second_factor(user)
        request.session.pop(NEW_CODES_SESSION_KEY, None)
        messages.success(request, _("Two-step verification is off."))
        return redirect("twofactor:manage")
    return render(request, "twofactor/disable_confirm.html", {"required": required})


@login_required
@require_http_methods(["GET", "POST"])
def reset(request, pk: int):
    """A national administrator resets a person's second factor (after confirmation); the person is told."""
    if not is_national_admin(request.user):
        raise Http404  # as the personal-data pages: to anyone else, nobody's page exists
    person = get_object_or_404(get_user_model(), pk=pk)
    has_factor = queries.has_second_factor(person)
    if request.method == "POST":
        if services.reset_second_factor(person, by=request.user):
            messages.success(
                request,
                _("The two-step verification of %(person)s is reset. They have been told by e-mail.")
                % {"person": person},
            )
        else:
            messages.info(request, _("%(person)s had no two-step verification to reset.") % {"person": person})
        return redirect("twofactor:reset", pk=person.pk)
    context = {
        "person": person,
        "has_factor": has_factor,
        "changes": queries.second_factor_history(person),
        "admin_url": reverse("admin:portal_user_change", args=[person.pk]),
    }
    return render(request, "twofactor/reset_confirm.html", context)
