"""The people of a county (its coordinators' pages) and the page an invitation's link opens."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.roles import Role
from core.scoping import get_for_user
from municipalities.models import County
from portal import perms, signin
from portal.models import Invitation, User
from portal.people import INVITATION_SESSION_KEY, queries, services
from portal.people.forms import AcceptForm, InvitationForm, InvitationListForm, TargetForm
from portal.twofactor.queries import users_with_second_factor

PAGE_SIZE = 50
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a backend, no password


def _county(request, code: str) -> County:
    """The county whose people the signed-in user manages; 404 for anyone else, the county's other
    people included (its people pages are not theirs to know of)."""
    county = get_for_user(request.user, County, code=code)
    if not request.user.has_perm(perms.CHANGE_GRANT, county):
        raise Http404
    return county


def _person(county: County, user_id: int) -> User:
    """A person with a grant within the county; 404 for anyone else."""
    return get_object_or_404(User.objects.filter(queries.in_county_q(county.pk, "grants__")).distinct(), pk=user_id)


@login_required
@require_http_methods(["GET"])
def county_people(request, code):
    county = _county(request, code)
    search = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("roll", "")
    role = role if role in Role.values else ""
    include_inactive = request.GET.get("inaktiva") == "1"
    people = queries.county_people(county, search=search, role=role, include_inactive=include_inactive)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    people_on_page = list(page.object_list)
    with_second_factor = users_with_second_factor([person.pk for person in people_on_page])
    for person in people_on_page:
        person.has_second_factor = person.pk in with_second_factor
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "county": county,
        "page": page,
        "people": people_on_page,
        "query": query.urlencode(),
        "search": search,
        "role": role,
        "include_inactive": include_inactive,
        "roles": [(value, label) for value, label in Role.choices if value != Role.NATIONAL_ADMIN],
        "invitations": list(queries.pending_invitations(county)[:100]),
        "history": queries.county_history(county, limit=15),
    }
    return render(request, "people/county_people.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, code):
    county = _county(request, code)
    roles = queries.manager(request.user).grantable_roles()
    form = InvitationForm(request.POST or None, county=county, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.invite(
                by=request.user,
                target=form.target(),
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if outcome.invitation is not None:
                messages.success(
                    request,
                    _("The invitation is on its way to %(email)s. The link works for %(days)s days.")
                    % {"email": outcome.invitation.email, "days": queries.invitation_lifetime_days()},
                )
            elif outcome.grants:
                messages.success(
                    request,
                    _("%(name)s already has an account: the role was added to it, and they are told by e-mail.")
                    % {"name": outcome.user},
                )
            else:
                messages.info(request, _("%(name)s already holds this role.") % {"name": outcome.user})
            return redirect("people:county_people", code=county.code)
    return render(request, "people/invite.html", {"county": county, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def invite_many(request, code):
    """Paste a list, see each line checked, then send the invitations of the lines that are right."""
    county = _county(request, code)
    roles = queries.manager(request.user).grantable_roles()
    form = InvitationListForm(request.POST or None, county=county, roles=roles)
    lines, checked = [], ""
    if request.method == "POST" and form.is_valid():
        lines = form.read
        # What is sent is the list as it was checked and shown: a list changed since is checked again.
        checked = hashlib.sha256(form.cleaned_data["lines"].encode()).hexdigest()
        if request.POST.get("send") == "1" and request.POST.get("checked") == checked:
            sent = granted = 0
            for line in lines:
                if not line.ok:
                    continue
                outcome = services.invite(
                    by=request.user,
                    target=line.target,
                    email=line.email,
                    first_name=line.first_name,
                    last_name=line.last_name,
                )
                sent += outcome.invitation is not None
                granted += bool(outcome.grants)
            if sent:
                messages.success(
                    request,
                    ngettext("%(count)s invitation is on its way.", "%(count)s invitations are on their way.", sent)
                    % {"count": sent},
                )
            if granted:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s person already had an account: the role was added to it.",
                        "%(count)s people already had an account: the role was added to theirs.",
                        granted,
                    )
                    % {"count": granted},
                )
            return redirect("people:county_people", code=county.code)
    context = {
        "county": county,
        "form": form,
        "lines": lines,
        "checked": checked,
        "valid": [line for line in lines if line.ok],
        "invalid": [line for line in lines if not line.ok],
    }
    return render(request, "people/invite_many.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person(request, code, user_id):
    county = _county(request, code)
    someone = _person(county, user_id)
    roles = queries.manager(request.user).grantable_roles()
    form = TargetForm(request.POST or None, county=county, roles=roles, prefix="grant")
    if request.method == "POST" and form.is_valid():
        try:
            grants = services.add_grant(by=request.user, user=someone, target=form.target())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if grants:
                messages.success(request, _("The role was added; %(name)s is told by e-mail.") % {"name": someone})
            else:
                messages.info(request, _("%(name)s already holds this role.") % {"name": someone})
            return redirect("people:person", code=county.code, user_id=someone.pk)
    grants = list(queries.county_grants(county).filter(user=someone).order_by("role"))
    context = {
        "county": county,
        "person": someone,
        "grants": grants,
        "elsewhere": queries.grants_outside(someone, county).count(),
        "has_second_factor": someone.pk in users_with_second_factor([someone.pk]),
        "form": form,
        "history": queries.person_history(someone),
    }
    return render(request, "people/person.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def grant_remove(request, code, pk):
    county = _county(request, code)
    grant = get_object_or_404(
        queries.county_grants(county).select_related("user"),
        pk=pk,
    )
    error = None
    if request.method == "POST":
        try:
            services.remove_grant(by=request.user, grant=grant, county=county)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("The role was taken away; %(name)s is told by e-mail.") % {"name": grant.user})
            if grant.user.grants.filter(queries.in_county_q(county.pk)).exists():
                return redirect("people:person", code=county.code, user_id=grant.user_id)
            return redirect("people:county_people", code=county.code)
    context = {"county": county, "grant": grant, "person": grant.user, "error": error}
    return render(request, "people/grant_remove.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_deactivate(request, code, user_id):
    county = _county(request, code)
    someone = _person(county, user_id)
    error = None
    if request.method == "POST":
        try:
            services.deactivate_account(by=request.user, user=someone, county=county)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                _("%(name)s's account is deactivated: their sessions and API keys have ended.") % {"name": someone},
            )
            return redirect("people:county_people", code=county.code)
    context = {
        "county": county,
        "person": someone,
        "error": error,
        "elsewhere": queries.grants_outside(someone, county).count(),
    }
    return render(request, "people/account_deactivate.html", context)


def _invitation(request, pk) -> Invitation:
    invitation = get_for_user(request.user, Invitation.objects.select_related("county"), pk=pk)
    if not request.user.has_perm(perms.ADD_INVITATION, invitation.county):
        raise Http404
    return invitation


@login_required
@require_POST
def invitation_resend(request, pk):
    invitation = _invitation(request, pk)
    try:
        services.resend_invitation(invitation, by=request.user)
    except services.InvitationNotUsableError:
        messages.error(request, _("The invitation was already accepted or revoked: it cannot be sent again."))
    else:
        messages.success(
            request,
            _("A new invitation is on its way to %(email)s; the earlier link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("people:county_people", code=invitation.county.code)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request, pk):
    invitation = _invitation(request, pk)
    if request.method == "POST":
        try:
            services.revoke_invitation(invitation, by=request.user)
        except services.InvitationNotUsableError:
            messages.error(request, _("The invitation was already accepted or revoked."))
        else:
            messages.success(request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email})
        return redirect("people:county_people", code=invitation.county.code)
    return render(request, "people/invitation_revoke.html", {"invitation": invitation, "county": invitation.county})


# --- The invitation's link ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def accept(request, token):
    """Where an invitation's link leads: choose a password (or sign in with the organisation's identity
    provider) and land on the start page. A link that is no invitation's is a 404; a used, revoked or
    expired one says so."""
    invitation = queries.invitation_for_token(token)
    if invitation is None:
        return render(request, "people/accept_unknown.html", status=404)
    if not invitation.is_usable:
        return render(request, "people/accept_gone.html", {"invitation": invitation}, status=410)
    signed_in = request.user.is_authenticated
    same_person = signed_in and request.user.email.casefold() == invitation.email.casefold()
    existing = queries.account_for_email(invitation.email)
    # The identity provider's sign-in (portal.sso) accepts the invitation this session shows.
    request.session[INVITATION_SESSION_KEY] = token
    form = AcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST":
        if signed_in and not same_person:
            raise PermissionDenied
        if same_person or (existing is None and form.is_valid()):
            try:
                user = services.accept_invitation(
                    invitation, password=None if same_person else form.cleaned_data["password1"]
                )
            except services.InvitationNotUsableError:
                return render(request, "people/accept_gone.html", {"invitation": invitation}, status=410)
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(request, _("Welcome to Trygghetsportalen. Your role is ready to use."))
            if same_person:
                return redirect(reverse("portal:home"))
            login(request, user, backend=PASSWORD_BACKEND)
            return signin.signed_in(request, redirect(reverse("portal:home")), user)
    context = {
        "invitation": invitation,
        "form": form,
        "signed_in": signed_in,
        "same_person": same_person,
        "existing": existing is not None and not same_person,
        "municipalities": list(invitation.municipalities.all()),
    }
    return render(request, "people/accept.html", context)
