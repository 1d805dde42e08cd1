"""The telemetry API: the NDJSON ingest endpoint, devices, dead letters, the schema.

The ingest endpoint authenticates the device only (``Authorization: Device <token>``;
``Bearer <token>`` with a device token is accepted too, for clients that only know that
keyword). It ignores sessions and user tokens (it cannot be used from a logged-in browser)
and needs no CSRF token. It answers only after the durable append.
"""

from __future__ import annotations

import zlib
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhiyang.core.actors import user_of
from zhiyang.core.api.errors import error_response
from zhiyang.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from zhiyang.telemetry import schema, services
from zhiyang.telemetry.api.serializers import (
    DeadLetterSerializer,
    DeviceSerializer,
    DeviceUpdateSerializer,
    IngestResultSerializer,
    TokenSerializer,
)
from zhiyang.telemetry.broker import topic_for
from zhiyang.telemetry.filters import DeadLetterFilter, DeviceFilter
from zhiyang.telemetry.ingest import Busy, Raw, shared_ingestor
from zhiyang.telemetry.models import DeadLetter, Device

MAX_LINES = 10_000
MAX_BYTES = 8 * 1024 * 1024
BUSY_WAIT_S = 2.0
RETRY_AFTER_S = 1
AUTH_KEYWORDS = (b"device", b"bearer")


def _unauthorized(message: str) -> Response:
    response = error_response(
        status_code=status.HTTP_401_UNAUTHORIZED, code="not_authenticated", message=message
    )
    response["WWW-Authenticate"] = 'Device realm="telemetry"'
    return response


def _too_large() -> Response:
    return error_response(
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        code="too_large",
        message=_("A batch may hold at most %(lines)d readings and %(mb)d MB.")
        % {"lines": MAX_LINES, "mb": MAX_BYTES // (1024 * 1024)},
    )


def _bad_body(message: str) -> Response:
    return error_response(status_code=status.HTTP_400_BAD_REQUEST, code="bad_body", message=message)


class IngestView(APIView):
    """POST one NDJSON batch of readings (one JSON object per line; gzip optional)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=OpenApiTypes.BINARY, responses=IngestResultSerializer)
    def post(self, request: Request) -> Response:
        header = request.META.get("HTTP_AUTHORIZATION", "").encode("latin-1", "replace").split()
        if len(header) != 2 or header[0].lower() not in AUTH_KEYWORDS:
            return _unauthorized(_("Send the device token: “Authorization: Device <token>”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            return _unauthorized(_("The device token is not valid."))
        device = services.device_for_token(token)
        if device is None:
            return _unauthorized(_("The device token is not valid."))

        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_BYTES:
            return _too_large()
        body = request._request.read(MAX_BYTES + 1)
        if len(body) > MAX_BYTES:
            return _too_large()
        encoding = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding == "gzip":
            try:
                inflater = zlib.decompressobj(wbits=31)
                body = inflater.decompress(body, MAX_BYTES + 1)
            except zlib.error:
                return _bad_body(_("The body is not valid gzip."))
            if len(body) > MAX_BYTES or inflater.unconsumed_tail:
                return _too_large()
        elif encoding not in ("", "identity"):
            return error_response(
                status_code=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                code="unsupported_encoding",
                message=_("Only gzip content encoding is supported."),
            )
        lines: list[tuple[int, bytes]] = []
        for number, line in enumerate(body.split(b"\n"), start=1):
            line = line.strip()
            if line:
                lines.append((number, line))
        if not lines:
            return _bad_body(_("The body holds no readings (one JSON object per line)."))
        if len(lines) > MAX_LINES:
            return _too_large()
        try:
            result = shared_ingestor("http").ingest(
                [Raw(line, device.code) for _, line in lines], wait_s=BUSY_WAIT_S
            )
        except Busy:
            response = error_response(
                status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                code="busy",
                message=_("The ingest is busy; send the batch again shortly."),
            )
            response["Retry-After"] = str(RETRY_AFTER_S)
            return response
        return Response(
            {
                "accepted": result.accepted,
                "duplicates": result.duplicates,
                "rejected": [
                    {"line": lines[r.index][0], "code": r.code, "reason": r.reason}
                    for r in result.rejected
                ],
            }
        )


class SchemaView(APIView):
    """The telemetry message schema (version, common fields, fields per machine type)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(schema.describe())


class DeviceViewSet(ScopedModelViewSet):
    """Telemetry devices of the user's organisation; ``issue-token`` shows a token once."""

    queryset = Device.objects.select_related("equipment", "state")
    serializer_class = DeviceSerializer
    filterset_class = DeviceFilter
    ordering_fields = ["code", "created_at", "token_issued_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    matrix_actions = {"issue_token": "change"}

    def get_serializer_class(self) -> Any:
        if self.action == "partial_update":
            return DeviceUpdateSerializer
        return super().get_serializer_class()

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_device(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Device)
        return services.set_active(
            actor=user_of(self.request), device=obj, active=data.get("active", obj.active)
        )

    @extend_schema(request=None, responses=TokenSerializer)
    @action(detail=True, methods=["post"], url_path="issue-token")
    def issue_token(self, request: Request, pk: str | None = None) -> Response:
        device = self.get_object()
        token = services.issue_token(actor=user_of(request), device=device)
        return Response({"device": device.code, "token": token, "topic": topic_for(device.code)})


class DeadLetterViewSet(ScopedReadOnlyViewSet):
    """Readings that were not accepted, newest first, with the reason and the payload."""

    queryset = DeadLetter.objects.all()
    serializer_class = DeadLetterSerializer
    filterset_class = DeadLetterFilter
    ordering_fields = ["received_at"]
