"""Django admin for the fleet; saves and deletes are audited and scoped (AuditedAdmin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhiyang.core.actors import user_of
from zhiyang.core.admin import AuditedAdmin
from zhiyang.fleet import services
from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    FaultCode,
    ServiceInterval,
    ServiceRecord,
    TelematicsImport,
    TelematicsSnapshot,
    TelematicsSource,
)


@admin.register(Equipment)
class EquipmentAdmin(AuditedAdmin):
    list_display = ["code", "equipment_type", "make", "model", "plate", "status", "organisation"]
    list_filter = ["equipment_type", "status", "ownership", "organisation"]
    search_fields = ["code", "make", "model", "serial_number", "pin", "plate"]
    readonly_fields = [
        "last_snapshot_at",
        "last_latitude",
        "last_longitude",
        "last_position_at",
        "last_operating_hours",
        "last_idle_hours",
        "last_fuel_used_l",
        "last_odometer_km",
    ]


class SourceAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    base_url = forms.URLField(label=_("fleet URL"), max_length=500, assume_scheme="https")
    auth_value = forms.CharField(
        label=_("auth header value"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; leave empty to keep the current value."),
    )

    class Meta:
        model = TelematicsSource
        fields = [
            "organisation",
            "name",
            "base_url",
            "auth_header_name",
            "format",
            "page_size",
            "min_interval_s",
            "timeout_s",
            "max_pages",
            "create_unknown",
            "active",
        ]


@admin.register(TelematicsSource)
class TelematicsSourceAdmin(AuditedAdmin):
    form = SourceAdminForm
    list_display = ["name", "base_url", "active", "last_polled_at", "last_error"]
    readonly_fields = ["last_polled_at", "last_success_at", "last_error"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Through the service: encrypted value, redacted audit row.
        auth = form.cleaned_data.get("auth_value") or None
        data = {k: v for k, v in form.cleaned_data.items() if k != "auth_value"}
        source = obj if change else None
        saved = services.save_source(
            actor=user_of(request), data=data, source=source, auth_value=auth
        )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no many-to-many fields; the service wrote the audit row

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_source(actor=user_of(request), source=obj)


@admin.register(TelematicsSnapshot)
class TelematicsSnapshotAdmin(AuditedAdmin):
    list_display = ["equipment", "snapshot_at", "operating_hours", "fuel_used_l", "source_key"]
    list_filter = ["source_key"]
    date_hierarchy = "snapshot_at"


@admin.register(TelematicsImport)
class TelematicsImportAdmin(AuditedAdmin):
    list_display = ["imported_at", "origin", "filename", "snapshots_created", "duplicates"]


@admin.register(FaultCode)
class FaultCodeAdmin(AuditedAdmin):
    list_display = ["equipment", "identifier", "severity", "occurred_at"]


@admin.register(ServiceInterval)
class ServiceIntervalAdmin(AuditedAdmin):
    list_display = ["equipment", "name", "every_hours", "every_days", "last_service_date"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(AuditedAdmin):
    list_display = ["equipment", "date", "description", "hours", "cost_cny"]


@admin.register(EquipmentAssignment)
class EquipmentAssignmentAdmin(AuditedAdmin):
    list_display = ["equipment", "start_date", "end_date", "site", "route"]
