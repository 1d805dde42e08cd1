"""Background tasks of the notify app (django-tasks; ``zhiyang worker`` runs them)."""

from __future__ import annotations

from django_tasks import task

from zhiyang.notify import delivery


@task()
def deliver() -> dict[str, int]:
    """Send the outbox: every delivery and digest that is due; schedules its next run."""
    return delivery.deliver_due()
