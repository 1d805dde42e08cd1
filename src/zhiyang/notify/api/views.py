"""The inbox API: a person's own notifications, newest first; mark read, mark all read,
the unread count (what the page header shows)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.core.api.viewsets import ScopedReadOnlyViewSet
from zhiyang.notify import services
from zhiyang.notify.api.serializers import InboxItemSerializer, MarkReadSerializer
from zhiyang.notify.filters import InboxFilter
from zhiyang.notify.models import InboxItem

COUNT = inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
MARKED = inline_serializer("Marked", {"marked": serializers.IntegerField()})


class InboxViewSet(ScopedReadOnlyViewSet):
    """The reader's inbox (nobody sees another person's)."""

    queryset = InboxItem.objects.select_related("event").order_by("-created_at", "-id")
    serializer_class = InboxItemSerializer
    filterset_class = InboxFilter
    ordering_fields = ["created_at"]
    matrix_actions = {"read": "change", "read_all": "change", "mark_read": "change"}

    @property
    def actor(self) -> Any:
        return self.request.user

    def get_queryset(self) -> QuerySet[InboxItem]:
        return super().get_queryset().filter(user_id=self.request.user.pk)

    @extend_schema(request=None, responses=InboxItemSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        item = self.get_object()
        services.mark_read(actor=self.actor, items=[item])
        item.refresh_from_db()
        return Response(self.get_serializer(item).data)

    @extend_schema(request=MarkReadSerializer, responses=MARKED)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request) -> Response:
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = self.get_queryset().filter(pk__in=data.validated_data["ids"])
        return Response({"marked": services.mark_read(actor=self.actor, items=items)})

    @extend_schema(request=None, responses=MARKED)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.mark_all_read(actor=self.actor)})

    @extend_schema(responses=COUNT)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": services.unread_count(request.user)})
