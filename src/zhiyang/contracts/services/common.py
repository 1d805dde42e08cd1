"""Helpers shared by the contracts services: rights, audit of an update, notifications."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from zhiyang.core import actors, audit
from zhiyang.core.access import in_scope
from zhiyang.core.actors import Actor, is_system
from zhiyang.core.choices import AuditAction

PROPOSE = "contracts.propose"
SUPERVISE = "contracts.supervise"
CERTIFY = "contracts.certify"


def require_right(actor: Actor, right: str, obj: models.Model | None = None) -> None:
    """Refuse unless the actor holds ``right`` (and sees ``obj`` when given)."""
    if not actors.may(actor, right, "change"):
        raise PermissionDenied(_("You may not take this step."))
    if obj is not None and not is_system(actor) and not in_scope(actor, obj):
        raise PermissionDenied(_("You may not take this step."))


def record_update(actor: Actor, obj: models.Model, before: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=obj,
        before=before,
        after=audit.snapshot(obj),
    )


def record_create(actor: Actor, obj: models.Model) -> None:
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=obj, before=None, after=audit.snapshot(obj)
    )


def notify(
    actor: Actor,
    *,
    kind: str,
    obj: Any,
    title: str,
    params: dict[str, Any],
    roles: tuple[str, ...],
    key: str,
) -> None:
    """Raise a notification; a notify failure never blocks the approval itself."""
    from zhiyang.notify.events import raise_event

    raise_event(
        actor=actor,
        kind=kind,
        obj=obj,
        title=title,
        params=params,
        roles=roles,
        key=key,
        severity="info",
    )
