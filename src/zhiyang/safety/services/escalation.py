"""Overdue hazards: past their deadline and not yet rectified, escalated one level a day
(idempotent per day, so the command and the task may run as often as wanted).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import audit
from zhiyang.core.actors import Actor, audit_user
from zhiyang.core.choices import AuditAction
from zhiyang.notify import hooks as notify_hooks
from zhiyang.safety.choices import HazardAction, HazardStatus
from zhiyang.safety.models import Hazard, HazardEvent


def overdue_hazards(today: datetime.date | None = None) -> QuerySet[Hazard]:
    """Hazards past their deadline that are not yet rectified."""
    today = today or timezone.localdate()
    return Hazard.objects.filter(
        deadline__lt=today, status__in=[HazardStatus.REPORTED, HazardStatus.ASSIGNED]
    )


def escalate_overdue(*, actor: Actor, today: datetime.date | None = None) -> int:
    """Raise the escalation level of each overdue hazard once per day; audited.

    Idempotent per day: a hazard escalated today is left alone, so the command and the
    task may run as often as wanted. Returns the number of hazards escalated.
    """
    today = today or timezone.localdate()
    count = 0
    candidates = overdue_hazards(today).exclude(escalated_on__gte=today)
    for hazard_id in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            hazard = Hazard.objects.select_for_update().get(pk=hazard_id)
            if hazard.escalated_on is not None and hazard.escalated_on >= today:
                continue
            before = audit.snapshot(hazard)
            hazard.escalation_level += 1
            hazard.escalated_on = today
            hazard.save(update_fields=["escalation_level", "escalated_on"])
            days = (today - hazard.deadline).days if hazard.deadline else 0
            HazardEvent.objects.create(
                hazard=hazard,
                action=HazardAction.ESCALATE,
                from_status=hazard.status,
                to_status=hazard.status,
                user=audit_user(actor),
                note=_("Overdue by %(days)d days; escalation level %(level)d.")
                % {"days": days, "level": hazard.escalation_level},
            )
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=hazard,
                before=before,
                after={**audit.snapshot(hazard), "step": HazardAction.ESCALATE},
            )
            notify_hooks.hazard_escalated(hazard)
            count += 1
    return count
