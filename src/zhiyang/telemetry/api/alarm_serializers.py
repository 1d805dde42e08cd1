"""Serializers of the alarm API: alarms, paving setups, live device states."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.core.api.fields import ScopedPrimaryKeyField
from zhiyang.telemetry.alarms import rule_label
from zhiyang.telemetry.models import Alarm, DeviceState, PavingSetup
from zhiyang.telemetry.rules import validate_overrides, validate_roller_phases
from zhiyang.works.models import Project


class AlarmSerializer(serializers.ModelSerializer[Alarm]):
    rule_label = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField()
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    equipment_code = serializers.CharField(source="equipment.code", read_only=True)
    device_code = serializers.CharField(source="device.code", read_only=True)

    class Meta:
        model = Alarm
        fields = [
            "id",
            "device",
            "device_code",
            "equipment",
            "equipment_code",
            "project",
            "rule",
            "rule_label",
            "message",
            "severity",
            "severity_label",
            "status",
            "status_label",
            "value",
            "limit",
            "unit",
            "params",
            "started_at",
            "raised_at",
            "last_seen_at",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "auto_resolved",
            "notified_roles",
            "changed_at",
        ]
        read_only_fields = fields

    def get_rule_label(self, alarm: Alarm) -> str:
        return rule_label(alarm.rule)

    def get_message(self, alarm: Alarm) -> str:
        return alarm.message()


class PavingSetupSerializer(serializers.ModelSerializer[PavingSetup]):
    project = ScopedPrimaryKeyField(queryset=Project.objects.all())
    modified = serializers.BooleanField(read_only=True)

    class Meta:
        model = PavingSetup
        fields = [
            "id",
            "project",
            "binder_grade",
            "modified",
            "season",
            "mix_type",
            "design_thickness_mm",
            "tolerance_mm",
            "roller_phases",
            "max_gap_m",
            "max_gap_s",
            "paver_stop_s",
            "target_passes",
            "spray_base",
            "spray_product",
            "debounce_s",
            "overrides",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def validate_overrides(self, value: Any) -> Any:
        problem = validate_overrides(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_roller_phases(self, value: Any) -> Any:
        problem = validate_roller_phases(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class DeviceStateSerializer(serializers.ModelSerializer[DeviceState]):
    device_code = serializers.CharField(source="device.code", read_only=True)
    equipment = serializers.IntegerField(source="device.equipment_id", read_only=True)
    equipment_code = serializers.CharField(source="device.equipment.code", read_only=True)
    machine_type = serializers.CharField(source="device.machine_type", read_only=True)

    class Meta:
        model = DeviceState
        fields = [
            "device",
            "device_code",
            "equipment",
            "equipment_code",
            "machine_type",
            "project",
            "seq",
            "measured_at",
            "latitude",
            "longitude",
            "values",
            "readings",
            "updated_at",
        ]
        read_only_fields = fields
