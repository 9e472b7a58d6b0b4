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
from django.db.models import Max, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404 as api_get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from actions.filters import PlanFilterSet
from actions.models import ActionPlan, Measure
from agreements.filters import AgreementFilterSet, PledgeFilterSet
from agreements.models import CitizenPledge, CooperationAgreement, PledgeCommitment
from municipalities.filters import CodeFilter, MunicipalityFilterSet
from municipalities.models import County, Municipality
from municipalities.queries import latest_key_figures
from portal.api import docs
from portal.api import serializers as s
from portal.api.forms import TokenForm
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
        body = JSONRenderer().render(response.data)
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


@extend_schema_view(
    list=_list_schema(s.PlanSerializer, PlanFilterSet),
    retrieve=_detail_schema(s.PlanSerializer, "id", int, "The plan's id."),
)
class PlanViewSet(Resource):
    """Regional action plans with their measures, statuses and progress."""

    model = ActionPlan
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilterSet
    lookup_field = "id"

    def get_queryset(self):
        measures = Measure.objects.with_state().order_by("number")
        return (
            super()
            .get_queryset()
            .select_related("county")
            .prefetch_related(Prefetch("measures", queryset=measures))
            .order_by("-period_start", "id")
        )


class _MunicipalDocumentViewSet(Resource):
    lookup_field = "id"

    def last_modified(self, objects):
        return _history_max(self.model.history, id__in=[obj.pk for obj in objects])


@extend_schema_view(
    list=_list_schema(s.PledgeSerializer, PledgeFilterSet),
    retrieve=_detail_schema(s.PledgeSerializer, "id", int, "The pledge's id."),
)
class PledgeViewSet(_MunicipalDocumentViewSet):
    """Citizen pledges (medborgarlöften) with their commitments."""

    model = CitizenPledge
    serializer_class = s.PledgeSerializer
    filterset_class = PledgeFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("municipality__county")
            .prefetch_related("commitments")
            .order_by("municipality__code", "-period_start", "id")
        )

    def last_modified(self, objects):
        ids = [obj.pk for obj in objects]
        stamps = [
            _history_max(CitizenPledge.history, id__in=ids),
            _history_max(PledgeCommitment.history, pledge_id__in=ids),
        ]
        return max((stamp for stamp in stamps if stamp), default=None)


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
