"""The read-only API: public material without a token, the user's scope with one.

Every list is paginated (``page``, ``page_size`` up to 200), every response carries an
``ETag`` (a hash of its JSON body; ``If-None-Match`` gives 304), pledges and agreements also
``Last-Modified`` (from their change history). Bad query parameters give 400 with
``{"error": …, "field": …}``. Rates are limited per token, and per IP address without one.
"""

from __future__ import annotations

import hashlib

from django import forms
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
from rest_framework.generics import get_object_or_404 as api_get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from actions.models import ActionPlan, Measure
from agreements.models import CitizenPledge, CooperationAgreement
from municipalities.models import County, Municipality
from municipalities.services import latest_key_figures
from portal.api import docs
from portal.api import serializers as s
from portal.api.authentication import issue_token, revoke_token
from portal.api.public import readable
from portal.models import ApiToken

# --- The resources -----------------------------------------------------------------------------

ERRORS = {
    401: s.ErrorSerializer,
    429: s.ErrorSerializer,
}


def _list_schema(serializer, filters):
    return extend_schema(
        parameters=[filters] if filters else None,
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
    filter_serializer = None
    # Any value but a slash reaches the view, so a malformed id or code is a JSON 404 too.
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return readable(self.model, self.request)

    def filters(self) -> dict:
        if self.filter_serializer is None:
            return {}
        serializer = self.filter_serializer(data=self.request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def apply_filters(self, queryset, params: dict):
        return queryset

    def extra_context(self, objects) -> dict:
        return {}

    def last_modified(self, objects):
        return None

    def _serialize(self, instance, objects, *, many: bool):
        context = {**self.get_serializer_context(), "today": timezone.localdate(), **self.extra_context(objects)}
        self._last_modified = self.last_modified(objects)
        return self.get_serializer(instance, many=many, context=context).data

    def list(self, request, *args, **kwargs):
        queryset = self.apply_filters(self.get_queryset(), self.filters())
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
    list=_list_schema(s.MunicipalitySerializer, s.CountyFilter),
    retrieve=_detail_schema(s.MunicipalitySerializer, "code", str, "Four-digit SCB municipality code."),
)
class MunicipalityViewSet(Resource):
    """Municipalities with their compliance with Lag (2023:196) and their latest key figures."""

    model = Municipality
    serializer_class = s.MunicipalitySerializer
    filter_serializer = s.CountyFilter
    lookup_field = "code"

    def get_queryset(self):
        return super().get_queryset().select_related("county").prefetch_related("compliance_items").order_by("code")

    def apply_filters(self, queryset, params):
        if "county" in params:
            queryset = queryset.filter(county__code=params["county"])
        return queryset

    def extra_context(self, objects):
        return {"latest": latest_key_figures(objects)}


def _period_filters(queryset, params, *, years: bool = False):
    if "period_from" in params:
        field, value = ("end_year", params["period_from"].year) if years else ("period_end", params["period_from"])
        queryset = queryset.filter(**{f"{field}__gte": value})
    if "period_to" in params:
        field, value = ("start_year", params["period_to"].year) if years else ("period_start", params["period_to"])
        queryset = queryset.filter(**{f"{field}__lte": value})
    return queryset


@extend_schema_view(
    list=_list_schema(s.PlanSerializer, s.PeriodFilter),
    retrieve=_detail_schema(s.PlanSerializer, "id", int, "The plan's id."),
)
class PlanViewSet(Resource):
    """Regional action plans with their measures, statuses and progress."""

    model = ActionPlan
    serializer_class = s.PlanSerializer
    filter_serializer = s.PeriodFilter
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

    def apply_filters(self, queryset, params):
        if "county" in params:
            queryset = queryset.filter(county__code=params["county"])
        return _period_filters(queryset, params)


class _MunicipalDocumentViewSet(Resource):
    filter_serializer = s.MunicipalPeriodFilter
    lookup_field = "id"
    years = False

    def apply_filters(self, queryset, params):
        if "county" in params:
            queryset = queryset.filter(municipality__county__code=params["county"])
        if "municipality" in params:
            queryset = queryset.filter(municipality__code=params["municipality"])
        return _period_filters(queryset, params, years=self.years)

    def last_modified(self, objects):
        return _history_max(self.model.history, id__in=[obj.pk for obj in objects])


@extend_schema_view(
    list=_list_schema(s.PledgeSerializer, s.MunicipalPeriodFilter),
    retrieve=_detail_schema(s.PledgeSerializer, "id", int, "The pledge's id."),
)
class PledgeViewSet(_MunicipalDocumentViewSet):
    """Citizen pledges (medborgarlöften) with their commitments."""

    model = CitizenPledge
    serializer_class = s.PledgeSerializer

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("municipality__county")
            .prefetch_related("commitments")
            .order_by("municipality__code", "-period_start", "id")
        )

    def last_modified(self, objects):
        from agreements.models import PledgeCommitment  # noqa: PLC0415

        ids = [obj.pk for obj in objects]
        stamps = [
            _history_max(CitizenPledge.history, id__in=ids),
            _history_max(PledgeCommitment.history, pledge_id__in=ids),
        ]
        return max((stamp for stamp in stamps if stamp), default=None)


@extend_schema_view(
    list=_list_schema(s.AgreementSerializer, s.MunicipalPeriodFilter),
    retrieve=_detail_schema(s.AgreementSerializer, "id", int, "The agreement's id."),
)
class AgreementViewSet(_MunicipalDocumentViewSet):
    """Cooperation agreements between municipalities and the Police; the period is by year."""

    model = CooperationAgreement
    serializer_class = s.AgreementSerializer
    years = True

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


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the key"),
        max_length=100,
        help_text=_("What you will use the key for, so you recognise it later."),
    )


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
