"""Background tasks of the notify app (django-tasks; ``zhiyang worker`` runs them)."""

from __future__ import annotations

from django_tasks import task

from zhiyang.notify import delivery


@task()
def deliver() -> dict[str, int]:
    """Send the outbox: every delivery and digest that is due; schedules its next run."""
    return delivery.deliver_due()


@task()
def daily_checks() -> int:
    """The daily notifications: machine services due, structure inspections overdue."""
    from zhiyang.assets.services.register import raise_overdue
    from zhiyang.core.actors import SYSTEM
    from zhiyang.notify import hooks

    # Structures (bridges, tunnels, culverts) whose routine/periodic inspection is overdue.
    return hooks.services_due() + raise_overdue(actor=SYSTEM)
