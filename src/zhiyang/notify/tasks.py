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
    """The daily notifications: machine services due, and every daily check an app
    registered (``kinds.register_daily_check``: structure inspections overdue …)."""
    from zhiyang.notify import hooks
    from zhiyang.notify.kinds import daily_checks as registered

    return hooks.services_due() + sum(check() for check in registered())
