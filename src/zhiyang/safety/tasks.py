"""Background tasks of the safety app (django-tasks; ``zhiyang worker`` runs them)."""

from __future__ import annotations

from django_tasks import task

from zhiyang.core.actors import SYSTEM
from zhiyang.safety import services


@task()
def escalate_overdue_hazards() -> int:
    """Escalate overdue hazards (idempotent per day; schedule it daily or more often)."""
    return services.escalate_overdue(actor=SYSTEM)
