"""Structured, translated API errors.

Every error answers ``{"error": {"status", "code", "message", "fields"?}}``. Messages go
through Django's translation, so they follow the request's language (Accept-Language).
Model validation errors and protected deletes are mapped too, so no write reaches a 500.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
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


def request_limit_error(exc: BaseException | None) -> tuple[int, str, str]:
    """Status, code and message of a request Django refused before any view ran.

    Oversized bodies and files answer 413, too many fields or files 400; any other
    suspicious request a plain 400 (its details are for the server log, not the client).
    """
    from zhiyang.core.uploads import FileTooBig

    if isinstance(exc, FileTooBig):
        mb = settings.MAX_UPLOAD_FILE_BYTES / (1024 * 1024)
        return (
            413,
            "too_large",
            _("An uploaded file is too large (at most %(mb).0f MB).") % {"mb": mb},
        )
    if isinstance(exc, RequestDataTooBig):
        mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return (
            413,
            "too_large",
            _("The request body is too large (at most %(mb).1f MB).") % {"mb": mb},
        )
    if isinstance(exc, TooManyFieldsSent):
        return (
            400,
            "too_many_fields",
            _("The request has too many fields (at most %(n)d).")
            % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
        )
    if isinstance(exc, TooManyFilesSent):
        return (
            400,
            "too_many_files",
            _("The request has too many files (at most %(n)d).")
            % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
        )
    return 400, "bad_request", _("The request could not be understood.")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, SuspiciousOperation):
        status_code, code, message = request_limit_error(exc)
        return error_response(status_code=status_code, code=code, message=message)
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
    elif isinstance(exc, DjangoPermissionDenied):
        # A service's own refusal (a step the role may not take): its message, our shape.
        exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))

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
