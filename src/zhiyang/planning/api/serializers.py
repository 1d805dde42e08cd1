"""Serializers of the planning API (money in yuan, chainage in metres)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.core.models import Organisation
from zhiyang.network.chainage import format_chainage
from zhiyang.network.choices import Pavement, TechClass
from zhiyang.planning import catalogue
from zhiyang.planning.models import Calibration, PlanItem, Scenario, ScenarioRun, Treatment


class TreatmentSerializer(serializers.ModelSerializer[Treatment]):
    road_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=TechClass.choices), required=False
    )
    pavements = serializers.ListField(
        child=serializers.ChoiceField(choices=Pavement.choices), required=False
    )

    class Meta:
        model = Treatment
        fields = [
            "id",
            "code",
            *catalogue.EDITABLE_FIELDS,
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class CalibrationSerializer(serializers.ModelSerializer[Calibration]):
    organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Calibration
        fields = [
            "id",
            "organisation",
            "index",
            "pavement",
            "road_class_group",
            "alpha",
            "beta",
            "r2",
            "rmse",
            "n",
            "default_alpha",
            "default_beta",
            "default_rmse",
            "years",
            "fitted_at",
            "active",
        ]
        read_only_fields = fields


class FitSerializer(serializers.Serializer[Any]):
    organisation = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Organisation code (default: yours).",
    )


class RunSerializer(serializers.ModelSerializer[ScenarioRun]):
    class Meta:
        model = ScenarioRun
        fields = [
            "id",
            "scenario",
            "budget_pct",
            "budget_per_year_yuan",
            "status",
            "objective",
            "gap",
            "seconds",
            "spend_yuan",
            "benefit",
            "trajectory",
            "message",
        ]
        read_only_fields = fields


class ScenarioSerializer(serializers.ModelSerializer[Scenario]):
    organisation = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False
    )
    budget_levels_pct = serializers.ListField(
        child=serializers.FloatField(min_value=0.0, max_value=1000.0),
        min_length=1,
        max_length=8,
    )
    runs = RunSerializer(many=True, read_only=True)

    class Meta:
        model = Scenario
        fields = [
            "id",
            "organisation",
            "name",
            "first_year",
            "horizon_years",
            "base_budget_yuan",
            "budget_levels_pct",
            "objective",
            "target_good_pct",
            "method",
            "note",
            "status",
            "message",
            "inputs",
            "solved_at",
            "created_at",
            "runs",
        ]
        read_only_fields = ["status", "message", "inputs", "solved_at", "created_at", "runs"]


class PlanItemSerializer(serializers.ModelSerializer[PlanItem]):
    route: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    chainage = serializers.SerializerMethodField(help_text="K12+345–K13+345")
    project_code = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "run",
            "unit",
            "route",
            "direction",
            "start_m",
            "end_m",
            "chainage",
            "width_m",
            "treatment",
            "year",
            "cost_yuan",
            "benefit",
            "pqi_now",
            "pqi_before",
            "pqi_after",
            "explanation",
            "approved",
            "approved_at",
            "project",
            "project_code",
        ]
        read_only_fields = fields

    def get_chainage(self, obj: PlanItem) -> str:
        return f"{format_chainage(obj.start_m)}–{format_chainage(obj.end_m)}"

    def get_project_code(self, obj: PlanItem) -> str | None:
        return obj.project.code if obj.project_id and obj.project else None


class ApproveSerializer(serializers.Serializer[Any]):
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=5000,
    )
