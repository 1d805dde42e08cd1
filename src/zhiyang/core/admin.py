"""Django admin for core models; every save and delete goes through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhiyang.core import audit
from zhiyang.core.access import restrict
from zhiyang.core.actors import user_of
from zhiyang.core.choices import AuditAction
from zhiyang.core.models import AuditLog, Organisation, User


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin that audits saves and deletes and shows only rows in the user's scope."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return restrict(super().get_queryset(request), request.user, "view")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change:
                before = audit.snapshot(type(obj)._default_manager.get(pk=obj.pk))
            super().save_model(request, obj, form, change)
            self._pending = (obj, before, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many values are saved here, after save_model: snapshot once they are in.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj, before, was_change = self._pending
            audit.record(
                actor=user_of(request),
                action=AuditAction.UPDATE if was_change else AuditAction.CREATE,
                obj=obj,
                before=before,
                after=audit.snapshot(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit.record(
                actor=user_of(request),
                action=AuditAction.DELETE,
                obj=obj,
                before=audit.snapshot(obj),
                after=None,
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    """Organisations; the network app adds the districts and routes inlines (network/admin.py)."""

    list_display = ["name", "code", "whole_network"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):  # type: ignore[misc]
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Zhiyang"), {"fields": ("role", "organisation", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Zhiyang"), {"fields": ("role", "organisation")}),
    )


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["time", "username", "action", "resource", "object_repr"]
    list_filter = ["action", "resource"]
    search_fields = ["username", "object_repr", "object_id"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
