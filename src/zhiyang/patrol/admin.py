"""Admin of the patrol app (audited), for administrators."""

from __future__ import annotations

from django.contrib import admin

from zhiyang.core.admin import AuditedAdmin
from zhiyang.patrol.models import Finding, Patrol, PatrolPlan, RepairTask


@admin.register(PatrolPlan)
class PatrolPlanAdmin(AuditedAdmin):
    list_display = ["name", "route", "start_m", "end_m", "interval_days", "active"]
    list_filter = ["active"]


@admin.register(Patrol)
class PatrolAdmin(AuditedAdmin):
    list_display = ["route", "started_at", "patroller", "covered_km"]
    readonly_fields = ["track", "covered", "covered_km"]


@admin.register(Finding)
class FindingAdmin(AuditedAdmin):
    list_display = ["route", "chainage_m", "category", "kind", "severity", "status"]
    list_filter = ["status", "category"]


@admin.register(RepairTask)
class RepairTaskAdmin(AuditedAdmin):
    list_display = ["route", "chainage_m", "kind", "deadline", "status", "escalation_level"]
    list_filter = ["status", "category"]
