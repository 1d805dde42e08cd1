"""Planning API: the treatment catalogue (CRUD within roles, reset to the cited default),
calibrations (fit, activate), scenarios (create, run, read), their runs and plan items
(approve → draft works projects).

Everything inside the permission matrix and the organisation scope: another organisation's
scenario answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.core.actors import user_of
from zhiyang.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from zhiyang.core.jobs import job_dict
from zhiyang.planning import services
from zhiyang.planning.api.serializers import (
    ApproveSerializer,
    CalibrationSerializer,
    FitSerializer,
    PlanItemSerializer,
    RunSerializer,
    ScenarioSerializer,
    TreatmentSerializer,
)
from zhiyang.planning.filters import CalibrationFilter, PlanItemFilter, ScenarioFilter
from zhiyang.planning.models import Calibration, PlanItem, Scenario, ScenarioRun, Treatment


class TreatmentViewSet(ScopedModelViewSet):
    """The treatment catalogue; ``reset`` copies the cited default values back."""

    queryset = Treatment.objects.all()
    serializer_class = TreatmentSerializer
    matrix_actions = {"reset": "change"}

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Treatment)
        return services.update_treatment(actor=user_of(self.request), treatment=obj, data=data)

    @extend_schema(request=None, responses=TreatmentSerializer)
    @action(detail=True, methods=["post"])
    def reset(self, request: Request, pk: str | None = None) -> Response:
        row = services.reset_treatment(actor=user_of(request), treatment=self.get_object())
        return Response(self.get_serializer(row).data)


class CalibrationViewSet(ScopedReadOnlyViewSet):
    """Fitted decay parameters with their goodness of fit; ``fit`` calibrates anew."""

    queryset = Calibration.objects.select_related("organisation")
    serializer_class = CalibrationSerializer
    filterset_class = CalibrationFilter
    matrix_actions = {"fit": "add", "activate": "change"}

    @extend_schema(request=FitSerializer, responses={201: CalibrationSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def fit(self, request: Request) -> Response:
        body = FitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user: Any = request.user
        organisation = body.validated_data.get("organisation") or user.organisation
        if organisation is None:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"organisation": ["Choose an organisation."]})
        if organisation != user.organisation and not user.is_superuser:
            raise PermissionDenied
        rows = services.fit_calibrations(actor=user, organisation=organisation)
        return Response(CalibrationSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CalibrationSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        row = services.set_calibration_active(
            actor=user_of(request), calibration=self.get_object(), active=True
        )
        return Response(CalibrationSerializer(row).data)


class ScenarioViewSet(ScopedModelViewSet):
    """Scenarios; ``run`` solves every budget level (inline: 200 with the summary; large
    scopes: 202 with the background job to poll at /jobs/<id>/status/)."""

    queryset = Scenario.objects.select_related("organisation").prefetch_related("runs")
    serializer_class = ScenarioSerializer
    filterset_class = ScenarioFilter
    matrix_actions = {"run": "change"}

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_scenario(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Scenario)
        return services.update_scenario(actor=user_of(self.request), scenario=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, Scenario)
        services.delete_scenario(actor=user_of(self.request), scenario=obj)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT, 202: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def run(self, request: Request, pk: str | None = None) -> Response:
        background = str(request.query_params.get("background", "")).lower() in ("1", "true")
        submitted = services.submit_run(
            actor=user_of(request), scenario=self.get_object(), background=background
        )
        if submitted.job is not None:
            return Response({"job": job_dict(submitted.job)}, status=status.HTTP_202_ACCEPTED)
        return Response({"summary": submitted.summary})


class ScenarioRunViewSet(ScopedReadOnlyViewSet):
    """One solved budget level: status, objective, gap, trajectories per year."""

    queryset = ScenarioRun.objects.all()
    serializer_class = RunSerializer
    filterset_fields = ["scenario"]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], url_path="unit-pqi")
    def unit_pqi(self, request: Request, pk: str | None = None) -> Response:
        """Predicted PQI per evaluation unit and year (end of year): ``{"units": [survey unit
        ids], "years", "now", "without": [[per year]], "with_plan": [[per year]]}``."""
        return Response(self.get_object().unit_pqi)


class PlanItemViewSet(ScopedReadOnlyViewSet):
    """Selected treatments with their explanation; ``approve`` turns items into draft
    works projects (managers; adjacent units merged; approving twice adds nothing)."""

    queryset = PlanItem.objects.select_related("route", "project")
    serializer_class = PlanItemSerializer
    filterset_class = PlanItemFilter
    matrix_actions = {"approve": "view"}

    @extend_schema(request=ApproveSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"])
    def approve(self, request: Request) -> Response:
        if not actors.may(request.user, "planning.approval", "change"):
            raise PermissionDenied
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        items = list(
            restrict(PlanItem.objects.all(), request.user).filter(
                pk__in=body.validated_data["items"]
            )
        )
        projects = services.approve_items(actor=user_of(request), items=items)
        return Response(
            {
                "approved": len(items),
                "projects": [{"id": p.pk, "code": p.code, "name": p.name} for p in projects],
            }
        )
