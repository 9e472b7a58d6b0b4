from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from actions.forms import HandOverForm
from actions.models import Measure, RequestState, UpdateState
from actions.services import Decision
from agreements import perms, queries, services
from agreements.exports import (
    FOLLOW_UP_FIELDS,
    PLEDGE_FIELDS,
    REVIEW_FIELDS,
    county_columns,
    follow_up_columns,
    municipal_request_columns,
    pledge_columns,
    review_columns,
)
from agreements.filters import CountyListFilterSet, MunicipalRequestFilterSet, OverviewFilterSet
from agreements.forms import (
    AgreementForm,
    CommitmentFormSet,
    DeliverableFormSet,
    FocusAreaForm,
    FollowUpForm,
    FollowUpReviewForm,
    MunicipalDeadlineForm,
    MunicipalRoundForm,
    PledgeForm,
    ProblemFormSet,
    QualityReviewForm,
    RoundFollowUpForm,
    SignatoryFormSet,
)
from agreements.models import (
    CRITERIA,
    AgreementDocument,
    CitizenPledge,
    CooperationAgreement,
    FocusArea,
    FollowUp,
    FollowUpItem,
    MunicipalRequest,
    MunicipalRound,
    PledgeStatus,
    QualityReview,
)
from agreements.reminders import deadlines
from core import caching
from core.concurrency import ConcurrentEditError, handle_conflict
from core.editing import edit_rows, form_values
from core.exports import CSV_CHUNK_ROWS, export_response
from core.files.models import DocumentNotStoredError
from core.files.responses import document_response
from core.rounds import OUTSTANDING
from core.scoping import get_for_user, scope_for
from municipalities.models import County, Municipality

# --- The county's picture ---------------------------------------------------------------------------

ROUNDS_LISTED = 5  # municipal follow-up rounds named on the county's overview, newest first


@login_required
@require_GET
def county_overview(request, code):
    county = get_for_user(request.user, County, code=code)
    filterset = OverviewFilterSet(request.GET or None, county=county, request=request)
    if request.GET.get("format"):
        return export_response(
            request.GET["format"],
            f"overenskommelser-{county.code}",
            county_columns(),
            filterset.qs,
            sheet_title=county.name,
        )
    return render(
        request,
        "agreements/county_overview.html",
        {
            "county": county,
            # Computed only when the table is not in the cache ({% datacache %} in the template).
            "rows": caching.lazy(lambda: filterset.qs),
            "audience": scope_for(request.user).audience(county.pk),
            "filters": filterset.form,
            "query": request.GET.urlencode(),
            # The county's municipal follow-up rounds, newest first: its coordinators' and steering group's.
            "rounds": list(MunicipalRound.objects.visible_to(request.user).filter(county=county)[:ROUNDS_LISTED]),
            "can_open_round": request.user.has_perm(perms.ADD_MUNICIPALROUND, county),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def focus_areas(request, code):
    county = get_for_user(request.user, County, code=code)
    can_manage = request.user.has_perm(perms.ADD_FOCUSAREA, county)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = FocusAreaForm(request.POST or None) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        area = services.add_focus_area(county, form_values(form))
        messages.success(request, _("The focus area “%(name)s” is added.") % {"name": area.name})
        return redirect("agreements:focus_areas", code=county.code)
    areas = FocusArea.objects.for_county(county.pk)
    return render(request, "agreements/focus_areas.html", {"county": county, "areas": areas, "form": form})


def _county_list(request, code, *, queryset, date_field: str, template: str, columns, fields, stem: str):
    """A county-wide list that filters by municipality name and year, pages, and exports what is shown.

    The export reads the ``fields`` its ``columns`` show, as dicts (``values()``), in chunks.
    """
    county = get_for_user(request.user, County, code=code)
    filterset = CountyListFilterSet(
        request.GET or None, queryset=queryset.filter(municipality__county=county), date_field=date_field
    )
    rows = filterset.qs
    if request.GET.get("format"):
        shown = rows.values(*fields).iterator(chunk_size=CSV_CHUNK_ROWS)
        return export_response(request.GET["format"], f"{stem}-{county.code}", columns(), shown)
    query = request.GET.copy()
    query.pop("page", None)
    # The list is a part cached for the county's data ({% datacache %}): its page is read only on a miss.
    context = {
        "county": county,
        "page": caching.lazy(lambda: Paginator(rows, 50).get_page(request.GET.get("page"))),
        "filters": filterset.form,
        "query": query.urlencode(),
        "full_query": request.GET.urlencode(),
        "audience": scope_for(request.user).audience(county.pk),
    }
    return render(request, template, context)


@login_required
@require_GET
def pledge_list(request, code):
    return _county_list(
        request,
        code,
        queryset=CitizenPledge.objects.visible_to(request.user)
        .select_related("municipality")
        .with_counts()
        .order_by("municipality__name", "-period_start"),
        date_field="period_start",
        template="agreements/pledge_list.html",
        columns=pledge_columns,
        fields=PLEDGE_FIELDS,
        stem="medborgarloften",
    )


@login_required
@require_GET
def follow_up_list(request, code):
    return _county_list(
        request,
        code,
        queryset=FollowUp.objects.visible_to(request.user)
        .select_related("municipality", "pledge", "agreement")
        .order_by("-date", "municipality__name"),
        date_field="date",
        template="agreements/follow_up_list.html",
        columns=follow_up_columns,
        fields=FOLLOW_UP_FIELDS,
        stem="uppfoljningar",
    )


@login_required
@require_GET
def review_list(request, code):
    return _county_list(
        request,
        code,
        queryset=QualityReview.objects.visible_to(request.user)
        .select_related("municipality", "pledge", "agreement")
        .order_by("-date", "municipality__name"),
        date_field="date",
        template="agreements/review_list.html",
        columns=review_columns,
        fields=REVIEW_FIELDS,
        stem="granskningar",
    )


# --- A municipality's agreements and pledges ---------------------------------------------------------


@login_required
@require_GET
def municipality_agreements(request, code):
    municipality = get_for_user(request.user, Municipality.objects.select_related("county"), code=code)
    agreements = CooperationAgreement.objects.visible_to(request.user).filter(municipality=municipality)
    return render(
        request,
        "agreements/municipality_agreements.html",
        {
            "municipality": municipality,
            "agreements": agreements,
            "pledges": CitizenPledge.objects.visible_to(request.user)
            .filter(municipality=municipality)
            .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.approved())),
            "reviews": QualityReview.objects.visible_to(request.user)
            .filter(municipality=municipality)
            .select_related("pledge", "agreement"),
            "deadlines": deadlines(municipality_ids=[municipality.pk], horizon_days=366, agreements=agreements),
            "today": timezone.localdate(),
            "can_change": request.user.has_perm(perms.ADD_COOPERATIONAGREEMENT, municipality),
        },
    )


# --- Agreements -------------------------------------------------------------------------------------


def _agreement_form(request, municipality, agreement=None):
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_agreement(
                agreement,
                form_values(form),
                municipality=municipality,
                seen_version=form.seen_version,
                document=form.cleaned_data.get("document"),
                document_visibility=form.cleaned_data.get("document_visibility") or "",
                user=request.user,
            )
        except ConcurrentEditError:
            handle_conflict(form)
        except DocumentNotStoredError as error:
            form.add_error("document", error)
        else:
            messages.success(request, _("The agreement “%(title)s” is saved.") % {"title": saved.title})
            return redirect(saved)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "municipality": municipality, "agreement": agreement},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request, code):
    municipality = get_for_user(request.user, Municipality, perm=perms.ADD_COOPERATIONAGREEMENT, code=code)
    return _agreement_form(request, municipality)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = get_for_user(
        request.user,
        CooperationAgreement.objects.select_related("municipality"),
        perm=perms.CHANGE_COOPERATIONAGREEMENT,
        pk=pk,
    )
    return _agreement_form(request, agreement.municipality, agreement)


def _related_measures(request) -> Prefetch:
    """The measures an agreement or pledge names, as the reader may see them (no draft plan's)."""
    return Prefetch("related_measures", queryset=Measure.objects.visible_to(request.user).select_related("plan"))


def _items(target: str) -> Prefetch:
    """A follow-up's items with what each answers, in one query."""
    return Prefetch("items", queryset=FollowUpItem.objects.select_related(target))


@login_required
@require_GET
def agreement_detail(request, pk):
    agreement = get_for_user(
        request.user,
        CooperationAgreement.objects.select_related("municipality__county").prefetch_related(
            "focus_areas",
            "signatories",
            "deliverables",
            "documents",
            _related_measures(request),
            Prefetch("problems"),
            Prefetch("follow_ups", queryset=FollowUp.objects.approved().prefetch_related(_items("deliverable"))),
        ),
        pk=pk,
    )
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "pledges": CitizenPledge.objects.visible_to(request.user).filter(agreement=agreement),
            "reviews": QualityReview.objects.visible_to(request.user).filter(agreement=agreement),
            "history": queries.history(agreement),
            "can_change": request.user.has_perm(perms.CHANGE_COOPERATIONAGREEMENT, agreement),
            "can_review": request.user.has_perm(perms.ADD_QUALITYREVIEW, agreement),
        },
    )


AGREEMENT_PARTS = {
    "signatories": (
        SignatoryFormSet,
        gettext_lazy("Signatories"),
        gettext_lazy("The signatories of %(name)s are saved."),
    ),
    "problems": (
        ProblemFormSet,
        gettext_lazy("Problems, causes and goals"),
        gettext_lazy("The problems, causes and goals of %(name)s are saved."),
    ),
    "deliverables": (
        DeliverableFormSet,
        gettext_lazy("Deliverables"),
        gettext_lazy("The deliverables of %(name)s are saved."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def agreement_part_edit(request, pk, part):
    formset_class, title, saved = AGREEMENT_PARTS[part]
    agreement = get_for_user(request.user, CooperationAgreement, perm=perms.CHANGE_COOPERATIONAGREEMENT, pk=pk)
    return edit_rows(request, agreement, formset_class, title=title, saved=saved)


@login_required
@require_GET
def agreement_document(request, pk):
    return document_response(get_for_user(request.user, AgreementDocument, pk=pk))


# --- Pledges ----------------------------------------------------------------------------------------


def _pledge_form(request, municipality, pledge=None):
    form = PledgeForm(request.POST or None, instance=pledge, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_pledge(
                pledge, form_values(form), municipality=municipality, seen_version=form.seen_version
            )
        except ConcurrentEditError:
            handle_conflict(form)
        else:
            if pledge is None:
                messages.success(request, _("The pledge is saved as a draft. Add its commitments next."))
                return redirect("agreements:commitments_edit", pk=saved.pk)
            messages.success(request, _("The pledge “%(title)s” is saved.") % {"title": saved.title})
            return redirect(saved)
    return render(
        request, "agreements/pledge_form.html", {"form": form, "municipality": municipality, "pledge": pledge}
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request, code):
    municipality = get_for_user(request.user, Municipality, perm=perms.ADD_CITIZENPLEDGE, code=code)
    return _pledge_form(request, municipality)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_edit(request, pk):
    pledge = get_for_user(
        request.user, CitizenPledge.objects.select_related("municipality"), perm=perms.CHANGE_CITIZENPLEDGE, pk=pk
    )
    return _pledge_form(request, pledge.municipality, pledge)


def _pledge_for_page(request, pk):
    return get_for_user(
        request.user,
        CitizenPledge.objects.select_related("municipality__county", "agreement").prefetch_related(
            "commitments",
            _related_measures(request),
            Prefetch("follow_ups", queryset=FollowUp.objects.approved().prefetch_related(_items("commitment"))),
        ),
        pk=pk,
    )


@login_required
@require_GET
def pledge_detail(request, pk):
    pledge = _pledge_for_page(request, pk)
    return render(
        request,
        "agreements/pledge_detail.html",
        {
            "pledge": pledge,
            "follow_up_missing": queries.pledge_follow_up_missing(pledge),
            "reviews": QualityReview.objects.visible_to(request.user).filter(pledge=pledge),
            "history": queries.history(pledge),
            "can_change": request.user.has_perm(perms.CHANGE_CITIZENPLEDGE, pledge),
            "can_review": request.user.has_perm(perms.ADD_QUALITYREVIEW, pledge),
        },
    )


@login_required
@require_GET
def pledge_print(request, pk):
    """The public view of a published pledge, for printing or for the municipality's web site."""
    pledge = _pledge_for_page(request, pk)
    if pledge.status != PledgeStatus.PUBLISHED:
        raise PermissionDenied
    return render(request, "agreements/pledge_print.html", {"pledge": pledge})


@login_required
@require_http_methods(["GET", "POST"])
def commitments_edit(request, pk):
    pledge = get_for_user(request.user, CitizenPledge, perm=perms.CHANGE_CITIZENPLEDGE, pk=pk)
    return edit_rows(
        request,
        pledge,
        CommitmentFormSet,
        title=_("Commitments"),
        saved=_("The commitments of %(name)s are saved."),
    )


# --- Follow-ups and reviews -----------------------------------------------------------------------------


def _target(request, kind, pk, perm):
    model = CitizenPledge if kind == "pledge" else CooperationAgreement
    return get_for_user(request.user, model.objects.select_related("municipality"), perm=perm, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request, kind, pk):
    target = _target(request, kind, pk, perms.ADD_FOLLOWUP)
    form = FollowUpForm(request.POST or None, items=queries.follow_up_items(target))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(
                target,
                date=form.cleaned_data["date"],
                assessment=form.cleaned_data["assessment"],
                summary=form.cleaned_data["summary"],
                answers=form.answers(),
                user=request.user,
                publish=form.cleaned_data["publish"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The follow-up is saved."))
            return redirect(target)
    return render(request, "agreements/follow_up_form.html", {"form": form, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, kind, pk):
    target = _target(request, kind, pk, perms.ADD_QUALITYREVIEW)
    form = QualityReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_review(target, form_values(form), request.user)
        messages.success(request, _("The quality review is saved. The municipality can read it now."))
        return redirect(target)
    return render(request, "agreements/review_form.html", {"form": form, "target": target, "criteria": CRITERIA})


# --- Municipal follow-up rounds ------------------------------------------------------------------------

REQUESTS_PER_PAGE = 50  # requests on a round's page, by municipality


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request, code):
    county = get_for_user(request.user, County, perm=perms.ADD_MUNICIPALROUND, code=code)
    form = MunicipalRoundForm(request.POST or None, candidates=queries.round_candidates(county))
    if request.method == "POST" and form.is_valid():
        items = form.chosen()
        officers = queries.municipal_officers({item.municipality_id for item in items})
        values = {name: value for name, value in form_values(form).items() if name in MunicipalRoundForm.Meta.fields}
        try:
            round_ = services.open_round(county, values, items=items, asked=officers, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = len({person.pk for item in items for person in officers.get(item.municipality_id, [])})
            messages.success(
                request,
                ngettext(
                    "The round is open. The invitation goes to %(count)s person.",
                    "The round is open. The invitations go to %(count)s people.",
                    count,
                )
                % {"count": count},
            )
            return redirect(round_)
    return render(request, "agreements/round_form.html", {"form": form, "county": county})


@login_required
@require_GET
def round_detail(request, pk):
    round_ = get_for_user(request.user, MunicipalRound.objects.select_related("county", "opened_by"), pk=pk)
    filterset = MunicipalRequestFilterSet(request.GET or None, queryset=queries.round_requests(round_))
    shown = filterset.qs
    export = request.GET.get("format")
    if export:
        return export_response(
            export, f"kommunuppfoljning-{round_.pk}", municipal_request_columns(), shown, sheet_title=_("Requests")
        )
    page = Paginator(shown, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_manage = request.user.has_perm(perms.CHANGE_MUNICIPALROUND, round_)
    progress = queries.round_progress([round_])[0]
    return render(
        request,
        "agreements/round_detail.html",
        {
            "round": round_,
            "county": round_.county,
            "progress": progress,
            "by_state": progress.by_state(RequestState.choices),
            "requests": page.object_list,
            "page": page,
            "filters": filterset.form,
            "query": query.urlencode(),
            "can_manage": can_manage,
            "reminded_today": round_.last_nudged_on == timezone.localdate(),
            "history": queries.round_history(round_),
        },
    )


def _round_action(request, pk, *, action, template, done):
    """A confirmed change of a round (close, reopen, an extra reminder): GET asks, POST does it."""
    round_ = get_for_user(
        request.user, MunicipalRound.objects.select_related("county"), perm=perms.CHANGE_MUNICIPALROUND, pk=pk
    )
    error = None
    if request.method == "POST":
        try:
            action(round_)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, done)
            return redirect(round_)
    context = {"round": round_, "error": error, "outstanding": round_.requests.outstanding().count()}
    return render(request, template, context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request, pk):
    return _round_action(
        request,
        pk,
        action=services.close_round,
        template="agreements/round_close.html",
        done=_("The round is closed: its follow-ups can no longer be changed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_reopen(request, pk):
    return _round_action(
        request,
        pk,
        action=services.reopen_round,
        template="agreements/round_reopen.html",
        done=_("The round is open again: its follow-ups can be changed and reviewed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_remind(request, pk):
    return _round_action(
        request,
        pk,
        action=services.remind_outstanding,
        template="agreements/round_remind.html",
        done=_("An extra reminder goes to everyone who has not answered yet."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_deadline(request, pk):
    round_ = get_for_user(
        request.user, MunicipalRound.objects.select_related("county"), perm=perms.CHANGE_MUNICIPALROUND, pk=pk
    )
    form = MunicipalDeadlineForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.extend_deadline(round_, form.cleaned_data["deadline"], seen_version=form.seen_version)
        except ConcurrentEditError:
            handle_conflict(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The deadline is moved. The reminders follow the new date."))
            return redirect(round_)
    return render(request, "agreements/round_deadline.html", {"form": form, "round": round_})


def _request_for(request, pk, perm):
    return get_for_user(
        request.user,
        MunicipalRequest.objects.with_state().select_related(
            "round__county", "municipality", "pledge", "agreement", "follow_up__reviewed_by"
        ),
        perm=perm,
        pk=pk,
    )


def _can_answer(user, round_request) -> bool:
    """Whether ``user`` may fill in the request now: one of the officers asked (or a coordinator), the
    round open, and the follow-up not waiting for review or approved."""
    return (
        user.has_perm(perms.CHANGE_MUNICIPALREQUEST, round_request)
        and round_request.round.is_open
        and round_request.state in OUTSTANDING
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_request(request, pk):
    """The form of one request: the officer asked fills in the follow-up, saves a draft or submits it."""
    round_request = _request_for(request, pk, perms.VIEW_MUNICIPALREQUEST)
    can_answer = _can_answer(request.user, round_request)
    follow_up = round_request.follow_up
    form = RoundFollowUpForm(
        request.POST or None if can_answer else None,
        items=queries.follow_up_items(round_request.target),
        follow_up=follow_up,
    )
    error = None
    if request.method == "GET":
        services.mark_opened(round_request, request.user)
    elif not can_answer:
        error = _("The follow-up can no longer be changed.")
    elif form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_round_follow_up(
                round_request,
                date=form.cleaned_data["date"],
                assessment=form.cleaned_data["assessment"],
                summary=form.cleaned_data["summary"],
                answers=form.answers(),
                user=request.user,
                submit=submit,
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            if submit:
                messages.success(request, _("Your follow-up is submitted. The county coordinator reviews it."))
            else:
                messages.success(request, _("Your draft is saved. Submit it when it is ready."))
            return redirect(round_request)
    context = {
        "round_request": round_request,
        "round": round_request.round,
        "target": round_request.target,
        "follow_up": follow_up,
        "answers": list(follow_up.items.all()) if follow_up else [],
        "form": form,
        "error": error,
        "can_answer": can_answer,
        "can_review": follow_up is not None
        and follow_up.state == UpdateState.SUBMITTED
        and round_request.round.is_open
        and request.user.has_perm(perms.REVIEW_FOLLOWUP, follow_up),
        "can_hand_over": round_request.round.is_open and round_request.addressees.filter(pk=request.user.pk).exists(),
        "addressees": list(round_request.addressees.all()),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "agreements/round_request.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def request_hand_over(request, pk):
    round_request = _request_for(request, pk, perms.CHANGE_MUNICIPALREQUEST)
    colleagues = queries.colleagues_for(round_request, request.user)
    form = HandOverForm(request.POST or None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        try:
            services.hand_over(round_request, form.cleaned_data["colleague"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The request is handed to %(name)s, who gets an e-mail.") % {"name": form.cleaned_data["colleague"]},
            )
            return redirect("portal:home")
    return render(
        request,
        "agreements/request_hand_over.html",
        {"form": form, "round_request": round_request, "round": round_request.round, "colleagues": colleagues},
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_review(request, pk):
    """The coordinator approves a submitted follow-up or returns it to its authors with a comment."""
    follow_up = get_for_user(
        request.user,
        FollowUp.objects.select_related("municipality__county", "pledge", "agreement", "reviewed_by"),
        perm=perms.REVIEW_FOLLOWUP,
        pk=pk,
    )
    round_request = MunicipalRequest.objects.select_related("round").filter(follow_up=follow_up).first()
    back = round_request.get_absolute_url() if round_request else follow_up.target.get_absolute_url()
    form = FollowUpReviewForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.review_follow_up(follow_up, decision, comment=form.cleaned_data["comment"], user=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            if decision == Decision.APPROVE:
                messages.success(request, _("The follow-up is approved: it now counts for the pledge or agreement."))
            else:
                messages.success(request, _("The follow-up is returned to its authors with your comment."))
            return redirect(back)
    context = {
        "follow_up": follow_up,
        "target": follow_up.target,
        "round_request": round_request,
        "round": round_request.round if round_request else None,
        "answers": list(follow_up.items.select_related("commitment", "deliverable")),
        "form": form,
        "error": error,
        "back": back,
    }
    return render(request, "agreements/follow_up_review.html", context, status=400 if request.method == "POST" else 200)
