"""Related fields that choose only among the objects the requesting user may see.

Scope is enforced in one place (:func:`zhiyang.core.access.restrict`); these fields apply it
to the ids and codes a client sends, so an object outside the user's scope is answered as
"does not exist", exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.core.access import restrict


class _ScopedQuerysetMixin:
    context: dict[str, Any]

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()  # type: ignore[misc]
        if queryset is None:
            return None
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return restrict(queryset, request.user, "view")


class ScopedPrimaryKeyField(_ScopedQuerysetMixin, serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A related object by id, among those the requesting user may see."""


class ScopedSlugField(_ScopedQuerysetMixin, serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A related object by code (``slug_field``), among those the requesting user may see."""
