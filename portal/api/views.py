"""The read-only API: public material without a token, the user's scope with one.

Every list is paginated (``page``, ``page_size`` up to 200), every response carries an
``ETag`` (a hash of its JSON body; ``If-None-Match`` gives 304), pledges and agreements also
``Last-Modified`` (from their change history). Bad query parameters give 400 with
``{"error": …, "field": …}``. Rates are limited per token, and per IP address without one.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, QuerySet
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404 as api_get_object_or_404
from rest_framework.response import Response

from actions.filters import MeasureFilterSet, PlanFilterSet
from actions.models import ActionPlan, Measure
from actions.queries import measure_rows_by_plan, plan_measures, progress_by_plan
from agreements.filters import AgreementFilterSet, PledgeFilterSet
from agreements.models import CitizenPledge, CommitmentStatus, CooperationAgreement, PledgeCommitment
from agreements.queries import commitment_rows_by_pledge
from municipalities.filters import CodeFilter, MunicipalityFilterSet
from municipalities.models import County, Municipality
from municipalities.queries import latest_key_figures
from portal.api import docs
from portal.api import serializers as s
from portal.api.forms import TokenForm
from portal.api.policies import BadParameter
from portal.api.public import readable
from portal.models import ApiToken
from portal.services import issue_token, revoke_token

# --- The resources -----------------------------------------------------------------------------

ERRORS = {
    401: s.ErrorSerializer,
    429: s.ErrorSerializer,
}


def _filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """The query parameters of a FilterSet as the schema states them: codes by their pattern."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        if isinstance(filter_, CodeFilter):
            schema = {"type": "string", "minLength": 1, "pattern": filter_.pattern}
        else:
            schema = {"type": "string", "format": "date"}
        parameters.append(OpenApiParameter(name, schema, description=filter_.extra["help_text"]))
    return parameters


def _list_schema(serializer, filterset_class):
    return extend_schema(
        parameters=_filter_parameters(filterset_class) if filterset_class else None,
        responses={200: serializer(many=True), 400: s.ErrorSerializer, 404: s.ErrorSerializer, **ERRORS},
    )


def _detail_schema(serializer, lookup: str, kind: type, description: str):
    return extend_schema(
        parameters=[OpenApiParameter(lookup, kind, OpenApiParameter.PATH, description=description)],
        responses={200: serializer, 404: s.ErrorSerializer, **ERRORS},
    )


class Resource(viewsets.GenericViewSet):
    """A read-only resource: ``list`` (filtered, paginated) and ``retrieve``, with ETags."""

    model = None
    filterset_class = None
    # Any value but a slash reaches the view, so a malformed id or code is a JSON 404 too.
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return readable(self.model, self.request)

    def filter_queryset(self, queryset):
        """The rows the query parameters ask for; an invalid one is a 400 that names it."""
        if self.filterset_class is None:
            return queryset
        filterset = self.filterset_class(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
        return filterset.qs

    def extra_context(self, objects) -> dict:
        return {}

    def last_modified(self, objects):
        return None

    def _serialize(self, instance, objects, *, many: bool):
        context = {**self.get_serializer_context(), "today": timezone.localdate(), **self.extra_context(objects)}
        self._last_modified = self.last_modified(objects)
        return self.get_serializer(instance, many=many, context=context).data

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self._serialize(page, page, many=True))

    def retrieve(self, request, *args, **kwargs):
        lookup = {self.lookup_field: kwargs[self.lookup_url_kwarg or self.lookup_field]}
        obj = api_get_object_or_404(self.get_queryset(), **lookup)
        return Response(self._serialize(obj, [obj], many=False))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Accept-Language"])
        if request.auth is not None:
            patch_cache_control(response, private=True)
        if request.method not in ("GET", "HEAD") or response.status_code != status.HTTP_200_OK:
            return response
        # Rendered once: the body the ETag is the hash of is the body sent.
        body = response.rendered_content
        response.content = body
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        response["ETag"] = etag
        last_modified = getattr(self, "_last_modified", None)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=int(last_modified.timestamp()) if last_modified else None,
            response=response,
        )


def _history_max(history_manager, **lookup):
    return history_manager.filter(**lookup).aggregate(newest=Max("history_date"))["newest"]


@extend_schema_view(
    list=_list_schema(s.CountySerializer, None),
    retrieve=_detail_schema(s.CountySerializer, "code", str, "Two-digit SCB county code."),
)
class CountyViewSet(Resource):
    """Counties (län)."""

    model = County
    serializer_class = s.CountySerializer
    lookup_field = "code"


@extend_schema_view(
    list=_list_schema(s.MunicipalitySerializer, MunicipalityFilterSet),
    retrieve=_detail_schema(s.MunicipalitySerializer, "code", str, "Four-digit SCB municipality code."),
)
class MunicipalityViewSet(Resource):
    """Municipalities with their compliance with Lag (2023:196) and their latest key figures."""

    model = Municipality
    serializer_class = s.MunicipalitySerializer
    filterset_class = MunicipalityFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return super().get_queryset().select_related("county").prefetch_related("compliance_items").order_by("code")

    def extra_context(self, objects):
        return {"latest": latest_key_figures(objects)}


# ``?nested=false`` on plans and pledges: the objects without their nested rows, which are read, paged,
# from an endpoint of their own (``/api/plans/{id}/measures/``, ``/api/pledges/{id}/commitments/``).
NESTED = "nested"
DEPRECATED_NESTING = (
    "Deprecated: by default each {one}'s {rows} are nested in full, without bound, which makes large pages slow. "
    "Ask with nested=false and read the {rows} of a {one}, paged, from {endpoint}."
)


def _nested_parameter(rows: str) -> OpenApiParameter:
    return OpenApiParameter(
        NESTED,
        bool,
        description=f"false leaves out each object's {rows} (read them, paged, from its own endpoint); default true.",
    )


def _id_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=description)


def _nested_schemas(serializer, filterset_class, *, intro: str, one: str, rows: str, endpoint: str) -> dict:
    """The list's and the object's schema with ``nested``; the nested default marked deprecated."""
    nested = _nested_parameter(rows)
    return {
        "list": extend_schema(
            description=f"{intro} " + DEPRECATED_NESTING.format(one=one, rows=rows, endpoint=endpoint),
            parameters=[*_filter_parameters(filterset_class), nested],
            responses={200: serializer(many=True), 400: s.ErrorSerializer, 404: s.ErrorSerializer, **ERRORS},
        ),
        "retrieve": extend_schema(
            parameters=[_id_parameter(f"The {one}'s id."), nested],
            responses={200: serializer, 400: s.ErrorSerializer, 404: s.ErrorSerializer, **ERRORS},
        ),
    }


def _rows_schema(serializer, one: str, parameters: list[OpenApiParameter]):
    return extend_schema(
        parameters=[_id_parameter(f"The {one}'s id."), *parameters],
        responses={200: serializer(many=True), 400: s.ErrorSerializer, 404: s.ErrorSerializer, **ERRORS},
    )


class _Nesting:
    """A resource whose objects nest rows: ``?nested=false`` leaves them out; ``_rows`` pages them."""

    def nested(self) -> bool:
        raw = self.request.query_params.get(NESTED, "true")
        if raw not in {"true", "false"}:
            raise BadParameter(NESTED, "Expected true or false.")
        return raw == "true"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "nested": self.action not in {"list", "retrieve"} or self.nested()}

    def _parent(self, request, pk):
        """The object whose rows are asked for, as its own address would show it: else a 404."""
        return api_get_object_or_404(readable(self.model, request), id=pk)

    def _rows(self, rows, serializer_class):
        """``rows`` (a queryset or a list) paged as every list is, each row by ``serializer_class``."""
        page = self.paginate_queryset(rows)
        self._last_modified = None
        context = {**super().get_serializer_context(), "today": timezone.localdate()}
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)


MEASURE_FILTERS = ("status", "actor", "flag")
MAX_ID = 2**31 - 1  # the largest id PostgreSQL's integer holds


def _measure_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "status", str, description="Only measures whose latest update has this status code; none: no update yet."
        ),
        OpenApiParameter(
            "actor",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            description="Only measures this actor (its id) leads or takes part in.",
        ),
        OpenApiParameter(
            "flag",
            str,
            enum=["overdue", "stale"],
            description="overdue: a milestone is past due; stale: no recent update.",
        ),
    ]


def _plan_measures(plan: ActionPlan, params) -> list[Measure] | QuerySet[Measure]:
    """The plan's measures as its page lists them, filtered by ``params`` (a 400 names a bad one).

    Unfiltered, the page is cut in the database; a filter (flags are derived from dates) runs on the
    plan's rows as on the plan page (``MeasureFilterSet``).
    """
    if not any(params.get(name) for name in MEASURE_FILTERS):
        return plan.measures.with_state().order_by("number")
    actor = params.get("actor")
    if actor and not (actor.isdigit() and 1 <= int(actor) <= MAX_ID):
        raise BadParameter("actor", "Expected an actor's id.")
    filterset = MeasureFilterSet(params, measures=plan_measures(plan), plan=plan)
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs


@extend_schema_view(
    **_nested_schemas(
        s.PlanSerializer,
        PlanFilterSet,
        intro="Regional action plans with their measures, statuses and progress.",
        one="plan",
        rows="measures",
        endpoint="/api/plans/{id}/measures/",
    ),
    measures=_rows_schema(s.MeasureSerializer, "plan", _measure_parameters()),
)
class PlanViewSet(_Nesting, Resource):
    """Regional action plans with their measures, statuses and progress."""

    model = ActionPlan
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilterSet
    lookup_field = "id"

    def get_queryset(self):
        return super().get_queryset().select_related("county").order_by("-period_start", "id")

    def extra_context(self, objects):
        """The page's progress summed in the database and, nested, its measures read as values: the
        nested shape of 2 100 measures at national scale built as 2 100 dicts, not model objects."""
        ids = [plan.pk for plan in objects]
        context = {"progress": progress_by_plan(ids)}
        if self.nested():
            context["measure_rows"] = measure_rows_by_plan(ids)
        return context

    @action(detail=True, url_path="measures")
    def measures(self, request, id=None):
        """The plan's measures by number, paged; filtered by status, actor and flag as on the plan page."""
        plan = self._parent(request, id)
        return self._rows(_plan_measures(plan, request.query_params), s.MeasureSerializer)


class _MunicipalDocumentViewSet(Resource):
    lookup_field = "id"

    def last_modified(self, objects):
        return _history_max(self.model.history, id__in=[obj.pk for obj in objects])


@extend_schema_view(
    **_nested_schemas(
        s.PledgeSerializer,
        PledgeFilterSet,
        intro="Citizen pledges (medborgarlöften) with their commitments.",
        one="pledge",
        rows="commitments",
        endpoint="/api/pledges/{id}/commitments/",
    ),
    commitments=_rows_schema(
        s.CommitmentSerializer,
        "pledge",
        [
            OpenApiParameter(
                "status", str, enum=list(CommitmentStatus.values), description="Only commitments with this status."
            )
        ],
    ),
)
class PledgeViewSet(_Nesting, _MunicipalDocumentViewSet):
    """Citizen pledges (medborgarlöften) with their commitments."""

    model = CitizenPledge
    serializer_class = s.PledgeSerializer
    filterset_class = PledgeFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("municipality__county")
            .order_by("municipality__code", "-period_start", "id")
        )

    def extra_context(self, objects):
        """Nested, the page's commitments read as values in one query (10 000 at 200 pledges a page)."""
        return {"commitment_rows": commitment_rows_by_pledge(obj.pk for obj in objects)} if self.nested() else {}

    def last_modified(self, objects):
        ids = [obj.pk for obj in objects]
        stamps = [
            _history_max(CitizenPledge.history, id__in=ids),
            _history_max(PledgeCommitment.history, pledge_id__in=ids),
        ]
        return max((stamp for stamp in stamps if stamp), default=None)

    @action(detail=True, url_path="commitments")
    def commitments(self, request, id=None):
        """The pledge's commitments in their order, paged; filtered by status."""
        pledge = self._parent(request, id)
        rows = PledgeCommitment.objects.filter(pledge=pledge).order_by("pk")
        status_ = request.query_params.get("status")
        if status_:
            if status_ not in CommitmentStatus.values:
                raise BadParameter("status", f"Expected one of {', '.join(CommitmentStatus.values)}.")
            rows = rows.filter(status=status_)
        return self._rows(rows, s.CommitmentSerializer)


@extend_schema_view(
    list=_list_schema(s.AgreementSerializer, AgreementFilterSet),
    retrieve=_detail_schema(s.AgreementSerializer, "id", int, "The agreement's id."),
)
class AgreementViewSet(_MunicipalDocumentViewSet):
    """Cooperation agreements between municipalities and the Police; the period is by year."""

    model = CooperationAgreement
    serializer_class = s.AgreementSerializer
    filterset_class = AgreementFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("municipality__county")
            .prefetch_related("focus_areas")
            .order_by("municipality__code", "-start_year", "id")
        )


def api_docs(request):
    """The documentation page: the schema of ``/api/schema/`` in the portal's frame and language."""
    return render(request, "api/docs.html", docs.page_context())


def not_found(request, path=""):
    """Any other address under /api/: a JSON 404, like the API's own."""
    return JsonResponse({"error": "Not found.", "field": None}, status=404)


# --- Personal tokens: the page where users create and revoke them ---------------------------------


@login_required
def api_tokens(request):
    """List the user's keys; create one (its key is shown once, on this response only)."""
    new_key = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, new_key = issue_token(request.user, form.cleaned_data["name"])
            form = TokenForm()
    else:
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(request, "portal/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})
    if new_key:
        patch_cache_control(response, no_store=True)
    return response


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_token(token)
    messages.success(request, _("The key “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api:tokens")
