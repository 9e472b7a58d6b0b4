"""The profile page ``/profil/`` and its parts. Each form posts to its own address and, when it has
errors, the whole page is shown again (200) with the errors next to the field; a GET of such an
address shows the page as ``/profil/`` does."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist, loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.history import change_log
from portal import services as portal_services
from portal.api.forms import TokenForm
from portal.forms import ProfileSettingsForm
from portal.models import ApiToken
from portal.profile import queries, services
from portal.profile.forms import EmailChangeForm, NameForm
from portal.profile.models import EmailChange
from portal.signin import remember_language

TWOFACTOR_SECTION = "twofactor/_profile_section.html"


def _has_template(name: str) -> bool:
    try:
        loader.get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _page(request, *, new_key: str | None = None, **forms):
    """The whole profile page, with the given bound forms in place of the empty ones."""
    user = request.user
    settings_form = forms.get("settings") or ProfileSettingsForm(user=user)
    response = render(
        request,
        "portal/profile.html",
        {
            "form": settings_form,
            "notice_fields": [settings_form[f"notice_{kind.code}"] for kind in settings_form.kinds],
            "name_form": forms.get("name") or NameForm(user=user),
            "email_form": forms.get("email") or EmailChangeForm(user=user),
            "token_form": forms.get("token") or TokenForm(),
            "pending_email": queries.pending_email_change(user),
            "email_history": change_log(EmailChange.history.filter(user=user), limit=10),
            "grants": queries.grants_of(user),
            "sessions": queries.sessions_of(user, request.session.session_key),
            "api_keys": queries.api_keys_of(user),
            "new_key": new_key,
            "twofactor_section": TWOFACTOR_SECTION if _has_template(TWOFACTOR_SECTION) else None,
        },
    )
    if new_key:
        patch_cache_control(response, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The signed-in person's own page: name, e-mail, grants, sessions, API keys, language and e-mails."""
    user = request.user
    if request.method == "POST":
        form = ProfileSettingsForm(request.POST, user=user)
        if form.is_valid():
            portal_services.save_profile_settings(
                user, language=form.cleaned_data["language"], notice_choices=form.notice_choices()
            )
            messages.success(request, _("Your settings are saved."))
            response = redirect(reverse("portal:profile") + "#installningar")
            remember_language(response, user.language)
            return response
        return _page(request, settings=form)
    return _page(request)


@login_required
@require_http_methods(["GET", "POST"])
def name(request):
    if request.method == "POST":
        form = NameForm(request.POST, user=request.user)
        if form.is_valid():
            services.save_name(request.user, **form.cleaned_data)
            messages.success(request, _("Your name is saved."))
            return redirect(reverse("portal:profile") + "#namn")
        return _page(request, name=form)
    return _page(request)


@login_required
@require_http_methods(["GET", "POST"])
def email(request):
    if request.method == "POST":
        form = EmailChangeForm(request.POST, user=request.user)
        if form.is_valid():
            change = services.request_email_change(request.user, form.cleaned_data["new_email"])
            messages.success(
                request,
                _("We have sent a link to %(email)s. Your address changes when you follow it.")
                % {"email": change.new_email},
            )
            return redirect(reverse("portal:profile") + "#e-post")
        return _page(request, email=form)
    return _page(request)


@login_required
@require_http_methods(["GET", "POST"])
def email_confirm(request, token: str):
    """The link of the confirmation e-mail: a GET shows what will change (mail scanners follow links),
    the button makes the change. A used, replaced, expired or unknown link gets a page saying so."""
    link = queries.email_link(token, request.user)
    if link.state is not queries.LinkState.VALID:
        status = 404 if link.state is queries.LinkState.INVALID else 200
        return render(request, "portal/profile/email_link.html", {"link": link}, status=status)
    if request.method == "POST":
        outcome = services.confirm_email_change(link.change)
        if outcome is services.Outcome.CONFIRMED:
            messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": link.change.new_email})
            return redirect(reverse("portal:profile") + "#e-post")
        state = queries.LinkState.USED if outcome is services.Outcome.USED else queries.LinkState.CANCELLED
        return render(
            request, "portal/profile/email_link.html", {"link": queries.Link(state, link.change), "taken": True}
        )
    return render(request, "portal/profile/email_link.html", {"link": link})


@login_required
@require_http_methods(["GET", "POST"])
def end_other_sessions(request):
    """Sign out everywhere but here, after a confirmation."""
    if request.method == "POST":
        count = portal_services.end_sessions(request.user, except_key=request.session.session_key)
        messages.success(request, _("Your other sessions are signed out (%(count)s).") % {"count": count})
        return redirect(reverse("portal:profile") + "#sessioner")
    return render(
        request,
        "portal/profile/confirm.html",
        {
            "title": _("Sign out your other sessions?"),
            "question": _("Every browser and device signed in with your account, except this one, is signed out."),
            "button": _("Sign out other sessions"),
            "back": reverse("portal:profile") + "#sessioner",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def end_session(request, ref: str):
    """End one of the person's other sessions, after a confirmation. Another's session, or this one
    (signed out with "Logga ut"), is not found."""
    session = queries.session_by_ref(request.user, ref)
    if session is None or session.session_key == request.session.session_key:
        raise Http404
    if request.method == "POST":
        portal_services.end_session(session)
        messages.success(request, _("The session is ended."))
        return redirect(reverse("portal:profile") + "#sessioner")
    return render(
        request,
        "portal/profile/confirm.html",
        {
            "title": _("End the session?"),
            "question": _("The browser of this session is signed out at its next step."),
            "session": session,
            "button": _("End the session"),
            "back": reverse("portal:profile") + "#sessioner",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_key_create(request):
    """Create a personal API key; its key is shown on this response only (as ``api:tokens`` does)."""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, key = portal_services.issue_token(request.user, form.cleaned_data["name"])
            return _page(request, new_key=key)
        return _page(request, token=form)
    return _page(request)


@login_required
@require_http_methods(["GET", "POST"])
def api_key_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    if request.method == "POST":
        portal_services.revoke_token(token)
        messages.success(request, _("The key “%(name)s” has been revoked.") % {"name": token.name})
        return redirect(reverse("portal:profile") + "#api-nycklar")
    return render(
        request,
        "portal/profile/confirm.html",
        {
            "title": _("Revoke the API key?"),
            "question": _("Programs using the key “%(name)s” can no longer read the API with it.")
            % {"name": token.name},
            "button": _("Revoke the key"),
            "back": reverse("portal:profile") + "#api-nycklar",
        },
    )
