"""Admin of the works app (audited), for administrators."""

from __future__ import annotations

from django.contrib import admin

from zhiyang.core.admin import AuditedAdmin
from zhiyang.works.models import DailyPhoto, DailyQuantity, DailyReport, Project, WorkOrder


class WorkOrderInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WorkOrder
    extra = 0
    fields = ["sequence", "process", "title", "planned_quantity", "unit", "status"]
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["code", "name", "route", "treatment", "status", "planned_start"]
    list_filter = ["status", "treatment", "source"]
    search_fields = ["code", "name", "route__code"]
    inlines = [WorkOrderInline]


@admin.register(WorkOrder)
class WorkOrderAdmin(AuditedAdmin):
    list_display = ["title", "project", "process", "status", "planned_start", "planned_end"]
    list_filter = ["status", "process"]
    search_fields = ["title", "project__code"]
    filter_horizontal = ["equipment"]


class DailyQuantityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DailyQuantity
    extra = 0


class DailyPhotoInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DailyPhoto
    extra = 0


@admin.register(DailyReport)
class DailyReportAdmin(AuditedAdmin):
    list_display = ["project", "date", "crew", "status", "submitted_by"]
    list_filter = ["status", "weather"]
    search_fields = ["project__code"]
    date_hierarchy = "date"
    inlines = [DailyQuantityInline, DailyPhotoInline]
