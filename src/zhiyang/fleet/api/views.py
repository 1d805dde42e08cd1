"""The fleet API: machines, telematics (read), faults, services, assignments, sources,
snapshot import and the machines' last positions as GeoJSON. Everything is restricted to
the user's organisation scope (core/access.py); another organisation's machine is a 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhiyang.core.access import restrict
from zhiyang.core.actors import user_of
from zhiyang.core.api.errors import error_response
from zhiyang.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from zhiyang.core.models import Organisation
from zhiyang.fleet import services
from zhiyang.fleet.api.serializers import (
    AssignmentSerializer,
    EquipmentSerializer,
    FaultCodeSerializer,
    ServiceIntervalSerializer,
    ServiceRecordSerializer,
    SnapshotSerializer,
    SourceSerializer,
    TelematicsImportRequestSerializer,
    TelematicsImportResultSerializer,
)
from zhiyang.fleet.filters import (
    AssignmentFilter,
    EquipmentFilter,
    FaultCodeFilter,
    ServiceIntervalFilter,
    ServiceRecordFilter,
    SnapshotFilter,
)
from zhiyang.fleet.geo import positions_collection
from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    FaultCode,
    ServiceInterval,
    ServiceRecord,
    TelematicsSnapshot,
    TelematicsSource,
)
from zhiyang.fleet.telematics.parsers import TelematicsDocumentError


class EquipmentViewSet(ScopedModelViewSet):
    """Machines of the user's organisation (whole-network users: all)."""

    queryset = Equipment.objects.all()
    serializer_class = EquipmentSerializer
    filterset_class = EquipmentFilter
    ordering_fields = ["code", "equipment_type", "last_snapshot_at", "last_operating_hours"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_equipment(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Equipment)
        return services.update_equipment(actor=user_of(self.request), equipment=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, Equipment)
        services.delete_equipment(actor=user_of(self.request), equipment=obj)


class SnapshotViewSet(ScopedReadOnlyViewSet):
    """Telematics snapshots (read only; they arrive by import or poll)."""

    queryset = TelematicsSnapshot.objects.all()
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter
    ordering_fields = ["snapshot_at"]


class FaultCodeViewSet(ScopedReadOnlyViewSet):
    """Fault codes the machines reported."""

    queryset = FaultCode.objects.all()
    serializer_class = FaultCodeSerializer
    filterset_class = FaultCodeFilter
    ordering_fields = ["occurred_at"]


class ServiceIntervalViewSet(ScopedModelViewSet):
    """Service intervals by engine hours and/or days, with their current state."""

    queryset = ServiceInterval.objects.select_related("equipment")
    serializer_class = ServiceIntervalSerializer
    filterset_class = ServiceIntervalFilter

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.save_interval(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, ServiceInterval)
        return services.save_interval(actor=user_of(self.request), data=data, interval=obj)


class ServiceRecordViewSet(ScopedModelViewSet):
    """Services done; one recorded against an interval resets that interval."""

    queryset = ServiceRecord.objects.all()
    serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilter
    ordering_fields = ["date"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.record_service(actor=user_of(self.request), data=data)


class AssignmentViewSet(ScopedModelViewSet):
    """Machines assigned to sites (optionally a route and chainage range) for a period."""

    queryset = EquipmentAssignment.objects.select_related("route")
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["start_date", "end_date"]


class SourceViewSet(ScopedModelViewSet):
    """Polled ISO 15143-3 endpoints; the auth header value is write-only."""

    queryset = TelematicsSource.objects.all()
    serializer_class = SourceSerializer
    filterset_fields = ["active"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        auth = data.pop("auth_value", None)
        return services.save_source(actor=user_of(self.request), data=data, auth_value=auth)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, TelematicsSource)
        auth = data.pop("auth_value", None)
        return services.save_source(
            actor=user_of(self.request), data=data, source=obj, auth_value=auth
        )

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, TelematicsSource)
        services.delete_source(actor=user_of(self.request), source=obj)


class PositionsView(APIView):
    """Last known positions of the machines in scope (GeoJSON Points for the map)."""

    scoped_model = Equipment

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="A FeatureCollection.")}
    )
    def get(self, request: Request) -> Response:
        machines = restrict(Equipment.objects.all(), request.user, "view")
        machines = EquipmentFilter(request.query_params, queryset=machines, request=request).qs
        return Response(positions_collection(machines), content_type="application/geo+json")


class ImportView(APIView):
    """Import an ISO 15143-3 fleet snapshot (XML or JSON). Validated whole first: a
    malformed document answers 400 with every problem (path + message), nothing written."""

    scoped_model = TelematicsSnapshot
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": TelematicsImportRequestSerializer},
        responses={
            200: TelematicsImportResultSerializer,
            400: OpenApiResponse(description="Problems by element path / JSON pointer."),
        },
    )
    def post(self, request: Request) -> Response:
        params = TelematicsImportRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data["file"]
        user: Any = request.user
        organisation = user.organisation
        org_id = params.validated_data.get("organisation")
        if org_id is not None and org_id != user.organisation_id:
            organisation = (
                Organisation.objects.filter(pk=org_id).first() if user.is_superuser else None
            )
            if organisation is None:
                raise exceptions.ValidationError({"organisation": [_("Not your organisation.")]})
        try:
            result = services.import_document(
                upload.read(),
                actor=user_of(request),
                organisation=organisation,
                filename=upload.name or "",
                content_type=getattr(upload, "content_type", "") or "",
                create_unknown=params.validated_data["create_unknown"],
            )
        except TelematicsDocumentError as exc:
            return error_response(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="invalid_document",
                message=exc.message(),
                problems=[p.as_dict() for p in exc.problems],
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"non_field_errors": exc.messages}) from exc
        return Response(TelematicsImportResultSerializer(result.as_dict()).data)
