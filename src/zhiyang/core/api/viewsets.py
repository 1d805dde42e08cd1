"""The base of every model viewset: scoped querysets and audited writes through services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from zhiyang.core import services
from zhiyang.core.access import restrict, within_scope
from zhiyang.core.actors import user_of
from zhiyang.core.api.permissions import action_for


class ScopedViewSetMixin:
    """Restrict rows to the user's scope and role for the request's action.

    Because the restriction is on the queryset, an object outside the scope answers 404,
    exactly like one that does not exist. Writes go through ``service_*`` hooks, which
    default to the generic audited services and are overridden by domain viewsets.

    Every request is checked in one order: authentication (401), then for an object's URL
    its scope (404: missing and out of scope alike), then the role (403), then the
    object's state and the body (400, in the services and serializers). So the same bad
    request answers the same everywhere, and a 403 never tells that an id exists.
    """

    queryset: models.QuerySet[Any]
    request: Any
    kwargs: dict[str, Any]
    lookup_field: str
    lookup_url_kwarg: str | None

    def check_permissions(self, request: Request) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.check_scope_of_url()
        super().check_permissions(request)  # type: ignore[misc]

    def check_scope_of_url(self) -> None:
        """404 unless the URL's object exists inside the user's scope (role not yet asked)."""
        lookup = self.lookup_url_kwarg or self.lookup_field
        if lookup not in self.kwargs:
            return
        rows = within_scope(self.queryset.model._default_manager.all(), self.request.user)
        try:
            found = rows.filter(**{self.lookup_field: self.kwargs[lookup]}).exists()
        except (ValueError, TypeError, ValidationError, OverflowError):
            found = False
        if not found:
            raise Http404

    def get_queryset(self) -> models.QuerySet[Any]:
        base = super().get_queryset()  # type: ignore[misc]
        return restrict(base, self.request.user, action_for(self.request, self))

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = self.service_create(data=serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert serializer.instance is not None
        serializer.instance = self.service_update(
            obj=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance: models.Model) -> None:
        self.service_delete(obj=instance)

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_object(
            actor=user_of(self.request), model=self.queryset.model, data=data
        )

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        return services.update_object(actor=user_of(self.request), obj=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        services.delete_object(actor=user_of(self.request), obj=obj)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):  # type: ignore[misc]
    """A read-write model viewset inside the permission matrix and organisation scope."""


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[misc]
    """A read-only model viewset inside the permission matrix and organisation scope."""
