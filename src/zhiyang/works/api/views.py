"""Works API: projects (+ status), work orders (+ assign, start, complete, close with the
close guards), daily reports (idempotent create by ``client_uuid``, approve, reject, photos).

Everything inside the permission matrix and the organisation scope: rows outside the user's
scope answer 404 like missing ones (``ScopedModelViewSet``). Approving needs the
``works.approval`` grant (403 without it); a step the state does not allow is 400.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.core.access import restrict
from zhiyang.core.actors import user_of
from zhiyang.core.api.parsers import JSON_AND_FORM_PARSERS
from zhiyang.core.api.viewsets import ScopedModelViewSet
from zhiyang.works import services
from zhiyang.works.api.serializers import (
    AssignSerializer,
    DailyPhotoSerializer,
    DailyReportSerializer,
    DecisionSerializer,
    ProjectSerializer,
    StatusSerializer,
    WorkOrderSerializer,
    WorkOrderStepSerializer,
)
from zhiyang.works.filters import DailyReportFilter, ProjectFilter, WorkOrderFilter
from zhiyang.works.models import DailyReport, Project, WorkOrder


class ProjectViewSet(ScopedModelViewSet):
    """Maintenance projects. ``POST {id}/status/ {"status": ...}`` moves one along
    draft → approved → in_progress → completed → closed."""

    queryset = Project.objects.select_related("route", "organisation").prefetch_related(
        "work_orders"
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["planned_start", "code", "contract_value_yuan"]
    # The service decides: "change" for most steps, the approval grant to approve or close.
    matrix_actions = {"set_status": "view"}

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_project(actor=user_of(self.request), **data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Project)
        return services.update_project(actor=user_of(self.request), project=obj, **data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, Project)
        services.delete_project(actor=user_of(self.request), project=obj)

    @extend_schema(request=StatusSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = services.set_project_status(
            actor=user_of(request), project=project, status=body.validated_data["status"]
        )
        return Response(self.get_serializer(project).data)


class WorkOrderViewSet(ScopedModelViewSet):
    """Work orders of projects. Steps: ``assign`` (crew + machines), ``start``, ``complete``,
    ``close`` (400 with the reasons when a close guard objects)."""

    queryset = WorkOrder.objects.select_related("project", "crew").prefetch_related("equipment")
    serializer_class = WorkOrderSerializer
    filterset_class = WorkOrderFilter
    ordering_fields = ["planned_start", "sequence"]
    matrix_actions = {
        "assign": "change",
        "start": "change",
        "complete": "change",
        "close": "change",
    }

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        values = dict(data)
        project = values.pop("project")
        return services.create_work_order(actor=user_of(self.request), project=project, **values)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, WorkOrder)
        values = dict(data)
        values.pop("project", None)
        crew = values.pop("crew", obj.crew)
        equipment = values.pop("equipment", None)
        work_order = services.update_work_order(
            actor=user_of(self.request), work_order=obj, **values
        )
        if "crew" in data or "equipment" in data:
            work_order = services.assign_work_order(
                actor=user_of(self.request),
                work_order=work_order,
                crew=crew,
                equipment=equipment if equipment is not None else list(obj.equipment.all()),
            )
        return work_order

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, WorkOrder)
        services.delete_work_order(actor=user_of(self.request), work_order=obj)

    def _answer(self, work_order: WorkOrder) -> Response:
        fresh = restrict(WorkOrder.objects.all(), self.request.user).filter(pk=work_order.pk)
        return Response(self.get_serializer(fresh.first() or work_order).data)

    @extend_schema(request=AssignSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        work_order = self.get_object()
        body = AssignSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        work_order = services.assign_work_order(
            actor=user_of(request),
            work_order=work_order,
            crew=body.validated_data.get("crew"),
            equipment=body.validated_data.get("equipment") or [],
        )
        return self._answer(work_order)

    @extend_schema(request=WorkOrderStepSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        body = WorkOrderStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        work_order = services.start_work_order(
            actor=user_of(request),
            work_order=self.get_object(),
            day=body.validated_data.get("date"),
        )
        return self._answer(work_order)

    @extend_schema(request=WorkOrderStepSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        body = WorkOrderStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        work_order = services.complete_work_order(
            actor=user_of(request),
            work_order=self.get_object(),
            day=body.validated_data.get("date"),
        )
        return self._answer(work_order)

    @extend_schema(request=None, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        work_order = services.close_work_order(actor=user_of(request), work_order=self.get_object())
        return self._answer(work_order)


class DailyReportViewSet(ScopedModelViewSet):
    """Daily field reports (施工日志). POST with a ``client_uuid``: 201 for a new report, 200
    with the first report when the same id comes again. ``approve`` / ``reject`` (with a
    ``reason``) need the ``works.approval`` grant; ``photos`` adds a photo (multipart)."""

    queryset = DailyReport.objects.select_related(
        "project", "crew", "submitted_by", "approved_by"
    ).prefetch_related("machines", "quantities__work_order", "photos")
    action_resources = {
        "approve": services.APPROVAL_RESOURCE,
        "reject": services.APPROVAL_RESOURCE,
    }
    serializer_class = DailyReportSerializer
    filterset_class = DailyReportFilter
    parser_classes = JSON_AND_FORM_PARSERS
    ordering_fields = ["date", "created_at"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    matrix_actions = {"approve": "view", "reject": "view", "photos": "add"}

    @staticmethod
    def _quantities(data: dict[str, Any]) -> list[dict[str, Any]] | None:
        rows = data.pop("quantities", None)
        if rows is None:
            return None
        return [
            {
                "work_order": row.get("work_order_id"),
                "quantity": row.get("quantity"),
                "cost_yuan": row.get("cost_yuan"),
                "note": row.get("note", ""),
            }
            for row in rows
        ]

    @extend_schema(responses={201: DailyReportSerializer, 200: DailyReportSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data
        client_uuid = data.get("client_uuid") if hasattr(data, "get") else None
        if client_uuid:
            existing = services.existing_report(user_of(request), client_uuid)
            if existing is not None:
                return Response(self.get_serializer(existing).data, status=status.HTTP_200_OK)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        quantities = self._quantities(data) or []
        report, created = services.submit_daily_report(
            actor=user_of(request), data=data, quantities=quantities
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(report).data, status=code)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, DailyReport)
        values = dict(data)
        values.pop("client_uuid", None)
        quantities = self._quantities(values)
        return services.resubmit_daily_report(
            actor=user_of(self.request), report=obj, data=values, quantities=quantities
        )

    def _decided(self, report: DailyReport) -> Response:
        fresh = restrict(DailyReport.objects.all(), self.request.user).filter(pk=report.pk)
        return Response(self.get_serializer(fresh.first() or report).data)

    @extend_schema(request=None, responses=DailyReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        report = services.approve_daily_report(actor=user_of(request), report=self.get_object())
        return self._decided(report)

    @extend_schema(request=DecisionSerializer, responses=DailyReportSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.reject_daily_report(
            actor=user_of(request), report=self.get_object(), reason=body.validated_data["reason"]
        )
        return self._decided(report)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "photo": {"type": "string", "format": "binary"},
                    "caption": {"type": "string"},
                },
            }
        },
        responses={201: DailyPhotoSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        photo = services.add_daily_photo(
            actor=user_of(request),
            report=report,
            photo=request.FILES.get("photo"),
            caption=str(request.data.get("caption", ""))[:200],
        )
        return Response(DailyPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)
