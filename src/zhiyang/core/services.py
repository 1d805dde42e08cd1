"""Generic audited writes. Domain services build on these; views never save directly.

Each function is keyword-only, runs in one transaction and writes the audit row in it, so a
change and its audit entry land together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from zhiyang.core import audit
from zhiyang.core.access import in_scope
from zhiyang.core.actors import Actor, is_system
from zhiyang.core.choices import AuditAction

M = TypeVar("M", bound=models.Model)


def _assign(obj: models.Model, data: Mapping[str, Any]) -> dict[str, Any]:
    """Set plain fields on ``obj``; return the many-to-many values for after the save."""
    many: dict[str, Any] = {}
    m2m_names = {f.name for f in obj._meta.many_to_many}
    m2m_names |= set(getattr(type(obj), "audited_relations", ()))
    for name, value in data.items():
        if name in m2m_names:
            many[name] = value
        else:
            setattr(obj, name, value)
    return many


def ensure_in_scope(*, actor: Actor, obj: models.Model, action: str) -> None:
    """Refuse a write that would leave ``obj`` outside the actor's scope (rolls back).

    ``core.actors.SYSTEM`` (demo, commands, jobs, imports run by an operator) is never
    refused."""
    if not is_system(actor) and not in_scope(actor, obj, action):
        raise ValidationError(_("This change would put the object outside your scope."))


def create_object(
    *, actor: Actor, model: type[M], data: Mapping[str, Any], check_scope: bool = True
) -> M:
    """Create, validate and save a ``model`` from ``data``; audited.

    ``check_scope=False`` is for callers that check the scope of a whole batch themselves
    (imports, which report every object outside the scope at once).
    """
    with transaction.atomic():
        obj = model()
        many = _assign(obj, data)
        obj.full_clean(validate_unique=True)
        obj.save()
        for name, value in many.items():
            getattr(obj, name).set(value)
        if check_scope:
            ensure_in_scope(actor=actor, obj=obj, action="add")
        audit.record(
            actor=actor, action=AuditAction.CREATE, obj=obj, before=None, after=audit.snapshot(obj)
        )
    return obj


def update_object(*, actor: Actor, obj: M, data: Mapping[str, Any], check_scope: bool = True) -> M:
    """Apply ``data`` to ``obj``, validate and save; audited with before and after."""
    with transaction.atomic():
        before = audit.snapshot(obj)
        many = _assign(obj, data)
        obj.full_clean(validate_unique=True)
        obj.save()
        for name, value in many.items():
            getattr(obj, name).set(value)
        if check_scope:
            ensure_in_scope(actor=actor, obj=obj, action="change")
        after = audit.snapshot(obj)
        if after != before:
            audit.record(
                actor=actor, action=AuditAction.UPDATE, obj=obj, before=before, after=after
            )
    return obj


def delete_object(*, actor: Actor, obj: models.Model) -> None:
    """Delete ``obj``; audited with its last state."""
    with transaction.atomic():
        before = audit.snapshot(obj)
        audit.record(actor=actor, action=AuditAction.DELETE, obj=obj, before=before, after=None)
        obj.delete()
