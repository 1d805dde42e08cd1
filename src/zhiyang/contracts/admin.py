from django.contrib import admin

from zhiyang.contracts import models
from zhiyang.core.admin import AuditedAdmin


@admin.register(models.Contract)
class ContractAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "status", "start_date", "end_date", "value_yuan")
    search_fields = ("code", "name", "owner_name")


@admin.register(models.BoqItem)
class BoqItemAdmin(AuditedAdmin):
    list_display = ("contract", "code", "name", "unit", "quantity", "unit_price_yuan")
    list_filter = ("contract",)
    search_fields = ("code", "name")


@admin.register(models.MeasurementPeriod)
class PeriodAdmin(AuditedAdmin):
    list_display = ("contract", "number", "month", "status")


@admin.register(models.Variation)
class VariationAdmin(AuditedAdmin):
    list_display = ("contract", "code", "title", "status", "boq_version")


@admin.register(models.AssessmentTemplate)
class TemplateAdmin(AuditedAdmin):
    list_display = ("name", "max_score", "yuan_per_point", "is_active")


@admin.register(models.Assessment)
class AssessmentAdmin(AuditedAdmin):
    list_display = ("contract", "month", "route", "score", "deduction_yuan", "status")
