"""Structured, translated API errors.

Every error answers ``{"error": {"status", "code", "message", "fields"?}}``. Messages go
through Django's translation, so they follow the request's language (Accept-Language).
Model validation errors and protected deletes are mapped too, so no write reaches a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail: Any) -> Any:
    """DRF's nested ErrorDetail structures as plain strings."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def error_response(
    *,
    status_code: int,
    code: str,
    message: str,
    fields: dict[str, Any] | None = None,
    **details: Any,
) -> Response:
    """The one shape of an API error (``details`` add keys such as an import's ``rows``)."""
    body: dict[str, Any] = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(details)
    return Response({"error": body}, status=status_code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, ProtectedError | RestrictedError):
        return error_response(
            status_code=status.HTTP_409_CONFLICT,
            code="protected",
            message=_("This object is still referenced by other records and cannot be deleted."),
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        if isinstance(detail, dict):
            fields = detail
        else:
            fields = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
        return error_response(
            status_code=response.status_code,
            code="invalid",
            message=_("The request contains invalid data."),
            fields=fields,
        )
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else _("Request failed.")
        out = error_response(status_code=response.status_code, code=code, message=message)
        for header in ("WWW-Authenticate", "Retry-After", "Allow"):
            if header in response:
                out[header] = response[header]
        return out
    return response
