"""Serializers of the patrol API. Chainages are metres (``K12+345`` accepted on input)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.core.api.fields import ScopedPrimaryKeyField, ScopedSlugField
from zhiyang.core.models import User
from zhiyang.fleet.models import Equipment
from zhiyang.network.api.serializers import ChainageField
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route
from zhiyang.patrol import services
from zhiyang.patrol.choices import Triage
from zhiyang.patrol.models import Finding, Patrol, PatrolPlan, RepairTask, TaskEvent
from zhiyang.people.models import Crew


def _username() -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="username", read_only=True)


class PlanSerializer(serializers.ModelSerializer[PatrolPlan]):
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    start_m = ChainageField()
    end_m = ChainageField()
    crew = ScopedPrimaryKeyField(queryset=Crew.objects.all(), required=False, allow_null=True)
    vehicle = ScopedPrimaryKeyField(
        queryset=Equipment.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = PatrolPlan
        fields = [
            "id", "name", "route", "district", "start_m", "end_m", "interval_days",
            "winter_interval_days", "rainy_interval_days", "crew", "vehicle", "starts_on",
            "active", "note",
        ]  # fmt: skip


class PatrolSerializer(serializers.ModelSerializer[Patrol]):
    """A finished patrol as the phone uploads it: ``track`` is ``[[lon, lat, unix_s], …]``
    (or its JSON text); ``covered_km`` and ``covered`` are computed from it."""

    plan = ScopedPrimaryKeyField(queryset=PatrolPlan.objects.all(), required=False, allow_null=True)
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all(), required=False)
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    vehicle = ScopedPrimaryKeyField(
        queryset=Equipment.objects.all(), required=False, allow_null=True
    )
    patroller = _username()
    track = serializers.JSONField(required=False)
    started_at = serializers.DateTimeField(required=False)
    ended_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Patrol
        fields = [
            "id", "client_uuid", "plan", "route", "district", "started_at", "ended_at",
            "patroller", "vehicle", "weather", "track", "covered", "covered_km", "start_m",
            "end_m", "note",
        ]  # fmt: skip
        read_only_fields = ["covered", "covered_km", "start_m", "end_m"]
        # A repeat of the same client id is answered by the service (200), not refused here.
        extra_kwargs: dict[str, Any] = {"client_uuid": {"validators": []}}


class FindingSerializer(serializers.ModelSerializer[Finding]):
    patrol = ScopedPrimaryKeyField(queryset=Patrol.objects.all(), required=False, allow_null=True)
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all(), required=False)
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    chainage_m = ChainageField(required=False)
    chainage = serializers.SerializerMethodField(help_text="Chainage as K12+345.")
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    reported_by = _username()
    triaged_by = _username()
    task: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = Finding
        fields = [
            "id", "client_uuid", "patrol", "patrol_uuid", "route", "district", "chainage_m",
            "chainage", "lon", "lat", "category", "kind", "severity", "urgent", "quantity",
            "unit", "photo", "note", "status", "reported_by", "reported_at", "triaged_by",
            "triaged_at", "triage_note", "distress", "hazard", "task",
        ]  # fmt: skip
        read_only_fields = ["status", "triaged_at", "triage_note", "distress", "hazard"]
        extra_kwargs: dict[str, Any] = {"client_uuid": {"validators": []}}

    def get_chainage(self, obj: Finding) -> str:
        return format_chainage(obj.chainage_m)


class TriageSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=Triage.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    crew = ScopedPrimaryKeyField(queryset=Crew.objects.all(), required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    work_item_code = serializers.CharField(required=False, allow_blank=True, default="")
    contract_ref = serializers.CharField(required=False, allow_blank=True, default="")


class TaskEventSerializer(serializers.ModelSerializer[TaskEvent]):
    user = _username()

    class Meta:
        model = TaskEvent
        fields = ["action", "user", "at", "note"]


class TaskSerializer(serializers.ModelSerializer[RepairTask]):
    """A repair task; ``deadline`` comes from the response-time rule (``response_*``: which
    rule, its hours, its source and whether it is confirmed)."""

    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    chainage_m = ChainageField()
    chainage = serializers.SerializerMethodField(help_text="Chainage as K12+345.")
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    crew = ScopedPrimaryKeyField(queryset=Crew.objects.all(), required=False, allow_null=True)
    machine = ScopedPrimaryKeyField(
        queryset=Equipment.objects.all(), required=False, allow_null=True
    )
    created_by = _username()
    repaired_by = _username()
    verified_by = _username()
    deadline = serializers.DateTimeField(required=False)
    overdue = serializers.SerializerMethodField()
    allowed_steps = serializers.SerializerMethodField()
    events = TaskEventSerializer(many=True, read_only=True)

    class Meta:
        model = RepairTask
        fields = [
            "id", "finding", "route", "district", "chainage_m", "chainage", "category", "kind",
            "description", "work_item_code", "contract_ref", "quantity_planned", "unit",
            "deadline", "response_rule", "response_hours", "response_source",
            "response_confirmed", "crew", "assignee", "status", "created_by", "created_at",
            "repaired_by", "repaired_at", "quantity_done", "materials", "machine",
            "photo_before", "photo_after", "repair_note", "verified_by", "verified_at",
            "verification_note", "rejections", "escalation_level", "overdue",
            "allowed_steps", "events",
        ]  # fmt: skip
        read_only_fields = [
            "finding", "response_rule", "response_hours", "response_source",
            "response_confirmed", "status", "created_at", "repaired_at", "quantity_done",
            "materials", "photo_before", "photo_after", "repair_note", "verified_at",
            "verification_note", "rejections", "escalation_level",
        ]  # fmt: skip

    def get_chainage(self, obj: RepairTask) -> str:
        return format_chainage(obj.chainage_m)

    def get_overdue(self, obj: RepairTask) -> bool:
        return obj.is_overdue()

    def get_allowed_steps(self, obj: RepairTask) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return [str(s) for s in services.allowed_steps(request.user, obj)]


class RepairSerializer(serializers.Serializer[Any]):
    quantity_done = serializers.FloatField(min_value=0)
    materials = serializers.CharField(required=False, allow_blank=True, default="")
    machine = ScopedPrimaryKeyField(
        queryset=Equipment.objects.all(), required=False, allow_null=True
    )
    photo_before = serializers.ImageField(required=False, allow_null=True)
    photo_after = serializers.ImageField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class VerifySerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")
