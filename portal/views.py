from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal import services
from portal.dashboard import dashboard_for
from portal.forms import QueuedPasswordResetForm, SignInForm
from portal.signin import SIGNED_IN_COOKIE, signed_in


class LoginView(auth_views.LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        if request.COOKIES.get(SIGNED_IN_COOKIE) == "1" and not request.user.is_authenticated:
            messages.info(request, _("Your session has expired. Sign in again to continue where you were."))
            response = super().get(request, *args, **kwargs)
            response.delete_cookie(SIGNED_IN_COOKIE)
            return response
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        return signed_in(self.request, super().form_valid(form), form.get_user())


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response.delete_cookie(SIGNED_IN_COOKIE)
        messages.success(request, _("You have signed out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm


@login_required
@require_GET
def home(request):
    """The dashboard of every role the user holds (see portal.dashboard)."""
    return render(
        request,
        "portal/home.html",
        {"scope_descriptions": services.describe_scope(request.user), "sections": dashboard_for(request.user)},
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when an account and address pair is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def csrf_failure(request, reason=""):
    """Shown when a form is sent without a valid CSRF token, e.g. after a long pause."""
    return render(request, "403_csrf.html", status=403)
