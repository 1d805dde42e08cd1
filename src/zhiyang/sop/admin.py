"""Admin of the sop app (audited), for administrators. Versions are published through the
page (validated); here they are read-only so content cannot bypass validation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhiyang.core.admin import AuditedAdmin
from zhiyang.sop.models import (
    ChecklistRun,
    InstructionVersion,
    NonConformance,
    SignOff,
    StepResult,
    WorkInstruction,
)


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkInstruction)
class WorkInstructionAdmin(ReadOnlyAdmin):
    list_display = ["code", "created_at"]


@admin.register(InstructionVersion)
class InstructionVersionAdmin(ReadOnlyAdmin):
    list_display = ["instruction", "version", "status", "published_at"]
    list_filter = ["status", "instruction"]


class StepResultInline(admin.TabularInline):  # type: ignore[type-arg]
    model = StepResult
    extra = 0
    can_delete = False
    fields = ("step_code", "hold_point", "done", "passed", "values", "note")
    readonly_fields = ("step_code", "hold_point", "done", "passed", "values", "note")


@admin.register(ChecklistRun)
class ChecklistRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "version", "work_order", "status", "submitted_at"]
    list_filter = ["status"]
    inlines = [StepResultInline]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["run", "step_code", "role", "user", "at"]


@admin.register(NonConformance)
class NonConformanceAdmin(ReadOnlyAdmin):
    list_display = ["id", "run", "step_code", "status", "raised_at"]
    list_filter = ["status"]
