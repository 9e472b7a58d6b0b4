from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.models import FollowUpRound
from core.files.responses import document_response
from core.scoping import get_for_user
from municipalities.models import County, Municipality
from portal import perms
from portal.models import Report, ReportKind, ReportStatus
from portal.reports import services
from portal.reports.forms import ReportRequestForm


def _scope(request, code: str, kind: str):
    if kind == ReportKind.COUNTY:
        county = get_for_user(request.user, County, code=code)
        return county, None, request.user.has_perm(perms.REQUEST_REPORT, county)
    municipality = get_for_user(request.user, Municipality.objects.select_related("county"), code=code)
    return municipality.county, municipality, request.user.has_perm(perms.REQUEST_REPORT, municipality)


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request, code, kind):
    county, municipality, may_request = _scope(request, code, kind)
    if request.method == "POST" and not may_request:
        raise PermissionDenied
    if request.method == "POST" and kind == ReportKind.COUNTY and "round" in request.POST:
        # The report of a follow-up round, requested from the round's page: its period is the round's.
        report = services.request_round_report(_round_of(request, county), user=request.user)
        return redirect(report)
    form = None
    if may_request:
        suggestion = services.suggested_period(kind=kind, county=county, municipality=municipality)
        form = ReportRequestForm(request.POST or None, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        report = services.request_report(
            kind=kind,
            county=county,
            municipality=municipality,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            user=request.user,
        )
        # The report page says that it is queued, and then how it goes: no message of its own.
        return redirect(report)
    reports = Report.objects.visible_to(request.user).filter(kind=kind, county=county, municipality=municipality)
    return render(
        request,
        "reports/report_list.html",
        {
            "county": county,
            "municipality": municipality,
            "kind": kind,
            "reports": reports.select_related("requested_by", "county", "municipality", "round")[:50],
            "form": form,
        },
    )


def _round_of(request, county) -> FollowUpRound:
    """The round named in the form: one of the county's that the user sees, else a 404."""
    try:
        pk = int(request.POST["round"])
    except ValueError:
        raise Http404 from None
    return get_for_user(request.user, FollowUpRound.objects.filter(plan__county=county).select_related("plan"), pk=pk)


def _visible_report(request, pk) -> Report:
    return get_for_user(
        request.user, Report.objects.select_related("county", "municipality", "requested_by", "round"), pk=pk
    )


@login_required
@require_GET
def report_detail(request, pk):
    return render(request, "reports/report_detail.html", {"report": _visible_report(request, pk)})


@login_required
@require_GET
def report_status(request, pk):
    """The part of the page that htmx polls until the report is finished."""
    return render(request, "reports/_report_status.html", {"report": _visible_report(request, pk)})


@login_required
@require_GET
def report_file(request, pk):
    report = _visible_report(request, pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise PermissionDenied
    report.original_name = f"{report}.pdf".replace("/", "-").replace(":", "")
    report.content_type = "application/pdf"
    return document_response(report)


@login_required
@require_POST
def report_retry(request, pk):
    report = get_for_user(request.user, Report, perm=perms.RETRY_REPORT, pk=pk)
    if report.status != ReportStatus.FAILED:
        messages.info(request, _("Only a failed report can be tried again."))
        return redirect(report)
    services.retry_report(report)
    return redirect(report)  # whose status now says it is queued
