"""The API's permission class: authenticated, and allowed by the matrix for the action."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from zhiyang.core import actors
from zhiyang.core.access import may

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def action_for(request: Request, view: Any) -> str:
    """The matrix action of a request: the view may name it, else it follows the method."""
    explicit = getattr(view, "matrix_actions", {}).get(getattr(view, "action", None))
    return explicit or METHOD_ACTIONS.get(request.method or "GET", "change")


class RolePermission(BasePermission):
    """Authenticated users whose role allows the action on the view's model.

    Views without a model (e.g. health, schema) only need authentication unless they set
    their own permission classes. Row scope is not checked here: querysets are restricted
    in ``ScopedViewSetMixin.get_queryset`` so out-of-scope objects are simply not found.
    An action guarded by another resource of the matrix (approving a daily report is
    ``works.approval``) names it in the view's ``action_resources``, so that role is asked
    here, before the object's state or the body are looked at.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = getattr(view, "scoped_model", None)
        if model is None:
            queryset = getattr(view, "queryset", None)
            model = getattr(queryset, "model", None)
        if model is None:
            return True
        if not may(user, model, action_for(request, view)):
            return False
        resource = getattr(view, "action_resources", {}).get(getattr(view, "action", None))
        return resource is None or actors.may(user, resource, "change")
