"""What the works services share: the approval right and the audited update of a row."""

from __future__ import annotations

from typing import Any

from zhiyang.core import audit
from zhiyang.core.actors import Actor
from zhiyang.core.choices import AuditAction

#: Approving projects and daily reports: a pseudo-resource granted only by its own entry in
#: the matrix (``works.*`` lets engineers edit works, not approve their own reports).
APPROVAL_RESOURCE = "works.approval"


def _record_update(actor: Actor, obj: Any, before: dict[str, Any]) -> None:
    after = audit.snapshot(obj)
    if after != before:
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=obj, before=before, after=after)
