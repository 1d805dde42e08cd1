"""Admin of the telemetry devices and dead letters (read-mostly: writes go through services)."""

from __future__ import annotations

from django.contrib import admin

from zhiyang.telemetry.models import DeadLetter, Device


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "equipment", "machine_type", "active", "token_hint", "token_issued_at"]
    list_filter = ["machine_type", "active"]
    search_fields = ["code", "equipment__code"]
    readonly_fields = ["token_hint", "token_issued_at", "created_at"]
    exclude = ["token_hash", "mqtt_password_hash"]


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["received_at", "device_code", "transport", "code"]
    list_filter = ["transport", "code"]
    search_fields = ["device_code", "reason"]
    readonly_fields = [f.name for f in DeadLetter._meta.fields]
