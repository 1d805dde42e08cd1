"""The alarm API: alarms (read, acknowledge, resolve), paving setups (CRUD) and the live
device states. Rows are restricted to the user's scope; another organisation's is a 404."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.core.actors import user_of
from zhiyang.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from zhiyang.telemetry import alarms as services
from zhiyang.telemetry.api.alarm_serializers import (
    AlarmSerializer,
    DeviceStateSerializer,
    PavingSetupSerializer,
)
from zhiyang.telemetry.filters import AlarmFilter
from zhiyang.telemetry.models import Alarm, DeviceState, PavingSetup


class AlarmViewSet(ScopedReadOnlyViewSet):
    """Alarms raised by the live rules; ``acknowledge`` and ``resolve`` are audited."""

    queryset = Alarm.objects.select_related("equipment", "device").order_by("-raised_at", "-id")
    serializer_class = AlarmSerializer
    filterset_class = AlarmFilter
    ordering_fields = ["raised_at", "changed_at", "severity"]
    matrix_actions = {"acknowledge": "change", "resolve": "change"}

    @extend_schema(request=None, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        alarm = services.acknowledge_alarm(actor=user_of(request), alarm=self.get_object())
        return Response(self.get_serializer(alarm).data)

    @extend_schema(request=None, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        alarm = services.resolve_alarm(actor=user_of(request), alarm=self.get_object())
        return Response(self.get_serializer(alarm).data)


class PavingSetupViewSet(ScopedModelViewSet):
    """Per-project paving setups: what the live rules compare readings with."""

    queryset = PavingSetup.objects.select_related("project")
    serializer_class = PavingSetupSerializer
    filterset_fields = ["project"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.save_setup(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, PavingSetup)
        return services.save_setup(actor=user_of(self.request), data=data, setup=obj)


class DeviceStateViewSet(ScopedReadOnlyViewSet):
    """The latest reading of each device in scope (what the live page shows)."""

    queryset = DeviceState.objects.select_related("device__equipment").order_by("device_id")
    serializer_class = DeviceStateSerializer
    filterset_fields = ["project", "device"]
    ordering_fields = ["updated_at", "measured_at"]
