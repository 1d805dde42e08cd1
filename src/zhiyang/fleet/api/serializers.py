"""Serializers of the fleet API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from zhiyang.core.api.fields import ScopedPrimaryKeyField, ScopedSlugField
from zhiyang.core.models import Organisation
from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    FaultCode,
    ServiceInterval,
    ServiceRecord,
    TelematicsSnapshot,
    TelematicsSource,
)
from zhiyang.fleet.services import service_status
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route


class _OrganisationDefaultMixin(serializers.ModelSerializer):  # type: ignore[type-arg]
    """``organisation`` defaults to the user's own (scope is checked by the services)."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("organisation"):
            user = self.context["request"].user
            if user.organisation_id is None:
                raise serializers.ValidationError({"organisation": [_("Choose the organisation.")]})
            attrs["organisation"] = user.organisation
        return attrs


class EquipmentSerializer(_OrganisationDefaultMixin):
    equipment_type_label = serializers.CharField(
        source="get_equipment_type_display", read_only=True
    )

    class Meta:
        model = Equipment
        fields = [
            "id",
            "organisation",
            "code",
            "equipment_type",
            "equipment_type_label",
            "make",
            "model",
            "serial_number",
            "pin",
            "telematics_id",
            "plate",
            "ownership",
            "owner_name",
            "working_width_m",
            "year",
            "status",
            "notes",
            "created_from_telematics",
            "last_snapshot_at",
            "last_latitude",
            "last_longitude",
            "last_position_at",
            "last_operating_hours",
            "last_idle_hours",
            "last_fuel_used_l",
            "last_odometer_km",
        ]
        read_only_fields = [
            "created_from_telematics",
            "last_snapshot_at",
            "last_latitude",
            "last_longitude",
            "last_position_at",
            "last_operating_hours",
            "last_idle_hours",
            "last_fuel_used_l",
            "last_odometer_km",
        ]
        # The PIN's partial unique constraint is checked by the model's full_clean.
        validators: list[Any] = []


class SnapshotSerializer(serializers.ModelSerializer[TelematicsSnapshot]):
    class Meta:
        model = TelematicsSnapshot
        fields = [
            "id",
            "equipment",
            "source_key",
            "snapshot_at",
            "latitude",
            "longitude",
            "altitude_m",
            "location_at",
            "operating_hours",
            "idle_hours",
            "fuel_used_l",
            "fuel_used_24h_l",
            "fuel_remaining_pct",
            "odometer_km",
            "engine_running",
            "fuel_unit",
            "distance_unit",
            "imported_in",
        ]
        read_only_fields = fields


class FaultCodeSerializer(serializers.ModelSerializer[FaultCode]):
    class Meta:
        model = FaultCode
        fields = [
            "id",
            "equipment",
            "identifier",
            "description",
            "severity",
            "source",
            "occurred_at",
            "snapshot",
        ]
        read_only_fields = fields


class ServiceIntervalSerializer(serializers.ModelSerializer[ServiceInterval]):
    equipment = ScopedPrimaryKeyField(queryset=Equipment.objects.all())
    state = serializers.SerializerMethodField()
    due_at_hours = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()

    class Meta:
        model = ServiceInterval
        fields = [
            "id",
            "equipment",
            "name",
            "every_hours",
            "every_days",
            "last_service_hours",
            "last_service_date",
            "due_fraction",
            "due_days",
            "active",
            "state",
            "due_at_hours",
            "due_on",
        ]

    def get_state(self, obj: ServiceInterval) -> str:
        return service_status(obj).state

    def get_due_at_hours(self, obj: ServiceInterval) -> float | None:
        return service_status(obj).due_at_hours

    def get_due_on(self, obj: ServiceInterval) -> str | None:
        due = service_status(obj).due_on
        return due.isoformat() if due else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        merged = {
            "every_hours": getattr(self.instance, "every_hours", None),
            "every_days": getattr(self.instance, "every_days", None),
            **attrs,
        }
        if merged["every_hours"] is None and merged["every_days"] is None:
            raise serializers.ValidationError(
                {"every_hours": [_("Give an interval in engine hours, in days, or both.")]}
            )
        if merged["every_hours"] is not None and merged["every_hours"] <= 0:
            raise serializers.ValidationError({"every_hours": [_("Must be positive.")]})
        return attrs


class ServiceRecordSerializer(serializers.ModelSerializer[ServiceRecord]):
    equipment = ScopedPrimaryKeyField(queryset=Equipment.objects.all())

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "equipment",
            "interval",
            "description",
            "hours",
            "date",
            "cost_cny",
            "notes",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        interval = attrs.get("interval")
        equipment = attrs.get("equipment") or getattr(self.instance, "equipment", None)
        if interval is not None and equipment is not None and interval.equipment_id != equipment.pk:
            raise serializers.ValidationError(
                {"interval": [_("This interval belongs to another machine.")]}
            )
        return attrs


class AssignmentSerializer(serializers.ModelSerializer[EquipmentAssignment]):
    equipment = ScopedPrimaryKeyField(queryset=Equipment.objects.all())
    route = ScopedSlugField(
        slug_field="code", queryset=Route.objects.all(), required=False, allow_null=True
    )
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    days = serializers.IntegerField(read_only=True)

    class Meta:
        model = EquipmentAssignment
        fields = [
            "id",
            "equipment",
            "start_date",
            "end_date",
            "days",
            "site",
            "route",
            "start_m",
            "end_m",
            "start",
            "end",
        ]

    def get_start(self, obj: EquipmentAssignment) -> str | None:
        return format_chainage(obj.start_m) if obj.start_m is not None else None

    def get_end(self, obj: EquipmentAssignment) -> str | None:
        return format_chainage(obj.end_m) if obj.end_m is not None else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": [_("The end is before the start.")]})
        return attrs


class SourceSerializer(_OrganisationDefaultMixin):
    """A telematics endpoint; ``auth_value`` is write-only and never returned."""

    auth_value = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text="Auth header value (e.g. 'Bearer …'); stored encrypted, never returned. "
        "Omit to keep the stored value, send '' to clear it.",
    )
    has_auth = serializers.BooleanField(read_only=True)

    class Meta:
        model = TelematicsSource
        fields = [
            "id",
            "organisation",
            "name",
            "base_url",
            "auth_header_name",
            "auth_value",
            "has_auth",
            "format",
            "page_size",
            "min_interval_s",
            "timeout_s",
            "max_pages",
            "create_unknown",
            "active",
            "last_polled_at",
            "last_success_at",
            "last_error",
        ]
        read_only_fields = ["last_polled_at", "last_success_at", "last_error"]
        validators: list[Any] = []

    def validate_page_size(self, value: int) -> int:
        if not 1 <= value <= 100:
            raise serializers.ValidationError(_("Between 1 and 100 (ISO 15143-3 pages)."))
        return value


class TelematicsImportRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text="ISO 15143-3 fleet snapshot, XML or JSON.")
    create_unknown = serializers.BooleanField(required=False, default=False)
    organisation = serializers.IntegerField(
        required=False, help_text="Organisation of created machines (default: yours)."
    )


class TelematicsImportResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    import_id = serializers.IntegerField(allow_null=True)
    pages = serializers.IntegerField()
    machines = serializers.IntegerField()
    snapshots_created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    faults_created = serializers.IntegerField()
    machines_created = serializers.IntegerField()
    unknown = serializers.ListField(child=serializers.DictField())
    warnings = serializers.ListField(child=serializers.CharField())
