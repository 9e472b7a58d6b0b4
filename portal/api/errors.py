"""The shape of every API error: ``{"error": "<what is wrong>", "field": "<parameter>" | null}``.

Named in REST_FRAMEWORK's EXCEPTION_HANDLER, which DRF imports only when the first error is
handled, after ``rest_framework.views`` has loaded.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


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
