"""Overdue hazards: past their deadline and not yet rectified, escalated one level a day
through the shared engine (``core.escalation``), with a timeline event and a notification.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import escalation
from zhiyang.core.actors import Actor, audit_user
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

    Idempotent per day (``core.escalation``). Returns the number of hazards escalated.
    """
    today = today or timezone.localdate()

    def escalated(hazard: Hazard) -> None:
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
        notify_hooks.hazard_escalated(hazard)

    return escalation.escalate_overdue(
        actor=actor, overdue=overdue_hazards(today), today=today, on_escalated=escalated
    )
