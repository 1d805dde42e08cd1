"""Admin of the assets app (audited), for administrators."""

from __future__ import annotations

from django.contrib import admin

from zhiyang.assets.models import Asset, AssetType, Damage, Inspection
from zhiyang.core.admin import AuditedAdmin


@admin.register(AssetType)
class AssetTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "geometry", "version", "is_active"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["version"]


@admin.register(Asset)
class AssetAdmin(AuditedAdmin):
    list_display = ["code", "asset_type", "route", "start_m", "end_m", "condition_class", "status"]
    list_filter = ["asset_type", "status", "condition_class"]
    search_fields = ["code", "name", "route__code"]
    readonly_fields = ["condition_class", "condition_on"]


class DamageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Damage
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(AuditedAdmin):
    list_display = ["route", "chainage_m", "asset", "kind", "inspected_on", "technical_class"]
    list_filter = ["kind", "technical_class", "source"]
    inlines = [DamageInline]
