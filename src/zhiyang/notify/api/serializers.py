"""Serializers of the notify API: the inbox, in the reader's language."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.notify.models import InboxItem


class InboxItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    kind = serializers.CharField(source="event.kind", read_only=True)
    severity = serializers.CharField(source="event.severity", read_only=True)
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    url = serializers.CharField(source="event.url", read_only=True)
    resource = serializers.CharField(source="event.resource", read_only=True)
    object_id = serializers.CharField(source="event.object_id", read_only=True)
    unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = InboxItem
        fields = [
            "id",
            "kind",
            "severity",
            "title",
            "body",
            "url",
            "resource",
            "object_id",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def get_title(self, item: InboxItem) -> str:
        return item.event.title_in()

    def get_body(self, item: InboxItem) -> str:
        return item.event.body_in()


class MarkReadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**53), max_length=500
    )

    def create(self, validated_data: Any) -> Any:  # pragma: no cover - not a model form
        raise NotImplementedError
