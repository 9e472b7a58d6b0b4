from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from actions import perms, queries, services
from actions.exports import measure_columns, round_request_columns, support_activity_columns
from actions.filters import MeasureFilterSet, RoundRequestFilterSet
from actions.forms import (
    ActionPlanForm,
    ActorForm,
    CommentForm,
    DeadlineForm,
    HandOverForm,
    IndicatorForm,
    IndicatorValueFormSet,
    MeasureActorFormSet,
    MeasureForm,
    MilestoneDoneForm,
    MilestoneFormSet,
    ProgressStatusForm,
    ProgressUpdateForm,
    ReviewForm,
    RoundForm,
    RoundUpdateForm,
    SupportActivityForm,
    WorkingGroupFormSet,
)
from actions.models import (
    ActionPlan,
    Actor,
    FollowUpRound,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    PlanDocument,
    PlanStatus,
    ProgressStatus,
    ProgressUpdate,
    RoundRequest,
    SupportActivity,
    UpdateAttachment,
    UpdateState,
)
from core import caching
from core.concurrency import ConcurrentEditError, handle_conflict
from core.editing import adding_row, bind_rows, changed_rows, edit_rows, form_values
from core.exports import export_response
from core.files.models import DocumentNotStoredError
from core.files.responses import document_response
from core.scoping import get_for_user, scope_for
from municipalities.models import County

UPDATES_PER_PAGE = 20  # progress updates on a measure's page, newest first
REQUESTS_PER_PAGE = 50  # requests on a round's page, in measure order


# --- Plans --------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request, code):
    county = get_for_user(request.user, County, code=code)
    plans = ActionPlan.objects.visible_to(request.user).filter(county=county).prefetch_related("adopting_actors")
    return render(
        request,
        "actions/plan_list.html",
        {"county": county, "plans": plans, "can_manage": request.user.has_perm(perms.ADD_ACTIONPLAN, county)},
    )


def _save_plan(request, form, *, county=None):
    """Create the plan (in ``county``) or save the edited one; None when the form shows why not."""
    document = {
        "document": form.cleaned_data.get("document"),
        "document_visibility": form.cleaned_data.get("document_visibility") or "",
    }
    try:
        if county is not None:
            plan = services.create_plan(county, form_values(form), **document, user=request.user)
        else:
            plan = services.update_plan(
                form.instance, form_values(form), seen_version=form.seen_version, **document, user=request.user
            )
    except ConcurrentEditError:
        handle_conflict(form)
        return None
    except DocumentNotStoredError as error:
        form.add_error("document", error)
        return None
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, code):
    county = get_for_user(request.user, County, perm=perms.ADD_ACTIONPLAN, code=code)
    form = ActionPlanForm(request.POST or None, request.FILES or None, county=county)
    if request.method == "POST" and form.is_valid() and (plan := _save_plan(request, form, county=county)):
        messages.success(request, _("The action plan “%(title)s” is created.") % {"title": plan.title})
        return redirect(plan)
    return render(request, "actions/plan_form.html", {"form": form, "county": county, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_for_user(request.user, ActionPlan.objects.select_related("county"), perm=perms.CHANGE_ACTIONPLAN, pk=pk)
    form = ActionPlanForm(request.POST or None, request.FILES or None, instance=plan, county=plan.county)
    if request.method == "POST" and form.is_valid() and _save_plan(request, form):
        messages.success(request, _("The action plan is saved."))
        return redirect(plan)
    return render(request, "actions/plan_form.html", {"form": form, "county": plan.county, "plan": plan})


@login_required
@require_GET
def plan_detail(request, pk):
    plan = get_for_user(
        request.user,
        ActionPlan.objects.select_related("county").prefetch_related("adopting_actors", "documents"),
        pk=pk,
    )
    export = request.GET.get("format")
    if export:
        measures = queries.plan_measures(plan)
        shown = MeasureFilterSet(request.GET or None, measures=measures, plan=plan).qs
        return export_response(export, f"insatser-{plan.pk}", measure_columns(), shown, sheet_title=_("Measures"))
    # The page's body is cached for the county's data ({% datacache %}): what it computes, it computes lazily.
    measures = caching.lazy(lambda: queries.plan_measures(plan))
    filterset = caching.lazy(lambda: MeasureFilterSet(request.GET or None, measures=measures, plan=plan))
    return render(
        request,
        "actions/plan_detail.html",
        {
            "plan": plan,
            "summary": caching.lazy(lambda: queries.summarise_plan(plan, measures)),
            "measures": caching.lazy(lambda: filterset.qs),
            "filters": caching.lazy(lambda: filterset.form),
            "can_change": request.user.has_perm(perms.CHANGE_ACTIONPLAN, plan),
            "can_open_round": request.user.has_perm(perms.ADD_FOLLOWUPROUND, plan),
            "rounds": caching.lazy(
                lambda: queries.round_progress(FollowUpRound.objects.visible_to(request.user).filter(plan=plan))
            ),
            "query": request.GET.urlencode(),
            "history": caching.lazy(lambda: queries.plan_history(plan)),
            "audience": scope_for(request.user).audience(plan.county_id),
        },
    )


@login_required
@require_GET
def plan_document(request, pk):
    return document_response(get_for_user(request.user, PlanDocument, pk=pk))


# --- Measures -----------------------------------------------------------------------------------


def _save_measure(form, *, plan=None):
    """Create the measure (in ``plan``) or save the edited one; None when the form shows why not."""
    try:
        if plan is not None:
            return services.create_measure(plan, form_values(form))
        return services.update_measure(form.instance, form_values(form), seen_version=form.seen_version)
    except ConcurrentEditError:
        handle_conflict(form)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request, pk):
    plan = get_for_user(request.user, ActionPlan, perm=perms.CHANGE_ACTIONPLAN, pk=pk)
    form = MeasureForm(request.POST or None, plan=plan, initial={"number": queries.next_measure_number(plan)})
    if request.method == "POST" and form.is_valid() and (measure := _save_measure(form, plan=plan)):
        messages.success(request, _("The measure is created. Add its responsible actors next."))
        return redirect("actions:measure_actors_edit", pk=measure.pk)
    return render(request, "actions/measure_form.html", {"form": form, "plan": plan, "measure": None})


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = get_for_user(request.user, Measure.objects.select_related("plan"), perm=perms.CHANGE_MEASURE, pk=pk)
    form = MeasureForm(request.POST or None, instance=measure, plan=measure.plan)
    if request.method == "POST" and form.is_valid() and _save_measure(form):
        messages.success(request, _("The measure is saved."))
        return redirect(measure)
    return render(request, "actions/measure_form.html", {"form": form, "plan": measure.plan, "measure": measure})


@login_required
@require_GET
def measure_detail(request, pk):
    measure = get_for_user(
        request.user,
        Measure.objects.with_state()
        .select_related("plan__county")
        .prefetch_related(
            "working_group",
            "municipalities",
            "support_activities",
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date")),
        ),
        pk=pk,
    )
    updates = (
        ProgressUpdate.objects.visible_to(request.user)
        .filter(measure=measure)
        .select_related("status")
        .order_by("-date", "-created_at", "-pk")
    )
    page = Paginator(updates, UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "actions/measure_detail.html",
        {
            "measure": measure,
            "updates": page.object_list,
            "page": page,
            # Drawn only when the indicators' part is not in the cache ({% datacache %} in the template).
            "indicators": caching.lazy(
                lambda: [(i, queries.indicator_chart(i)) for i in measure.indicators.prefetch_related("values")]
            ),
            "can_change": request.user.has_perm(perms.CHANGE_MEASURE, measure),
            "can_report": request.user.has_perm(perms.ADD_PROGRESSUPDATE, measure),
            "history": caching.lazy(lambda: queries.measure_history(measure)),
            "comment_count": queries.thread(measure, request.user).count(),
            "latest_comments": queries.latest_comments(measure, request.user),
        },
    )


MEASURE_PARTS = {
    "actors": (
        MeasureActorFormSet,
        gettext_lazy("Responsible actors"),
        gettext_lazy("The responsible actors of %(name)s are saved."),
    ),
    "working_group": (
        WorkingGroupFormSet,
        gettext_lazy("Working group"),
        gettext_lazy("The working group of %(name)s is saved."),
    ),
    "milestones": (
        MilestoneFormSet,
        gettext_lazy("Activities and milestones"),
        gettext_lazy("The milestones of %(name)s are saved."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def measure_part_edit(request, pk, part):
    formset_class, title, saved = MEASURE_PARTS[part]
    measure = get_for_user(
        request.user, Measure.objects.select_related("plan__county"), perm=perms.CHANGE_MEASURE, pk=pk
    )
    more = None
    if part == "actors" and request.user.has_perm(perms.ADD_ACTOR, measure.plan.county):
        # A county that starts empty has only the national actors: say where its own are added.
        url = reverse("actions:actor_list", kwargs={"code": measure.plan.county.code})
        more = (_("Is an actor missing? Add it to the county's actors."), url)
    return edit_rows(request, measure, formset_class, title=title, saved=saved, more=more)


@login_required
@require_http_methods(["GET", "POST"])
def progress_update_create(request, pk):
    measure = get_for_user(
        request.user,
        Measure.objects.select_related("plan", "latest_update__status"),
        perm=perms.ADD_PROGRESSUPDATE,
        pk=pk,
    )
    form = ProgressUpdateForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_progress_update(measure, form_values(form), request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your progress update is posted. Thank you!"))
            return redirect(measure)
    return render(request, "actions/progress_update_form.html", {"form": form, "measure": measure})


@login_required
@require_http_methods(["GET", "POST"])
def milestone_done(request, pk):
    milestone = get_for_user(
        request.user,
        Milestone.objects.select_related("measure__plan"),
        perm=perms.COMPLETE_MILESTONE,
        pk=pk,
    )
    form = MilestoneDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_milestone(milestone, form.cleaned_data["done_on"])
        except ValidationError as error:
            form.add_error("done_on", error)
        else:
            messages.success(request, _("The milestone “%(title)s” is marked as done.") % {"title": milestone.title})
            return redirect(milestone.measure)
    return render(request, "actions/milestone_done.html", {"form": form, "milestone": milestone})


# --- Indicators ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request, pk):
    measure = get_for_user(request.user, Measure.objects.select_related("plan"), perm=perms.CHANGE_MEASURE, pk=pk)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        indicator = services.create_indicator(measure, form_values(form))
        messages.success(request, _("The indicator is created. Add its values."))
        return redirect(indicator)
    return render(request, "actions/indicator_form.html", {"form": form, "measure": measure, "values": None})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk):
    indicator = get_for_user(
        request.user, Indicator.objects.select_related("measure__plan"), perm=perms.CHANGE_INDICATOR, pk=pk
    )
    form = IndicatorForm(request.POST or None, instance=indicator)
    # Each row's legend names its value, and IndicatorValue.__str__ reads the indicator.
    values = bind_rows(
        request, IndicatorValueFormSet, instance=indicator, queryset=IndicatorValue.objects.select_related("indicator")
    )
    if request.method == "POST" and not adding_row(request) and form.is_valid() and values.is_valid():
        services.update_indicator(indicator, form_values(form), changed_rows(values))
        messages.success(request, _("The indicator is saved."))
        return redirect(indicator.measure)
    return render(
        request, "actions/indicator_form.html", {"form": form, "measure": indicator.measure, "values": values}
    )


# --- Actors ---------------------------------------------------------------------------------


@login_required
@require_GET
def actor_list(request, code):
    county = get_for_user(request.user, County, code=code)
    own, national = queries.county_actors_page(county)
    return render(
        request,
        "actions/actor_list.html",
        {"county": county, "own": own, "national": national, "can_add": request.user.has_perm(perms.ADD_ACTOR, county)},
    )


def _actor_form(request, county, actor=None):
    form = ActorForm(request.POST or None, instance=actor, county=county)
    if request.method == "POST" and form.is_valid():
        if actor is None:
            saved = services.create_actor(county, form_values(form))
        else:
            saved = services.update_actor(actor, form_values(form))
        if actor is None:
            messages.success(request, _("The actor “%(name)s” is added.") % {"name": saved.name})
        else:
            messages.success(request, _("The actor “%(name)s” is saved.") % {"name": saved.name})
        return redirect(saved)
    return render(
        request,
        "actions/actor_form.html",
        {"form": form, "county": county, "actor": actor, "save_anyway": ActorForm.SAVE_ANYWAY},
    )


@login_required
@require_http_methods(["GET", "POST"])
def actor_create(request, code):
    county = get_for_user(request.user, County, perm=perms.ADD_ACTOR, code=code)
    return _actor_form(request, county)


@login_required
@require_http_methods(["GET", "POST"])
def actor_edit(request, pk):
    actor = get_for_user(request.user, Actor.objects.select_related("county"), perm=perms.CHANGE_ACTOR, pk=pk)
    if actor.county is None:
        # National actors are kept on the admin site; only the administrators reach this far.
        raise PermissionDenied
    return _actor_form(request, actor.county, actor)


@login_required
@require_GET
def actor_detail(request, pk):
    actor = get_for_user(request.user, Actor.objects.select_related("county"), pk=pk)
    return render(
        request,
        "actions/actor_detail.html",
        {
            "actor": actor,
            "measures": queries.actor_measures(actor, request.user),
            "can_change": actor.county_id is not None and request.user.has_perm(perms.CHANGE_ACTOR, actor),
            "history": queries.actor_history(actor),
        },
    )


# --- Support activities -------------------------------------------------------------------------


@login_required
@require_GET
def support_activity_list(request, code):
    county = get_for_user(request.user, County, code=code)
    activities = (
        SupportActivity.objects.visible_to(request.user)
        .filter(county=county)
        .with_measure_for(request.user)
        .prefetch_related("municipalities", "counties")
    )
    if request.GET.get("format"):
        return export_response(
            request.GET["format"], f"stodinsatser-{county.code}", support_activity_columns(), activities
        )
    return render(
        request,
        "actions/support_activity_list.html",
        {
            "county": county,
            "activities": activities,
            "can_manage": request.user.has_perm(perms.ADD_SUPPORTACTIVITY, county),
        },
    )


def _support_activity_form(request, county, instance=None):
    form = SupportActivityForm(request.POST or None, instance=instance, county=county)
    if request.method == "POST" and form.is_valid():
        services.save_support_activity(county, instance, form_values(form))
        messages.success(request, _("The support activity is saved."))
        return redirect("actions:support_activity_list", code=county.code)
    return render(request, "actions/support_activity_form.html", {"form": form, "county": county, "activity": instance})


@login_required
@require_http_methods(["GET", "POST"])
def support_activity_create(request, code):
    county = get_for_user(request.user, County, perm=perms.ADD_SUPPORTACTIVITY, code=code)
    return _support_activity_form(request, county)


@login_required
@require_http_methods(["GET", "POST"])
def support_activity_edit(request, pk):
    activity = get_for_user(
        request.user,
        SupportActivity.objects.select_related("county"),
        perm=perms.CHANGE_SUPPORTACTIVITY,
        pk=pk,
    )
    return _support_activity_form(request, activity.county, activity)


# --- Statuses ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def status_list(request, code):
    county = get_for_user(request.user, County, code=code)
    can_manage = request.user.has_perm(perms.ADD_PROGRESSSTATUS, county)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = ProgressStatusForm(request.POST or None, county=county) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        status = services.add_status(county, form_values(form))
        messages.success(request, _("The status “%(name)s” is added.") % {"name": status.name})
        return redirect("actions:status_list", code=county.code)
    statuses = ProgressStatus.objects.for_county(county.pk)
    return render(request, "actions/status_list.html", {"county": county, "statuses": statuses, "form": form})


# --- Follow-up rounds ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request, pk):
    plan = get_for_user(request.user, ActionPlan.objects.select_related("county"), perm=perms.ADD_FOLLOWUPROUND, pk=pk)
    candidates = queries.round_candidates(plan)
    form = RoundForm(request.POST or None, plan=plan, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        measures = list(form.cleaned_data["measures"])
        people = queries.responsible_people(plan, measures)
        asked = {
            measure.pk: people[measure.pk].asked(
                participants=form.cleaned_data["ask_participants"],
                municipalities=form.cleaned_data["ask_municipalities"],
            )
            for measure in measures
        }
        values = {name: value for name, value in form_values(form).items() if name in RoundForm.Meta.fields}
        try:
            round_ = services.open_round(plan, values, asked=asked, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = sum(len(people) for people in asked.values())
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
    return render(request, "actions/round_form.html", {"form": form, "plan": plan})


@login_required
@require_GET
def round_detail(request, pk):
    round_ = get_for_user(request.user, FollowUpRound.objects.select_related("plan__county", "opened_by"), pk=pk)
    requests = queries.round_requests(round_)
    filterset = RoundRequestFilterSet(request.GET or None, queryset=requests)
    shown = filterset.qs
    export = request.GET.get("format")
    if export:
        return export_response(
            export, f"uppfoljning-{round_.pk}", round_request_columns(), shown, sheet_title=_("Requests")
        )
    page = Paginator(shown, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actions/round_detail.html",
        {
            "round": round_,
            "plan": round_.plan,
            "progress": queries.round_progress([round_])[0],
            "requests": page.object_list,
            "page": page,
            "filters": filterset.form,
            "query": query.urlencode(),
            "can_manage": request.user.has_perm(perms.CHANGE_FOLLOWUPROUND, round_),
            "can_open_requests": request.user.has_perm(perms.CHANGE_FOLLOWUPROUND, round_),
            "reminded_today": round_.last_nudged_on == timezone.localdate(),
            "history": queries.round_history(round_),
        },
    )


def _round_action(request, pk, *, action, template, done):
    """A confirmed change of a round (close, reopen, an extra reminder): GET asks, POST does it."""
    round_ = get_for_user(
        request.user, FollowUpRound.objects.select_related("plan__county"), perm=perms.CHANGE_FOLLOWUPROUND, pk=pk
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
    status = 400 if error else 200
    context = {"round": round_, "error": error, "outstanding": round_.requests.outstanding().count()}
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request, pk):
    return _round_action(
        request,
        pk,
        action=services.close_round,
        template="actions/round_close.html",
        done=_("The round is closed: its updates can no longer be changed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_reopen(request, pk):
    return _round_action(
        request,
        pk,
        action=services.reopen_round,
        template="actions/round_reopen.html",
        done=_("The round is open again: its updates can be changed and reviewed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_remind(request, pk):
    return _round_action(
        request,
        pk,
        action=services.remind_outstanding,
        template="actions/round_remind.html",
        done=_("An extra reminder goes to everyone who has not answered yet."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_deadline(request, pk):
    round_ = get_for_user(
        request.user, FollowUpRound.objects.select_related("plan__county"), perm=perms.CHANGE_FOLLOWUPROUND, pk=pk
    )
    form = DeadlineForm(request.POST or None, instance=round_)
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
    return render(request, "actions/round_deadline.html", {"form": form, "round": round_})


def _request_for(request, pk, perm):
    return get_for_user(
        request.user,
        RoundRequest.objects.with_state().select_related(
            "round__plan__county", "measure__plan", "measure__latest_update__status", "update__status"
        ),
        perm=perm,
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_request(request, pk):
    """The form of one request: the person asked fills in the update, saves a draft or submits it."""
    round_request = _request_for(request, pk, perms.VIEW_ROUNDREQUEST)
    can_answer = _can_answer(request.user, round_request)
    update = round_request.update
    form = RoundUpdateForm(
        request.POST or None if can_answer else None,
        request.FILES or None if can_answer else None,
        instance=update,
        measure=round_request.measure,
    )
    if request.method == "GET":
        services.mark_opened(round_request, request.user)
    elif not can_answer:
        return render(
            request,
            "actions/round_request.html",
            _request_context(request, round_request, form, error=_("The update can no longer be changed.")),
            status=400,
        )
    elif form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_round_update(
                round_request,
                form_values(form),
                user=request.user,
                submit=submit,
                attachments=[form.cleaned_data["attachment"]] if form.cleaned_data.get("attachment") else [],
                indicator_values=form.indicator_values(),
            )
        except DocumentNotStoredError as error:
            form.add_error("attachment", error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submit:
                messages.success(request, _("Your update is submitted. The county coordinator reviews it."))
            else:
                messages.success(request, _("Your draft is saved. Submit it when it is ready."))
            return redirect(round_request)
    return render(request, "actions/round_request.html", _request_context(request, round_request, form))


def _can_answer(user, round_request) -> bool:
    """Whether ``user`` may fill in the request now: one of the people asked (or a coordinator), the
    round open, and the update not waiting for review or approved."""
    return (
        user.has_perm(perms.CHANGE_ROUNDREQUEST, round_request)
        and round_request.round.is_open
        and round_request.state in services.ANSWERABLE_STATES
    )


def _request_context(request, round_request, form, *, error=None):
    update = round_request.update
    return {
        "round_request": round_request,
        "round": round_request.round,
        "measure": round_request.measure,
        "update": update,
        "attachments": list(update.attachments.all()) if update else [],
        "form": form,
        "error": error,
        "can_answer": _can_answer(request.user, round_request),
        "can_review": update is not None
        and update.state == UpdateState.SUBMITTED
        and round_request.round.is_open
        and request.user.has_perm(perms.REVIEW_PROGRESSUPDATE, update),
        "indicator_values": _reported_values(round_request.measure, update),
        "can_hand_over": round_request.round.is_open and round_request.addressees.filter(pk=request.user.pk).exists(),
        "addressees": list(round_request.addressees.all()),
    }


def _reported_values(measure, update) -> list[tuple]:
    """(indicator, value reported) for the update's indicator values, in the measure's order."""
    if update is None or not update.indicator_values:
        return []
    return [
        (i, update.indicator_values[str(i.pk)])
        for i in measure.indicators.all()
        if str(i.pk) in update.indicator_values
    ]


@login_required
@require_http_methods(["GET", "POST"])
def request_hand_over(request, pk):
    round_request = _request_for(request, pk, perms.CHANGE_ROUNDREQUEST)
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
        "actions/request_hand_over.html",
        {"form": form, "round_request": round_request, "colleagues": colleagues},
    )


@login_required
@require_http_methods(["GET", "POST"])
def update_review(request, pk):
    """The coordinator approves a submitted update or returns it to its authors with a comment."""
    update = get_for_user(
        request.user,
        ProgressUpdate.objects.select_related("measure__plan__county", "status", "reviewed_by"),
        perm=perms.REVIEW_PROGRESSUPDATE,
        pk=pk,
    )
    round_request = RoundRequest.objects.select_related("round").filter(update=update).first()
    target = round_request.get_absolute_url() if round_request else update.measure.get_absolute_url()
    form = ReviewForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.review_update(update, decision, comment=form.cleaned_data["comment"], user=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            if decision == services.Decision.APPROVE:
                messages.success(request, _("The update is approved: it now sets the measure's status and progress."))
            else:
                messages.success(request, _("The update is returned to its authors with your comment."))
            return redirect(target)
    context = {
        "update": update,
        "measure": update.measure,
        "round_request": round_request,
        "round": round_request.round if round_request else None,
        "attachments": list(update.attachments.all()),
        "form": form,
        "error": error,
        "back": target,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "actions/update_review.html", context, status=status)


@login_required
@require_GET
def update_attachment(request, pk):
    attachment = get_for_user(request.user, UpdateAttachment, perm=perms.VIEW_UPDATEATTACHMENT, pk=pk)
    return document_response(attachment)


# --- Talking about a measure --------------------------------------------------------------------


def _thread_page(request, *, measure, update, template: str, context: dict):
    """A thread's page: its comments (paged, oldest first) and the form to add one, with the people
    of the county to mention; a locked update (closed round) takes no more comments."""
    round_request = context.get("round_request")
    locked = round_request is not None and not round_request.round.is_open
    can_comment = not locked and request.user.has_perm(perms.ADD_COMMENT, update or measure)
    people = queries.county_people(measure.plan.county_id, coordinators_only=measure.plan.status == PlanStatus.DRAFT)
    form = CommentForm(request.POST or None, people=people.exclude(pk=request.user.pk))
    if request.method == "POST":
        if not request.user.has_perm(perms.ADD_COMMENT, update or measure):
            raise PermissionDenied
        if form.is_valid():
            try:
                comment = services.post_comment(
                    measure,
                    form.cleaned_data["body"],
                    user=request.user,
                    update=update,
                    mentions=form.cleaned_data["mentions"],
                )
            except ValidationError as problem:
                form.add_error(None, problem)
            else:
                messages.success(request, _("Your comment is posted."))
                return redirect(comment.get_absolute_url())
    comments = Paginator(queries.thread(measure, request.user, update=update), queries.COMMENTS_PER_PAGE)
    number = request.GET.get("page")
    page = comments.get_page(comments.num_pages if number == "last" else number)
    context = {
        **context,
        "measure": measure,
        "update": update,
        "comments": page.object_list,
        "page": page,
        "form": form,
        "can_comment": can_comment,
        "locked": locked,
        "following": queries.is_following(measure, request.user),
        "can_follow": request.user.has_perm(perms.FOLLOW_MEASURE, measure),
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def measure_discussion(request, pk):
    """The measure's own thread: what the people working on it say to each other."""
    measure = get_for_user(request.user, Measure.objects.select_related("plan__county"), pk=pk)
    return _thread_page(request, measure=measure, update=None, template="actions/measure_discussion.html", context={})


@login_required
@require_http_methods(["GET", "POST"])
def update_detail(request, pk):
    """One progress update as its readers see it, with its attachments, its review and its thread."""
    update = get_for_user(
        request.user,
        ProgressUpdate.objects.select_related("measure__plan__county", "status", "reviewed_by"),
        pk=pk,
    )
    round_request = RoundRequest.objects.select_related("round").filter(update=update).first()
    context = {
        "round_request": round_request,
        "round": round_request.round if round_request else None,
        "attachments": list(update.attachments.all()),
        "can_review": update.state == UpdateState.SUBMITTED
        and request.user.has_perm(perms.REVIEW_PROGRESSUPDATE, update),
    }
    return _thread_page(
        request, measure=update.measure, update=update, template="actions/update_detail.html", context=context
    )


@login_required
@require_http_methods(["POST"])
def measure_follow(request, pk):
    """Follow the measure, or stop following it (``following``: "1" or "0")."""
    measure = get_for_user(request.user, Measure.objects.select_related("plan"), perm=perms.FOLLOW_MEASURE, pk=pk)
    following = request.POST.get("following") == "1"
    services.set_following(measure, request.user, following)
    if following:
        messages.success(request, _("You follow the measure: you are told of new comments and updates."))
    else:
        messages.success(request, _("You no longer follow the measure."))
    return redirect(reverse("actions:measure_discussion", kwargs={"pk": measure.pk}))
