"""Overdue escalation, shared by every closed loop with a deadline (safety hazards, patrol
repair tasks): each overdue row rises one level a day, idempotent per day, audited.

A model taking part has ``escalation_level`` (small integer) and ``escalated_on`` (date).
The loop's own service gives the overdue rows and a callback that writes what the loop
keeps besides the audit row (a timeline event, a notification through ``notify``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from zhiyang.core import audit
from zhiyang.core.actors import Actor
from zhiyang.core.choices import AuditAction

ESCALATE_STEP = "escalate"


def escalate_overdue(
    *,
    actor: Actor,
    overdue: models.QuerySet[Any],
    today: datetime.date | None = None,
    on_escalated: Callable[[Any], None] | None = None,
) -> int:
    """Raise ``escalation_level`` of each row of ``overdue`` once per day; audited.

    A row already escalated today is left alone (checked again under a row lock, so two
    runs at once escalate once). ``on_escalated(row)`` runs inside the row's transaction.
    Returns the number of rows escalated.
    """
    today = today or timezone.localdate()
    model = overdue.model
    count = 0
    candidates = overdue.exclude(escalated_on__gte=today)
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            row = model._default_manager.select_for_update().get(pk=pk)
            if row.escalated_on is not None and row.escalated_on >= today:
                continue
            before = audit.snapshot(row)
            row.escalation_level += 1
            row.escalated_on = today
            row.save(update_fields=["escalation_level", "escalated_on"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=row,
                before=before,
                after={**audit.snapshot(row), "step": ESCALATE_STEP},
            )
            if on_escalated is not None:
                on_escalated(row)
            count += 1
    return count
