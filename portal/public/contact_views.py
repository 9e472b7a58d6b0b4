"""The county's coordinators register what the public site says of the county board and of each
municipality: whom to contact, and which web sites may show a municipality's pledge page in a frame."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.editing import form_values
from core.scoping import get_for_user
from municipalities import perms as municipality_perms
from municipalities.models import County, Municipality
from portal.models import PublicContact
from portal.public import services
from portal.public.forms import PublicContactForm


def _edit(request, county: County, municipality: Municipality | None):
    contact = PublicContact.objects.filter(county=county, municipality=municipality).first()
    form = PublicContactForm(request.POST or None, instance=contact, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        services.save_public_contact(county, municipality, form_values(form))
        messages.success(request, _("What the public site shows is saved."))
        return redirect(request.path)
    public_url = (
        reverse("public:municipality", kwargs={"municipality": slugify(municipality.name)})
        if municipality
        else reverse("public:county", kwargs={"county": slugify(county.name)})
    )
    return render(
        request,
        "public/contact_form.html",
        {"form": form, "county": county, "municipality": municipality, "public_url": public_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def county_contact(request, code):
    county = get_for_user(request.user, County, perm=municipality_perms.CHANGE_COUNTY, code=code)
    return _edit(request, county, None)


@login_required
@require_http_methods(["GET", "POST"])
def municipality_contact(request, code):
    municipality = get_for_user(request.user, Municipality.objects.select_related("county"), code=code)
    # Registered by the county: its coordinators, not the municipality's officers.
    if not request.user.has_perm(municipality_perms.CHANGE_COUNTY, municipality.county):
        raise PermissionDenied
    return _edit(request, municipality.county, municipality)
