"""Admin of condition data (audited, scoped), for administrators. Units are derived data:
read-only here (recompute them through the survey's ``rate`` action or command)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhiyang.condition.models import Distress, Survey, SurveyInterval, SurveyUnit
from zhiyang.core.admin import AuditedAdmin


@admin.register(Survey)
class SurveyAdmin(AuditedAdmin):
    list_display = ["route", "survey_date", "direction", "lane", "edition", "status", "vendor"]
    list_filter = ["status", "direction", "method", "edition"]
    search_fields = ["route__code", "vendor"]
    date_hierarchy = "survey_date"
    readonly_fields = ["approved_by", "approved_at", "rated_at", "created_by", "created_at"]


class _ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SurveyInterval)
class SurveyIntervalAdmin(_ReadOnlyAdmin):
    list_display = ["survey", "start_m", "end_m", "iri", "rd_mm", "sfc", "mpd"]
    list_select_related = ["survey__route"]


@admin.register(SurveyUnit)
class SurveyUnitAdmin(_ReadOnlyAdmin):
    list_display = ["survey", "district", "start_m", "end_m", "pqi", "grade_pqi", "mqi"]
    list_filter = ["grade_pqi", "road_class", "pavement"]
    list_select_related = ["survey__route", "district"]


@admin.register(Distress)
class DistressAdmin(AuditedAdmin):
    list_display = ["route", "start_m", "distress", "severity", "quantity", "unit", "source"]
    list_filter = ["source", "distress", "severity"]
    search_fields = ["route__code", "distress", "note"]
    readonly_fields = ["client_uuid", "reported_by", "reported_at"]
