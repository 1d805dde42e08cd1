"""The people API: workers, certificates, training, crews, check-ins (POST from the phone)
and briefings, inside the permission matrix and the organisation scope."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.core.actors import user_of
from zhiyang.core.api.viewsets import ScopedModelViewSet
from zhiyang.people import services
from zhiyang.people.api.serializers import (
    BriefingSerializer,
    CertificateSerializer,
    CheckInSerializer,
    CrewSerializer,
    TrainingRecordSerializer,
    WorkerSerializer,
)
from zhiyang.people.filters import (
    BriefingFilter,
    CertificateFilter,
    CheckInFilter,
    CrewFilter,
    TrainingFilter,
    WorkerFilter,
)
from zhiyang.people.models import Briefing, Certificate, CheckIn, Crew, TrainingRecord, Worker


class WorkerViewSet(ScopedModelViewSet):
    """Workers of the user's organisation. ``id_number`` is masked unless the role may view
    ``people.identity``; ``?q=`` finds a full ID number exactly."""

    queryset = Worker.objects.select_related("organisation").prefetch_related("certificates")
    serializer_class = WorkerSerializer
    filterset_class = WorkerFilter
    ordering_fields = ["name", "trade"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_worker(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Worker)
        return services.update_worker(actor=user_of(self.request), worker=obj, data=data)


class CertificateViewSet(ScopedModelViewSet):
    """Certificates with their expiry ``alert`` (expired, days_7, days_30)."""

    queryset = Certificate.objects.select_related("worker")
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter
    ordering_fields = ["valid_until", "cert_type"]


class TrainingRecordViewSet(ScopedModelViewSet):
    """三级安全教育 records (company, project, team level) with hours."""

    queryset = TrainingRecord.objects.select_related("worker")
    serializer_class = TrainingRecordSerializer
    filterset_class = TrainingFilter
    ordering_fields = ["date", "hours"]


class CrewViewSet(ScopedModelViewSet):
    """Crews (班组). Adding a member whose trade's certificate is missing or expired is
    refused (400)."""

    queryset = Crew.objects.select_related("leader").prefetch_related("members")
    serializer_class = CrewSerializer
    filterset_class = CrewFilter
    ordering_fields = ["name"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_crew(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Crew)
        return services.update_crew(actor=user_of(self.request), crew=obj, data=data)


class CheckInViewSet(ScopedModelViewSet):
    """Daily check-ins. POST from the phone: inside the work zone's geofence it is accepted,
    outside it is recorded with ``inside_geofence: false`` and ``distance_m``. A second
    check-in of a worker at a zone on one day is refused (400); the same ``client_uuid``
    again answers 200 with the first record (offline retries)."""

    queryset = CheckIn.objects.select_related("worker", "work_zone")
    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    ordering_fields = ["checked_in_at", "date"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        responses={
            201: CheckInSerializer,
            200: OpenApiResponse(CheckInSerializer, description="A retry: the first record."),
        }
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.check_in(
            actor=user_of(request),
            worker=data["worker"],
            work_zone=data["work_zone"],
            lon=data["lon"],
            lat=data["lat"],
            accuracy_m=data.get("accuracy_m"),
            client_uuid=data.get("client_uuid"),
        )
        body = self.get_serializer(result.checkin).data
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class BriefingViewSet(ScopedModelViewSet):
    """Pre-shift safety briefings (班前讲话) with attendance."""

    queryset = Briefing.objects.select_related("crew", "given_by").prefetch_related("attendees")
    serializer_class = BriefingSerializer
    filterset_class = BriefingFilter
    ordering_fields = ["date"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_briefing(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Briefing)
        return services.update_briefing(actor=user_of(self.request), briefing=obj, data=data)
