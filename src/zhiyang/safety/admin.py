"""Admin of the safety app (audited), for administrators."""

from __future__ import annotations

from django.contrib import admin

from zhiyang.core.admin import AuditedAdmin
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


@admin.register(WorkZone)
class WorkZoneAdmin(AuditedAdmin):
    list_display = ["name", "route", "direction", "work_start_m", "work_end_m", "status"]
    list_filter = ["status", "direction"]
    search_fields = ["name", "route__code"]
    readonly_fields = ["layout", "start_m", "end_m"]


class TemplateItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TemplateItem
    extra = 0


@admin.register(InspectionTemplate)
class InspectionTemplateAdmin(AuditedAdmin):
    list_display = ["name", "is_active"]
    inlines = [TemplateItemInline]


class InspectionResultInline(admin.TabularInline):  # type: ignore[type-arg]
    model = InspectionResult
    extra = 0
    fields = ["item", "result", "note", "photo"]
    readonly_fields = ["item"]


@admin.register(Inspection)
class InspectionAdmin(AuditedAdmin):
    list_display = ["template", "route", "planned_date", "status", "inspector"]
    list_filter = ["status"]
    inlines = [InspectionResultInline]


class HazardEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HazardEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "user", "at", "note"]
    can_delete = False


@admin.register(Hazard)
class HazardAdmin(AuditedAdmin):
    list_display = ["id", "route", "chainage_m", "level", "status", "deadline", "escalation_level"]
    list_filter = ["status", "level"]
    search_fields = ["description", "route__code"]
    inlines = [HazardEventInline]


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ["occurred_at", "route", "incident_type", "severity", "status"]
    list_filter = ["incident_type", "severity", "status"]
