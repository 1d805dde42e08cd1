"""Django admin for the notify app: read-only views of events and the outbox (channels are
edited on their settings page, which validates and encrypts; the admin never shows secrets)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhiyang.core.admin import AuditedAdmin
from zhiyang.notify.models import Channel, Delivery, DeliveryAttempt, Event


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "severity", "resource", "object_id")
    list_filter = ("kind", "severity")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "target", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ("time", "delivery", "ok", "reason")


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "kind", "enabled")
    exclude = ("secrets",)
