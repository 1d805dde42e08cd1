"""Serializers of the safety API. Chainages are metres (``K12+345`` accepted on input)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from zhiyang.core.api.fields import ScopedPrimaryKeyField, ScopedSlugField
from zhiyang.core.models import User
from zhiyang.network.api.serializers import ChainageField
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route
from zhiyang.safety import services
from zhiyang.safety.choices import CauseCategory, ClosedLane, HazardLevel
from zhiyang.safety.models import (
    Hazard,
    HazardEvent,
    Incident,
    Inspection,
    InspectionResult,
    InspectionTemplate,
    TemplateItem,
    WorkZone,
)


class WorkZoneSerializer(serializers.ModelSerializer[WorkZone]):
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    work_start_m = ChainageField()
    work_end_m = ChainageField()
    work_start = serializers.SerializerMethodField(help_text="Work-area start as K12+345.")
    work_end = serializers.SerializerMethodField(help_text="Work-area end as K12+345.")
    normal_speed_kmh = serializers.IntegerField(min_value=20, max_value=120, required=False)

    class Meta:
        model = WorkZone
        fields = [
            "id",
            "name",
            "route",
            "district",
            "direction",
            "work_start_m",
            "work_end_m",
            "work_start",
            "work_end",
            "start_m",
            "end_m",
            "closed_lane",
            "closed_lanes",
            "lane_width_m",
            "carriageway_width_m",
            "normal_speed_kmh",
            "speed_limit_kmh",
            "downgrade_pct",
            "planned_start",
            "planned_end",
            "status",
            "geofence_margin_m",
            "note",
            "layout",
            "created_at",
        ]
        read_only_fields = ["start_m", "end_m", "layout", "created_at"]

    def get_work_start(self, obj: WorkZone) -> str:
        return format_chainage(obj.work_start_m)

    def get_work_end(self, obj: WorkZone) -> str:
        return format_chainage(obj.work_end_m)


class DesignSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Inputs of ``POST workzones/design/`` (the kernel only; nothing is written)."""

    speed_limit_kmh = serializers.FloatField(min_value=1, max_value=200)
    downgrade_pct = serializers.FloatField(min_value=0, max_value=30, default=0.0)
    work_length_m = serializers.FloatField(min_value=0.1, max_value=100_000)
    normal_speed_kmh = serializers.FloatField(
        min_value=1, max_value=200, required=False, allow_null=True
    )
    lane_width_m = serializers.FloatField(min_value=2.0, max_value=5.0, default=3.75)
    closed_lanes = serializers.IntegerField(min_value=1, max_value=6, default=1)
    closed_lane = serializers.ChoiceField(choices=ClosedLane.choices, default=ClosedLane.OUTER)


class TemplateItemSerializer(serializers.ModelSerializer[TemplateItem]):
    class Meta:
        model = TemplateItem
        fields = ["id", "order", "text", "guidance"]
        read_only_fields = ["id", "order"]


class InspectionTemplateSerializer(serializers.ModelSerializer[InspectionTemplate]):
    items = TemplateItemSerializer(many=True, read_only=True)
    item_texts = serializers.ListField(
        child=serializers.CharField(max_length=300),
        write_only=True,
        required=False,
        min_length=1,
        max_length=200,
        help_text="On create: the checks, in order.",
    )

    class Meta:
        model = InspectionTemplate
        fields = ["id", "name", "description", "is_active", "items", "item_texts"]


class InspectionResultSerializer(serializers.ModelSerializer[InspectionResult]):
    item_text = serializers.CharField(source="item.text", read_only=True)
    hazard = serializers.SerializerMethodField()

    class Meta:
        model = InspectionResult
        fields = ["id", "item", "item_text", "result", "note", "photo", "hazard"]
        read_only_fields = fields

    def get_hazard(self, obj: InspectionResult) -> int | None:
        hazard = obj.hazards.first()
        return hazard.pk if hazard else None


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all(), required=False)
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    template = serializers.PrimaryKeyRelatedField(
        queryset=InspectionTemplate.objects.filter(is_active=True)
    )
    work_zone = ScopedPrimaryKeyField(
        queryset=WorkZone.objects.all(), required=False, allow_null=True
    )
    chainage_m = ChainageField(required=False, allow_null=True)
    inspector: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    results = InspectionResultSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "template",
            "route",
            "district",
            "work_zone",
            "chainage_m",
            "planned_date",
            "done_at",
            "status",
            "inspector",
            "note",
            "results",
        ]
        read_only_fields = ["done_at", "status"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("route") and not attrs.get("work_zone"):
            raise serializers.ValidationError({"route": [_("Choose a route or a work zone.")]})
        return attrs


class ResultEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    item = serializers.IntegerField()
    result = serializers.ChoiceField(choices=["pass", "fail", "na"])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RecordInspectionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = ResultEntrySerializer(many=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RaiseHazardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    item = serializers.IntegerField(help_text="The template item that failed.")
    level = serializers.ChoiceField(choices=HazardLevel.choices, required=False)


class HazardEventSerializer(serializers.ModelSerializer[HazardEvent]):
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = HazardEvent
        fields = ["action", "from_status", "to_status", "user", "at", "note"]
        read_only_fields = fields


class HazardSerializer(serializers.ModelSerializer[Hazard]):
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all(), required=False)
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    chainage_m = ChainageField(required=False)
    chainage = serializers.SerializerMethodField(help_text="Chainage as K12+345.")
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    reported_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    assignee: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    verified_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    overdue = serializers.SerializerMethodField()
    allowed_steps = serializers.SerializerMethodField()
    events = HazardEventSerializer(many=True, read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "client_uuid",
            "route",
            "district",
            "chainage_m",
            "chainage",
            "lon",
            "lat",
            "work_zone",
            "description",
            "level",
            "photo",
            "status",
            "reported_by",
            "reported_at",
            "assignee",
            "deadline",
            "assigned_at",
            "rectification_note",
            "rectification_photo",
            "rectified_at",
            "verified_by",
            "verified_at",
            "verification_note",
            "rejections",
            "closed_at",
            "escalation_level",
            "escalated_on",
            "overdue",
            "allowed_steps",
            "events",
        ]
        read_only_fields = [
            "work_zone",
            "status",
            "reported_at",
            "deadline",
            "assigned_at",
            "rectification_note",
            "rectification_photo",
            "rectified_at",
            "verified_at",
            "verification_note",
            "rejections",
            "closed_at",
            "escalation_level",
            "escalated_on",
        ]
        extra_kwargs: dict[str, Any] = {"client_uuid": {"validators": []}}

    def get_chainage(self, obj: Hazard) -> str:
        return format_chainage(obj.chainage_m)

    def get_overdue(self, obj: Hazard) -> bool:
        return obj.is_overdue()

    def get_allowed_steps(self, obj: Hazard) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return services.allowed_steps(request.user, obj)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None:
            has_gps = attrs.get("lon") is not None and attrs.get("lat") is not None
            has_chainage = attrs.get("route") is not None and attrs.get("chainage_m") is not None
            if not (has_gps or has_chainage):
                raise serializers.ValidationError(
                    {"lon": [_("Give the GPS position, or the route and chainage.")]}
                )
        return attrs


class HazardStepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Body of a step: ``assign`` needs ``assignee`` (username) and ``deadline``;
    ``rectify`` and ``reject`` need a ``note``; ``rectify`` may attach a ``photo``."""

    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False
    )
    deadline = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    photo = serializers.ImageField(required=False)


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    chainage_m = ChainageField(required=False, allow_null=True)
    work_zone = ScopedPrimaryKeyField(
        queryset=WorkZone.objects.all(), required=False, allow_null=True
    )
    cause_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=CauseCategory.choices),
        required=False,
        max_length=5,
    )
    reported_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "route",
            "district",
            "chainage_m",
            "location",
            "work_zone",
            "occurred_at",
            "incident_type",
            "severity",
            "injuries",
            "fatalities",
            "description",
            "direct_causes",
            "root_causes",
            "cause_categories",
            "corrective_actions",
            "status",
            "reported_by",
            "created_at",
        ]
        read_only_fields = ["created_at"]
