"""The national administrators' personal-data pages: the register, a person's records and export,
and removing a person. Everyone else gets a 404 (the pages' existence is no one else's business)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.models import ReportStatus, User
from portal.privacy import perms, queries, services
from portal.privacy.forms import PersonSearchForm, RemovalForm
from portal.privacy.models import PersonExport, PersonRemoval
from portal.privacy.queries import Person
from portal.privacy.register import LEGAL_BASES

RECENT_REMOVALS = 20


def _allowed(request, perm: str = perms.VIEW_PERSONAL_DATA) -> None:
    if not request.user.has_perm(perm):
        raise Http404


@login_required
def register(request):
    _allowed(request)
    form = PersonSearchForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        found = queries.find_people(form.cleaned_data["q"])
    removals = PersonRemoval.objects.select_related("person", "removed_by")[:RECENT_REMOVALS]
    return render(
        request,
        "privacy/register.html",
        {
            "rows": queries.register_rows(),
            "form": form,
            "found": found,
            "named": [(named, _links(named)["page"]) for named in found.named] if found else [],
            "removals": removals,
            "legal_bases": LEGAL_BASES,
        },
    )


def _named(request) -> Person:
    """The person without an account that the query string names (or the form, for the removal)."""
    given = request.GET if "namn" in request.GET or "epost" in request.GET else request.POST
    name = " ".join(given.get("namn", "").split())[:150]
    email = given.get("epost", "").strip()[:254]
    if not name and not email:
        raise Http404
    return Person(name=name, email=email)


def _account(pk) -> User:
    return get_object_or_404(User, pk=pk)


def _links(person: Person) -> dict[str, str]:
    if person.user is not None:
        kwargs = {"pk": person.user.pk}
        return {
            "page": reverse("privacy:person", kwargs=kwargs),
            "json": reverse("privacy:person_json", kwargs=kwargs),
            "pdf": reverse("privacy:person_pdf", kwargs=kwargs),
            "remove": reverse("privacy:person_remove", kwargs=kwargs),
        }
    query = "?" + urlencode({"namn": person.name, "epost": person.email})
    return {
        "page": reverse("privacy:named_person") + query,
        "json": reverse("privacy:named_json") + query,
        "pdf": reverse("privacy:named_pdf") + query,
        "remove": reverse("privacy:named_remove") + query,
    }


def _person_page(request, person: Person):
    return render(
        request,
        "privacy/person.html",
        {
            "person": person,
            "account": person.user,
            "grants": list(person.user.grants.select_related("county", "municipality", "actor"))
            if person.user is not None
            else [],
            "places": queries.person_places(person),
            "links": _links(person),
        },
    )


@login_required
def person(request, pk):
    _allowed(request)
    return _person_page(request, Person.of(_account(pk)))


@login_required
def named_person(request):
    _allowed(request)
    return _person_page(request, _named(request))


def _json_export(person: Person):
    export = queries.export_for(person)
    stem = f"personuppgifter-{slugify(str(person)) or 'person'}-{timezone.localdate():%Y-%m-%d}"
    body = json.dumps(export.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def person_export(request, pk, fmt):
    _allowed(request)
    return _json_export(Person.of(_account(pk)))


@login_required
def named_export(request, fmt):
    _allowed(request)
    return _json_export(_named(request))


def _request_pdf(request, person: Person):
    export = services.request_export(person, by=request.user)
    return redirect("privacy:export_detail", key=export.key)


@login_required
@require_POST
def person_pdf(request, pk):
    _allowed(request)
    return _request_pdf(request, Person.of(_account(pk)))


@login_required
@require_POST
def named_pdf(request):
    _allowed(request)
    return _request_pdf(request, _named(request))


@login_required
def export_detail(request, key):
    _allowed(request)
    export = get_object_or_404(PersonExport, key=key)
    template = "privacy/_export_status.html" if request.htmx else "privacy/export_detail.html"
    return render(request, template, {"export": export})


@login_required
def export_file(request, key):
    _allowed(request)
    export = get_object_or_404(PersonExport, key=key)
    if export.status != ReportStatus.DONE or not export.file:
        raise Http404
    stem = f"personuppgifter-{slugify(export.name or export.email) or 'person'}-{export.created_at:%Y-%m-%d}"
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=f"{stem}.pdf")
    response["Content-Type"] = "application/pdf"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _remove(request, person: Person):
    _allowed(request, perms.REMOVE_PERSONAL_DATA)
    if person.user is not None and person.user.anonymised_at is not None:
        messages.info(request, _("This person's personal data has already been removed."))
        return redirect(_links(person)["page"])
    if person.user is not None and person.user.pk == request.user.pk:
        raise Http404  # an administrator does not remove their own account while signed in with it
    form = RemovalForm(request.POST if request.method == "POST" else None, choices=queries.removal_choices(person))
    if request.method == "POST" and form.is_valid():
        try:
            record = services.remove_person(person, by=request.user, chosen=form.chosen())
        except services.AlreadyRemovedError:
            messages.info(request, _("This person's personal data has already been removed."))
        else:
            messages.success(
                request,
                _("The personal data has been replaced by “%(name)s” in %(count)s places.")
                % {"name": services.placeholder(), "count": len(record.changed)},
            )
        return redirect("privacy:register")
    return render(
        request,
        "privacy/person_remove.html",
        {"person": person, "form": form, "places": queries.person_places(person), "links": _links(person)},
    )


@login_required
def person_remove(request, pk):
    _allowed(request, perms.REMOVE_PERSONAL_DATA)
    return _remove(request, Person.of(_account(pk)))


@login_required
def named_remove(request):
    _allowed(request, perms.REMOVE_PERSONAL_DATA)
    return _remove(request, _named(request))
