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
    """The daily notifications: machine services due, and the checks other apps registered
    (``notify.daily``: e.g. structure inspections overdue, from the assets app)."""
    from zhiyang.notify import hooks
    from zhiyang.notify.daily import run_daily_checks

    return hooks.services_due() + run_daily_checks()
