"""How the API answers as a whole: errors, pagination and rate limits (named in REST_FRAMEWORK).

Kept apart from the views: DRF reads these classes from its settings while ``rest_framework.views``
is imported, so this module must not import it at load time.
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


def _first_error(detail) -> tuple[str | None, str]:
    """The first (field, message) of a DRF error detail, however nested."""
    if isinstance(detail, dict):
        field, inner = next(iter(detail.items()))
        _inner_field, message = _first_error(inner)
        return (None if field == api_settings.NON_FIELD_ERRORS_KEY else field), message
    if isinstance(detail, list):
        return _first_error(detail[0]) if detail else (None, "Invalid request.")
    return None, str(detail)


def exception_handler(exc, context):
    """Every API error is ``{"error": "<what is wrong>", "field": "<parameter>" | null}``."""
    from rest_framework.views import exception_handler as drf_exception_handler  # noqa: PLC0415 - see above

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    field = getattr(exc, "field", None)
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_error(exc.detail)
    else:
        message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    response.data = {"error": message, "field": field}
    return response


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
