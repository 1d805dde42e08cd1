"""Admin site: overrides are read here; they are written on the standard's page or through
the API, where they are validated by the standard's engine."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhiyang.core.admin import AuditedAdmin
from zhiyang.standards.models import ParameterOverride


@admin.register(ParameterOverride)
class ParameterOverrideAdmin(AuditedAdmin):
    list_display = ["standard", "organisation", "active", "created_by", "created_at"]
    list_filter = ["standard", "active"]
    search_fields = ["standard", "reason"]
    readonly_fields = [
        "standard",
        "organisation",
        "overrides",
        "reason",
        "active",
        "created_by",
        "created_at",
        "updated_at",
    ]

    # Writing here would skip the engine's validation: read-only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
