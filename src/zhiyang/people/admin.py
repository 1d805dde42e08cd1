"""Django admin for the people app; audited and scoped through ``AuditedAdmin``."""

from __future__ import annotations

from django.contrib import admin

from zhiyang.core.admin import AuditedAdmin
from zhiyang.people.models import (
    Briefing,
    Certificate,
    CertificateAlert,
    CheckIn,
    Crew,
    TrainingRecord,
    Worker,
)


class CertificateInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Certificate
    extra = 0


class TrainingInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TrainingRecord
    extra = 0


@admin.register(Worker)
class WorkerAdmin(AuditedAdmin):
    list_display = ["name", "trade", "employer", "organisation", "active"]
    list_filter = ["trade", "active", "organisation"]
    search_fields = ["name", "phone", "employer"]
    raw_id_fields = ["user"]
    inlines = [CertificateInline, TrainingInline]


@admin.register(Certificate)
class CertificateAdmin(AuditedAdmin):
    list_display = ["worker", "cert_type", "number", "valid_until"]
    list_filter = ["cert_type"]
    date_hierarchy = "valid_until"


@admin.register(CertificateAlert)
class CertificateAlertAdmin(AuditedAdmin):
    list_display = ["date", "certificate", "level", "days_left"]
    list_filter = ["level"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(AuditedAdmin):
    list_display = ["worker", "level", "date", "hours", "topic"]
    list_filter = ["level"]


@admin.register(Crew)
class CrewAdmin(AuditedAdmin):
    list_display = ["name", "leader", "organisation"]
    filter_horizontal = ["members"]


@admin.register(CheckIn)
class CheckInAdmin(AuditedAdmin):
    list_display = ["date", "worker", "work_zone", "inside_geofence", "distance_m"]
    list_filter = ["inside_geofence", "date"]


@admin.register(Briefing)
class BriefingAdmin(AuditedAdmin):
    list_display = ["date", "crew", "topic", "given_by"]
    filter_horizontal = ["attendees"]
