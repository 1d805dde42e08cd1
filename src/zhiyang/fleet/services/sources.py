"""Telematics sources (an ISO 15143-3 endpoint and its credential, encrypted at rest)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from zhiyang.core import audit, crypto
from zhiyang.core.actors import Actor
from zhiyang.core.choices import AuditAction
from zhiyang.fleet.models import (
    TelematicsSource,
)

SOURCE_SECRET_FIELD = "auth_value_encrypted"  # noqa: S105 - a field name, not a secret


def _source_snapshot(source: TelematicsSource) -> dict[str, Any]:
    """The audit snapshot without the (encrypted) auth value: only whether one is set."""
    data = audit.snapshot(source)
    data[SOURCE_SECRET_FIELD] = "***" if data.get(SOURCE_SECRET_FIELD) else ""
    return data


def save_source(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    source: TelematicsSource | None = None,
    auth_value: str | None = None,
) -> TelematicsSource:
    """Create or update a source; ``auth_value`` None keeps the stored one, '' clears it.

    The clear value is encrypted before it reaches the model and never enters the audit log.
    """
    from zhiyang.core.services import ensure_in_scope

    with transaction.atomic():
        creating = source is None
        obj = source or TelematicsSource()
        before = None if creating else _source_snapshot(obj)
        for name, value in data.items():
            setattr(obj, name, value)
        if auth_value is not None:
            obj.auth_value_encrypted = crypto.encrypt(auth_value)
        obj.full_clean()
        obj.save()
        ensure_in_scope(actor=actor, obj=obj, action="add" if creating else "change")
        after = _source_snapshot(obj)
        if creating or after != before:
            audit.record(
                actor=actor,
                action=AuditAction.CREATE if creating else AuditAction.UPDATE,
                obj=obj,
                before=before,
                after=after,
            )
    return obj


def delete_source(*, actor: Actor, source: TelematicsSource) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=source,
            before=_source_snapshot(source),
            after=None,
        )
        source.delete()
