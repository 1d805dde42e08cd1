"""Patrol API: plans, patrols (the phone's upload, idempotent by ``client_uuid``),
findings (+ ``triage``), repair tasks (+ ``repair``, ``verify``, ``reject``), measures.

Rows are scoped (``ScopedModelViewSet``: outside the scope is 404). A step the state does not
allow is 400; one the role may not take is 403 (``patrol.triage``/``repair``/``verify``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.core.access import restrict
from zhiyang.core.actors import user_of
from zhiyang.core.api.viewsets import ScopedModelViewSet
from zhiyang.patrol import services
from zhiyang.patrol.api.serializers import (
    FindingSerializer,
    PatrolSerializer,
    PlanSerializer,
    RepairSerializer,
    TaskSerializer,
    TriageSerializer,
    VerifySerializer,
)
from zhiyang.patrol.filters import FindingFilter, PatrolFilter, PlanFilter, TaskFilter
from zhiyang.patrol.models import Finding, Patrol, PatrolPlan, RepairTask

PARSERS = [JSONParser, MultiPartParser, FormParser]


class PlanViewSet(ScopedModelViewSet):
    queryset = PatrolPlan.objects.select_related("route", "district")
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_plan(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, PatrolPlan)
        return services.update_plan(actor=user_of(self.request), plan=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, PatrolPlan)
        services.delete_plan(actor=user_of(self.request), plan=obj)


class PatrolViewSet(ScopedModelViewSet):
    """Patrols. POST a finished patrol once (its ``client_uuid`` again answers 200 with the
    first one)."""

    queryset = Patrol.objects.select_related("route", "district", "patroller")
    serializer_class = PatrolSerializer
    filterset_class = PatrolFilter
    ordering_fields = ["started_at", "covered_km"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=PatrolSerializer, responses={201: PatrolSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        patrol, created = services.record_patrol(
            actor=user_of(request), data=dict(serializer.validated_data)
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(patrol).data, status=code)


class FindingViewSet(ScopedModelViewSet):
    """Findings. POST (multipart with ``photo``, or JSON) reports one, idempotent by
    ``client_uuid``; ``triage`` decides dismiss / monitor / repair / hazard."""

    queryset = Finding.objects.select_related("route", "district", "reported_by", "triaged_by")
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    parser_classes = PARSERS
    ordering_fields = ["reported_at", "chainage_m"]
    http_method_names = ["get", "post", "head", "options"]
    matrix_actions = {"triage": "change"}

    @extend_schema(responses={201: FindingSerializer, 200: FindingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding, created = services.report_finding(
            actor=user_of(request), data=dict(serializer.validated_data)
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(finding).data, status=code)

    @extend_schema(request=TriageSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, pk: str | None = None) -> Response:
        finding = self.get_object()
        body = TriageSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        finding = services.triage_finding(
            actor=user_of(request), finding=finding, decision=data.pop("decision"), data=data
        )
        finding.refresh_from_db()
        return Response(self.get_serializer(finding).data)


class TaskViewSet(ScopedModelViewSet):
    """Repair tasks (POST: a task by hand, without a finding). Steps: ``repair`` (multipart
    with ``photo_before``/``photo_after``), ``verify``, ``reject``."""

    queryset = RepairTask.objects.select_related(
        "route", "district", "assignee", "created_by", "repaired_by", "verified_by"
    ).prefetch_related("events__user")
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    parser_classes = PARSERS
    ordering_fields = ["deadline", "created_at", "verified_at"]
    matrix_actions = {"repair": "change", "verify": "change", "reject": "change"}

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_task(actor=user_of(self.request), data=data)

    def _fresh(self, request: Request, task: RepairTask) -> Response:
        fresh = restrict(RepairTask.objects.all(), request.user, "view").filter(pk=task.pk)
        return Response(self.get_serializer(fresh.first() or task).data)

    @extend_schema(request=RepairSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], parser_classes=PARSERS)
    def repair(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        body = RepairSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        task = services.repair_task(
            actor=user_of(request), task=task, data=dict(body.validated_data)
        )
        return self._fresh(request, task)

    @extend_schema(request=VerifySerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = services.verify_task(
            actor=user_of(request), task=task, note=body.validated_data["note"]
        )
        return self._fresh(request, task)

    @extend_schema(request=VerifySerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = services.reject_task(
            actor=user_of(request), task=task, note=body.validated_data["note"]
        )
        return self._fresh(request, task)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def measures(self, request: Request) -> Response:
        """Coverage, findings per km, share closed in time, mean time to repair, backlog
        (``?since=&until=`` dates, default the last 7 days)."""
        from zhiyang.patrol.services import measures

        since, until = measures.period_from(request.query_params)
        return Response(measures.summary(actor=user_of(request), since=since, until=until))
