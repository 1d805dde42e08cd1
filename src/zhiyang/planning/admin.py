"""Admin site: the catalogue (audited edits), calibrations and scenarios (read mostly)."""

from django.contrib import admin

from zhiyang.core.admin import AuditedAdmin
from zhiyang.planning.models import Calibration, PlanItem, Scenario, Treatment


@admin.register(Treatment)
class TreatmentAdmin(AuditedAdmin):
    list_display = [
        "code",
        "category",
        "unit_cost_yuan_per_m2",
        "min_index",
        "max_index",
        "active",
        "confirmed",
    ]
    list_filter = ["category", "active", "confirmed"]


@admin.register(Calibration)
class CalibrationAdmin(AuditedAdmin):
    list_display = [
        "organisation",
        "index",
        "pavement",
        "road_class_group",
        "alpha",
        "beta",
        "r2",
        "rmse",
        "n",
        "active",
    ]
    list_filter = ["active", "pavement", "road_class_group"]


@admin.register(Scenario)
class ScenarioAdmin(AuditedAdmin):
    list_display = ["name", "organisation", "first_year", "horizon_years", "status", "created_at"]
    list_filter = ["status", "objective", "method"]
    search_fields = ["name"]


@admin.register(PlanItem)
class PlanItemAdmin(AuditedAdmin):
    list_display = [
        "run",
        "route",
        "start_m",
        "end_m",
        "treatment",
        "year",
        "cost_yuan",
        "approved",
    ]
    list_filter = ["approved", "treatment", "year"]
    readonly_fields = ["explanation"]
