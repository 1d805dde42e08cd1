"""Serializers of the telemetry device API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.core.api.fields import ScopedPrimaryKeyField
from zhiyang.fleet.models import Equipment
from zhiyang.telemetry.broker import topic_for
from zhiyang.telemetry.models import DeadLetter, Device


class DeviceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    equipment = ScopedPrimaryKeyField(queryset=Equipment.objects.all())
    equipment_code = serializers.CharField(source="equipment.code", read_only=True)
    machine_type_label = serializers.CharField(source="get_machine_type_display", read_only=True)
    topic = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "id",
            "code",
            "equipment",
            "equipment_code",
            "machine_type",
            "machine_type_label",
            "active",
            "token_hint",
            "token_issued_at",
            "created_at",
            "topic",
            "state",
        ]
        read_only_fields = ["machine_type", "token_hint", "token_issued_at", "created_at"]

    def get_topic(self, obj: Device) -> str:
        return topic_for(obj.code)

    def get_state(self, obj: Device) -> dict[str, Any] | None:
        state = getattr(obj, "state", None)
        if state is None:
            return None
        return {
            "seq": state.seq,
            "measured_at": state.measured_at.isoformat(),
            "latitude": state.latitude,
            "longitude": state.longitude,
            "readings": state.readings,
            "values": state.values,
        }


class DeviceUpdateSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Device
        fields = ["active"]


class TokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    device = serializers.CharField()
    token = serializers.CharField()
    topic = serializers.CharField()


class DeadLetterSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = DeadLetter
        fields = [
            "id",
            "received_at",
            "device",
            "device_code",
            "transport",
            "code",
            "reason",
            "payload",
        ]
        read_only_fields = fields


class IngestResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())
