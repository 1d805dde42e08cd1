"""The audit trail: JSON snapshots of objects and one AuditLog row per change."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers import serialize
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from zhiyang.core.actors import Actor, audit_user, is_system
from zhiyang.core.choices import AuditAction
from zhiyang.core.models import AuditLog
from zhiyang.core.roles import resource_of

# Never copied into the audit trail.
REDACTED_FIELDS = frozenset({"password"})


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe dict of the object's concrete and many-to-many field values."""
    fields: dict[str, Any] = json.loads(serialize("json", [obj], cls=DjangoJSONEncoder))[0][
        "fields"
    ]
    for name in REDACTED_FIELDS & fields.keys():
        fields[name] = "***"
    # Reverse many-to-many relations another app declares for this model (an organisation's
    # districts and routes) are audited as if they were its own fields.
    for name in getattr(type(obj), "audited_relations", ()):
        fields[name] = sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
    return fields


def record(
    *,
    actor: Actor,
    action: AuditAction | str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditLog:
    """Write one audit row; call it inside the transaction that made the change.

    ``actor`` is a User, or ``core.actors.SYSTEM`` (logged as "system")."""
    user = audit_user(actor)
    return AuditLog.objects.create(
        user=user,
        username=user.get_username() if user else ("system" if is_system(actor) else ""),
        action=action,
        resource=resource_of(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )
