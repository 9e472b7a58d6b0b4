"""How the API pages and limits its answers, and the error for a bad parameter (named in REST_FRAMEWORK).

DRF reads the pagination and throttle classes from its settings while ``rest_framework.views`` is
imported, so this module does not import that module; the error handler, which needs it, is in
``portal/api/errors.py`` (DRF loads it at the first error).
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from portal.models import ApiToken

# --- Errors ------------------------------------------------------------------------------------


class BadParameter(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameter"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# --- Pagination and throttling -----------------------------------------------------------------


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def _positive_int(self, request, name: str, maximum: int | None = None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
            limit = f" between 1 and {maximum}" if maximum else " of 1 or more"
            raise BadParameter(name, f"Expected a whole number{limit}.")
        return int(raw)

    def get_page_size(self, request):
        return self._positive_int(request, self.page_size_query_param, self.max_page_size) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        self._positive_int(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = f"Results per page, 1–{self.max_page_size} (default {self.page_size})."
        return parameters


class _RateFromSettings(SimpleRateThrottle):
    def get_rate(self):
        # Read at each request, so a change of settings (tests, reload) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class TokenRateThrottle(_RateFromSettings):
    """Requests with a token, counted per token."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AnonymousRateThrottle(_RateFromSettings):
    """Requests without a token, counted per IP address."""

    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
