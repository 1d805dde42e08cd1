"""Safety API: work zones (+ layout, geojson, design), inspection templates and
inspections, hazards with their closed-loop steps, incidents.

Everything inside the permission matrix and the organisation scope: rows outside the
user's scope answer 404 like missing ones (``ScopedModelViewSet``). Hazard steps also check
who may take them (``services.HAZARD_STEPS``): a forbidden step is 403, a step the hazard's
state does not allow is 400.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.analytics import workzone as kernel
from zhiyang.core.access import access_object, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.api.parsers import JSON_AND_FORM_PARSERS
from zhiyang.core.api.viewsets import ScopedModelViewSet
from zhiyang.safety import services
from zhiyang.safety.api.serializers import (
    DesignSerializer,
    HazardSerializer,
    HazardStepSerializer,
    IncidentSerializer,
    InspectionSerializer,
    InspectionTemplateSerializer,
    RaiseHazardSerializer,
    RecordInspectionSerializer,
    WorkZoneSerializer,
)
from zhiyang.safety.choices import ClosedLane, HazardAction
from zhiyang.safety.filters import HazardFilter, IncidentFilter, InspectionFilter, WorkZoneFilter
from zhiyang.safety.models import (
    Hazard,
    Incident,
    Inspection,
    InspectionResult,
    InspectionTemplate,
    WorkZone,
)


class WorkZoneViewSet(ScopedModelViewSet):
    """Work zones; the layout is computed by the JTG H30-2015 kernel on every write."""

    queryset = WorkZone.objects.select_related("route", "district")
    serializer_class = WorkZoneSerializer
    filterset_class = WorkZoneFilter
    matrix_actions = {"layout": "view", "geojson": "view", "design": "view"}
    ordering_fields = ["planned_start", "work_start_m"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_work_zone(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, WorkZone)
        return services.update_work_zone(actor=user_of(self.request), work_zone=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, WorkZone)
        services.delete_work_zone(actor=user_of(self.request), work_zone=obj)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def layout(self, request: Request, pk: str | None = None) -> Response:
        """The stored layout: zones with chainages, signs, speed steps, provenance."""
        return Response(self.get_object().layout)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def geojson(self, request: Request, pk: str | None = None) -> Response:
        """The layout as a GeoJSON FeatureCollection (zones as lines, signs as points)."""
        return Response(services.work_zone_geojson(self.get_object()))

    @extend_schema(request=DesignSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"])
    def design(self, request: Request) -> Response:
        """Run the kernel only (nothing is written): zones, signs, speed steps."""
        inputs = DesignSerializer(data=request.data)
        inputs.is_valid(raise_exception=True)
        data = inputs.validated_data
        try:
            layout = kernel.design_work_zone(
                speed_limit_kmh=data["speed_limit_kmh"],
                downgrade_pct=data["downgrade_pct"],
                work_length_m=data["work_length_m"],
                lane_width_m=data["lane_width_m"],
                closed_lanes=data["closed_lanes"],
                design_speed_kmh=data.get("normal_speed_kmh"),
                shoulder_only=data["closed_lane"] == ClosedLane.SHOULDER,
                opposite_carriageway=data["closed_lane"] == ClosedLane.HALF,
                parameters=services.standard_overrides(user_of(request)) or None,
            )
        except (kernel.WorkZoneInputError, kernel.ParameterError) as exc:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(layout.to_dict())


class InspectionTemplateViewSet(ScopedModelViewSet):
    """Checklist templates with their items (created with ``item_texts``)."""

    queryset = InspectionTemplate.objects.prefetch_related("items")
    serializer_class = InspectionTemplateSerializer
    filterset_fields = ["is_active"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        values = dict(data)
        items = values.pop("item_texts", None) or []
        return services.create_template(actor=user_of(self.request), data=values, items=items)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        values = dict(data)
        values.pop("item_texts", None)
        return super().service_update(obj=obj, data=values)


class InspectionViewSet(ScopedModelViewSet):
    """Inspections from templates: plan (POST), then ``record`` the results; a failed item
    ``raise_hazard`` in one call."""

    queryset = Inspection.objects.select_related(
        "template", "route", "district", "inspector"
    ).prefetch_related("results__item", "results__hazards")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter
    matrix_actions = {"record": "change", "raise_hazard": "change"}

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.plan_inspection(actor=user_of(self.request), data=data)

    @extend_schema(request=RecordInspectionSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        inspection = self.get_object()
        body = RecordInspectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entries = {
            e["item"]: services.ItemEntry(e["result"], e.get("note", ""))
            for e in body.validated_data["results"]
        }
        inspection = services.record_inspection(
            actor=user_of(request),
            inspection=inspection,
            entries=entries,
            note=body.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(request=RaiseHazardSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def raise_hazard(self, request: Request, pk: str | None = None) -> Response:
        inspection = self.get_object()
        body = RaiseHazardSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = access_object(
            InspectionResult.objects.filter(inspection=inspection),
            request.user,
            "view",
            item_id=body.validated_data["item"],
        )
        hazard = services.raise_hazard_from_result(
            actor=user_of(request), result=result, level=body.validated_data.get("level")
        )
        return Response(
            HazardSerializer(hazard, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class HazardViewSet(ScopedModelViewSet):
    """Hazards. A phone POSTs multipart with ``photo``, ``lon``/``lat`` and a
    ``client_uuid``; sending it again returns the first report with 200. Steps:
    ``assign``, ``rectify``, ``verify``, ``reject``, ``close``."""

    queryset = Hazard.objects.select_related(
        "route", "district", "reported_by", "assignee", "verified_by"
    ).prefetch_related("events__user")
    serializer_class = HazardSerializer
    filterset_class = HazardFilter
    parser_classes = JSON_AND_FORM_PARSERS
    ordering_fields = ["reported_at", "deadline", "chainage_m"]
    matrix_actions = {a: "change" for a in HazardAction.values}

    @extend_schema(responses={201: HazardSerializer, 200: HazardSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hazard, created = services.report_hazard(
            actor=user_of(request), data=dict(serializer.validated_data)
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(hazard).data, status=code)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        # Only the report's own text and level are edited directly; the rest moves by steps.
        values = {k: v for k, v in data.items() if k in ("description", "level", "photo")}
        return super().service_update(obj=obj, data=values)

    def _step(self, request: Request, action_name: str) -> Response:
        hazard = self.get_object()
        services.check_step(actor=user_of(request), hazard=hazard, action=action_name)
        body = HazardStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        hazard = services.take_step(
            actor=user_of(request), hazard=hazard, action=action_name, data=data
        )
        fresh = restrict(Hazard.objects.all(), request.user, "view").filter(pk=hazard.pk).first()
        return Response(self.get_serializer(fresh or hazard).data)

    @extend_schema(request=HazardStepSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON_AND_FORM_PARSERS)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, HazardAction.ASSIGN)

    @extend_schema(request=HazardStepSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON_AND_FORM_PARSERS)
    def rectify(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, HazardAction.RECTIFY)

    @extend_schema(request=HazardStepSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON_AND_FORM_PARSERS)
    def verify(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, HazardAction.VERIFY)

    @extend_schema(request=HazardStepSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON_AND_FORM_PARSERS)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, HazardAction.REJECT)

    @extend_schema(request=HazardStepSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON_AND_FORM_PARSERS)
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, HazardAction.CLOSE)


class IncidentViewSet(ScopedModelViewSet):
    """Incidents with their cause analysis (人/机/料/法/环) and corrective actions."""

    queryset = Incident.objects.select_related("route", "district", "reported_by")
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    ordering_fields = ["occurred_at"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_incident(actor=user_of(self.request), data=data)
