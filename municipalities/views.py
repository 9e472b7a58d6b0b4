from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core import caching
from core.editing import edit_rows, form_values
from core.exports import export_response
from core.files.models import DocumentNotStoredError
from core.files.responses import document_response
from core.scoping import get_for_user
from municipalities import perms, queries, services
from municipalities.exports import overview_columns
from municipalities.filters import OverviewFilterSet
from municipalities.forms import (
    BraFileForm,
    ComplianceItemForm,
    CoordinatorFormSet,
    CouncilMemberFormSet,
    FetchKeyFiguresForm,
    FollowBraForm,
    FollowKoladaForm,
    KeyFigureFormSet,
    KeyFigureImportForm,
    MunicipalityProfileForm,
    ScbFileForm,
)
from municipalities.models import (
    ComplianceDocument,
    ComplianceItem,
    County,
    FollowedKeyFigure,
    ImportStatus,
    KeyFigureImport,
    KeyFigureKind,
    KeyFigureSource,
    Municipality,
    Obligation,
)
from municipalities.sources import SourceError


@login_required
@require_GET
def county_list(request):
    counties = County.objects.visible_to(request.user)
    return render(request, "municipalities/county_list.html", {"counties": counties})


@login_required
@require_GET
def county_detail(request, code):
    county = get_for_user(request.user, County, code=code)
    filterset = OverviewFilterSet(request.GET or None, county=county)
    if request.GET.get("format"):
        rows = filterset.qs.rows
        return export_response(
            request.GET["format"], f"kommuner-{county.code}", overview_columns(), rows, sheet_title=county.name
        )
    # Computed only when the page's part is not in the cache ({% datacache %} in the template).
    overview = caching.lazy(lambda: filterset.qs)
    return render(
        request,
        "municipalities/county_detail.html",
        {
            "county": county,
            "overview": overview,
            "filters": filterset.form,
            "obligations": Obligation.choices,
            "can_import": request.user.has_perm(perms.IMPORT_KEYFIGURE),
            "followed": queries.county_followed(county),
            "can_follow": request.user.has_perm(perms.CHANGE_FOLLOWEDKEYFIGURE, county),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def municipality_detail(request, code):
    municipality = get_for_user(request.user, Municipality.objects.select_related("county"), code=code)
    # The key figures and the history are parts cached for the county's data ({% datacache %}): computed lazily.
    figures = caching.lazy(lambda: queries.ranked_key_figures(municipality))
    return render(
        request,
        "municipalities/municipality_detail.html",
        {
            "municipality": municipality,
            "council_members": municipality.council_members.all(),
            "coordinators": municipality.coordinators.all(),
            "figures": figures,
            "chart": caching.lazy(lambda: queries.crime_rate_chart(municipality, figures) if figures else ""),
            "followed": caching.lazy(lambda: queries.followed_series(municipality)),
            "compliance": queries.compliance_views(municipality, request.user),
            # Declared by the actions app; read by its relation name only.
            "support_activities": municipality.support_activities.order_by("-date"),
            "history": caching.lazy(lambda: queries.municipality_history(municipality)),
            "can_change": request.user.has_perm(perms.CHANGE_MUNICIPALITY, municipality),
        },
    )


def _editable_municipality(request, code) -> Municipality:
    return get_for_user(
        request.user, Municipality.objects.select_related("county"), perm=perms.CHANGE_MUNICIPALITY, code=code
    )


@login_required
@require_http_methods(["GET", "POST"])
def municipality_edit(request, code):
    municipality = _editable_municipality(request, code)
    form = MunicipalityProfileForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        services.update_profile(municipality, form_values(form))
        messages.success(request, _("The profile of %(name)s is saved.") % {"name": municipality.name})
        return redirect(municipality)
    return render(
        request,
        "municipalities/municipality_form.html",
        {"municipality": municipality, "form": form, "title": _("Edit profile and council")},
    )


# The parts of a municipality edited as a list of rows: (formset, page title, saved message).
PARTS = {
    "council_members": (
        CouncilMemberFormSet,
        gettext_lazy("Members of the local crime-prevention council"),
        gettext_lazy("The council members of %(name)s are saved."),
    ),
    "coordinators": (
        CoordinatorFormSet,
        gettext_lazy("Crime-prevention coordinators"),
        gettext_lazy("The coordinators of %(name)s are saved."),
    ),
    "key_figures": (
        KeyFigureFormSet,
        gettext_lazy("Key figures per year"),
        gettext_lazy("The key figures of %(name)s are saved."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request, code, part):
    """Edit the council members, coordinators or key figures of a municipality, all rows at once."""
    formset_class, title, saved = PARTS[part]
    return edit_rows(request, _editable_municipality(request, code), formset_class, title=title, saved=saved)


@login_required
@require_http_methods(["GET", "POST"])
def compliance_edit(request, code, obligation):
    if obligation not in Obligation.values:
        raise Http404
    municipality = _editable_municipality(request, code)
    item = ComplianceItem.objects.filter(municipality=municipality, obligation=obligation).first()
    form = ComplianceItemForm(request.POST or None, request.FILES or None, instance=item, obligation=obligation)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_compliance_item(
                municipality,
                obligation,
                item,
                form_values(form),
                document=form.cleaned_data.get("document"),
                visibility=form.cleaned_data.get("document_visibility") or "",
                user=request.user,
            )
        except DocumentNotStoredError as error:
            form.add_error("document", error)
        else:
            messages.success(request, _("%(obligation)s is saved.") % {"obligation": Obligation(obligation).label})
            return redirect(municipality)
    return render(
        request,
        "municipalities/compliance_form.html",
        {
            "municipality": municipality,
            "form": form,
            "item": item,
            "documents": ComplianceDocument.objects.visible_to(request.user).filter(item=item) if item else [],
            "title": Obligation(obligation).label,
        },
    )


@login_required
@require_GET
def compliance_document(request, pk):
    return document_response(get_for_user(request.user, ComplianceDocument, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def compliance_document_delete(request, pk):
    document = get_for_user(
        request.user,
        ComplianceDocument.objects.select_related("item__municipality"),
        perm=perms.DELETE_COMPLIANCEDOCUMENT,
        pk=pk,
    )
    municipality = document.item.municipality
    if request.method == "POST":
        name = services.delete_compliance_document(document)
        messages.success(request, _("The document %(name)s is deleted.") % {"name": name})
        return redirect(municipality)
    return render(request, "municipalities/document_confirm_delete.html", {"document": document})


@login_required
@require_http_methods(["GET", "POST"])
def key_figures_import(request):
    if not request.user.has_perm(perms.IMPORT_KEYFIGURE):
        raise PermissionDenied
    form = KeyFigureImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.import_key_figures(form.cleaned_data["file"].read(), user=request.user)
        if result.ok:
            messages.success(
                request,
                _("The file is imported: %(created)s new, %(updated)s changed and %(unchanged)s unchanged rows.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect("municipalities:key_figures_import")
    return render(request, "municipalities/key_figures_import.html", {"form": form, "result": result})


# --- Key figures from the sources ---------------------------------------------------------------------


ACTIONS = {"follow", "follow_bra", "bra_file", "scb_file", "fetch", "unfollow"}


@login_required
@require_http_methods(["GET", "POST"])
def county_key_figures(request, code):
    """The kinds the county follows: following a Kolada KPI or a Brå category, fetching from Kolada,
    reading a file from Brå. Each form names its action; only that one is bound."""
    county = get_for_user(request.user, County, perm=perms.CHANGE_FOLLOWEDKEYFIGURE, code=code)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and action not in ACTIONS:
        # Each form on the page names what it does; a post naming none is not one of them.
        return HttpResponseBadRequest(_("The form sent no known action."))

    def bound(name):
        return request.POST if action == name else None

    forms = {
        "follow": FollowKoladaForm(bound("follow"), prefix="follow"),
        "fetch": FetchKeyFiguresForm(bound("fetch"), prefix="fetch"),
        "follow_bra": FollowBraForm(
            bound("follow_bra"), prefix="bra", kinds=KeyFigureKind.objects.filter(source=KeyFigureSource.BRA)
        ),
        "bra_file": BraFileForm(bound("bra_file"), request.FILES if action == "bra_file" else None, prefix="brafile"),
        "scb_file": ScbFileForm(bound("scb_file"), request.FILES if action == "scb_file" else None, prefix="scbfile"),
    }
    done = _key_figures_action(request, county, action, forms) if action else None
    if done is not None:
        return done
    return render(
        request,
        "municipalities/county_key_figures.html",
        {
            "county": county,
            "followed": FollowedKeyFigure.objects.filter(county=county).select_related("kind"),
            "follow_form": forms["follow"],
            "fetch_form": forms["fetch"],
            "follow_bra_form": forms["follow_bra"],
            "bra_file_form": forms["bra_file"],
            "scb_file_form": forms["scb_file"],
            "imports": KeyFigureImport.objects.filter(county=county).defer("values")[:10],
        },
    )


def _key_figures_action(request, county, action: str, forms: dict):
    """Carry out the posted action; the redirect, or None to show the page again with the form's errors."""
    if action == "unfollow":
        followed = get_object_or_404(
            FollowedKeyFigure.objects.editable_by(request.user).select_related("kind"),
            county=county,
            pk=request.POST.get("followed") if str(request.POST.get("followed")).isdecimal() else None,
        )
        services.unfollow_kind(followed)
        messages.success(
            request, _("%(county)s no longer follows %(kind)s.") % {"county": county, "kind": followed.kind}
        )
        return redirect("municipalities:county_key_figures", code=county.code)
    form = forms[action]
    if not form.is_valid():
        return None
    try:
        if action == "fetch":
            data = form.cleaned_data
            return redirect(
                services.request_kolada_import(county, data["first_year"], data["last_year"], user=request.user)
            )
        if action in ("bra_file", "scb_file"):
            uploaded = form.cleaned_data["file"]
            read = services.read_bra_file if action == "bra_file" else services.read_scb_file
            return redirect(read(county, uploaded.read(), uploaded.name, user=request.user))
        if action == "follow":
            followed = services.follow_kolada_kpi(county, form.cleaned_data["kpi"], user=request.user)
        else:
            followed = services.follow_kind(county, form.cleaned_data["kind"], user=request.user)
    except SourceError as error:
        field = "kpi" if action == "follow" else "file"
        for problem in getattr(error, "problems", [str(error)])[:20]:
            form.add_error(field, problem)
        return None
    messages.success(request, _("%(county)s follows %(kind)s.") % {"county": county, "kind": followed.kind})
    return redirect("municipalities:county_key_figures", code=county.code)


def _import_for(request, pk) -> KeyFigureImport:
    return get_for_user(
        request.user, KeyFigureImport.objects.select_related("county"), perm=perms.CHANGE_KEYFIGUREIMPORT, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_figure_import(request, pk):
    """An import's state while it is fetched, then its preview, saved when the user confirms it."""
    batch = _import_for(request, pk)
    if request.method == "POST":
        if request.POST.get("action") == "retry":
            services.retry_import(batch)
            return redirect(batch)
        try:
            outcome = services.apply_import(batch, user=request.user)
        except services.ImportNotValidError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The import is saved: %(added)s new and %(changed)s changed values.")
                % {"added": len(outcome.created), "changed": len(outcome.updated)},
            )
        return redirect(batch)
    return render(request, "municipalities/key_figure_import.html", _import_context(batch))


def _import_context(batch: KeyFigureImport) -> dict:
    preview = services.preview_import(batch) if batch.status == ImportStatus.READY else None
    return {"batch": batch, "preview": preview, "county": batch.county}


@login_required
@require_GET
def key_figure_import_status(request, pk):
    """The import's state alone, which the page polls (htmx) while it is fetched."""
    return render(request, "municipalities/_import_status.html", _import_context(_import_for(request, pk)))
