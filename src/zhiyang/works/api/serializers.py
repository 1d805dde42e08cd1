"""Serializers of the works API. Chainages are metres (``K12+345`` accepted on input)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from zhiyang.core.access import restrict
from zhiyang.core.api.fields import ScopedPrimaryKeyField, ScopedSlugField
from zhiyang.fleet.models import Equipment
from zhiyang.network.api.serializers import ChainageField
from zhiyang.network.models import Route
from zhiyang.people.models import Crew
from zhiyang.works import services
from zhiyang.works.choices import ProjectStatus
from zhiyang.works.models import DailyPhoto, DailyQuantity, DailyReport, Project, WorkOrder


class ProjectSerializer(serializers.ModelSerializer[Project]):
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    start_m = ChainageField()
    end_m = ChainageField()
    chainage = serializers.SerializerMethodField(help_text="K12+345–K15+000.")
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    work_orders: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "organisation",
            "route",
            "start_m",
            "end_m",
            "chainage",
            "treatment",
            "contract_value_yuan",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_finish",
            "status",
            "source",
            "contractor",
            "description",
            "approved_at",
            "closed_at",
            "created_at",
            "work_orders",
        ]
        read_only_fields = [
            "status",
            "actual_start",
            "actual_finish",
            "approved_at",
            "closed_at",
            "created_at",
        ]
        # The code is unique; the service checks it (and fills it in when blank).
        extra_kwargs: dict[str, Any] = {}

    def get_chainage(self, obj: Project) -> str:
        return obj.chainage_label()


class StatusSerializer(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.ChoiceField(choices=ProjectStatus.choices)


class WorkOrderSerializer(serializers.ModelSerializer[WorkOrder]):
    project = ScopedPrimaryKeyField(queryset=Project.objects.all())
    crew = ScopedPrimaryKeyField(queryset=Crew.objects.all(), required=False, allow_null=True)
    equipment = ScopedPrimaryKeyField(queryset=Equipment.objects.all(), many=True, required=False)
    start_m = ChainageField(required=False, allow_null=True)
    end_m = ChainageField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    completed_quantity = serializers.SerializerMethodField()
    close_blockers = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "project",
            "process",
            "title",
            "sequence",
            "start_m",
            "end_m",
            "planned_quantity",
            "unit",
            "unit_cost_yuan",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_finish",
            "crew",
            "equipment",
            "status",
            "note",
            "completed_quantity",
            "closed_at",
            "close_blockers",
        ]
        read_only_fields = ["status", "actual_start", "actual_finish", "closed_at"]

    def get_completed_quantity(self, obj: WorkOrder) -> str:
        from django.db.models import Sum

        total = obj.daily_quantities.aggregate(total=Sum("quantity"))["total"]
        return str(total or 0)

    def get_close_blockers(self, obj: WorkOrder) -> list[str]:
        return services.close_blockers(obj)


class AssignSerializer(serializers.Serializer):  # type: ignore[type-arg]
    crew = ScopedPrimaryKeyField(queryset=Crew.objects.all(), required=False, allow_null=True)
    equipment = ScopedPrimaryKeyField(queryset=Equipment.objects.all(), many=True, required=False)


class WorkOrderStepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    date = serializers.DateField(required=False, allow_null=True)


class DailyQuantitySerializer(serializers.ModelSerializer[DailyQuantity]):
    work_order = serializers.IntegerField(source="work_order_id")
    work_order_title = serializers.CharField(source="work_order.title", read_only=True)
    unit = serializers.CharField(source="work_order.unit", read_only=True)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    cost_yuan = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )

    class Meta:
        model = DailyQuantity
        fields = ["work_order", "work_order_title", "unit", "quantity", "cost_yuan", "note"]


class DailyPhotoSerializer(serializers.ModelSerializer[DailyPhoto]):
    class Meta:
        model = DailyPhoto
        fields = ["id", "photo", "caption", "taken_at"]
        read_only_fields = fields


class DailyReportSerializer(serializers.ModelSerializer[DailyReport]):
    project = ScopedPrimaryKeyField(queryset=Project.objects.all())
    crew = serializers.PrimaryKeyRelatedField(
        queryset=Crew.objects.all(), required=False, allow_null=True
    )
    machines = ScopedPrimaryKeyField(queryset=Equipment.objects.all(), many=True, required=False)
    quantities = DailyQuantitySerializer(many=True, required=False)
    photos = DailyPhotoSerializer(many=True, read_only=True)
    client_uuid = serializers.UUIDField(required=False, allow_null=True)
    submitted_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    approved_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    total_cost_yuan = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = DailyReport
        fields = [
            "id",
            "client_uuid",
            *services.REPORT_FIELDS,
            "quantities",
            "photos",
            "status",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "rejection_reason",
            "total_cost_yuan",
        ]
        read_only_fields = [
            "status",
            "submitted_at",
            "approved_at",
            "rejection_reason",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        crew = attrs.get("crew")
        project = attrs.get("project") or getattr(self.instance, "project", None)
        request = self.context.get("request")
        if crew is not None and request is not None and project is not None:
            visible = restrict(Crew.objects.filter(pk=crew.pk), request.user).exists()
            on_project = project.work_orders.filter(crew=crew).exists()
            if not (visible or on_project):
                raise serializers.ValidationError({"crew": [_("Choose a crew of this project.")]})
        return attrs


class DecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
